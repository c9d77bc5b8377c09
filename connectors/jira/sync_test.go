package jira

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/model"
)

var deployments = []string{jirasim.Cloud, jirasim.DataCenter}

func at(h int) time.Time { return simNow.Add(time.Duration(h-100) * time.Hour) }

func TestFullSyncMapsEveryField(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e, got := synced(t, dep)
			if len(got) != 122 {
				t.Fatalf("got %d issues, want 122", len(got))
			}
			pay1 := got["jira:PAY-1"]
			if n := len(pay1.ActivityEvents); n != 47 {
				t.Errorf("PAY-1: got %d activity events, want 47 (44 edits, two links, a comment)", n)
			}
			pay1.ActivityEvents = nil
			want := model.Issue{
				Key: "jira:PAY-1", Source: "jira-main", System: model.Jira, URL: e.src.base + "browse/PAY-1",
				Title: "Charge cards", Body: "Blocked by CORE-2.\nGitHub twin: https://github.com/acme/pay/issues/5",
				Status: model.StatusInProgress, RawStatus: "In Progress", Assignees: []string{"Ada Lovelace"},
				Priority: 2, RawPriority: "High", Labels: []string{"q4"}, Components: []string{"Billing"},
				Created: at(0), Updated: at(9), StatusChanged: at(1),
				Due:       time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
				Iteration: &model.Iteration{Name: "PAY Sprint 4", State: "active", Start: at(-64), End: at(272)},
				Mirrors:   []string{"github:acme/pay#5"},
				Links: []model.Link{
					{From: "jira:CORE-1", To: "jira:PAY-1", Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "is blocked by"},
					{From: "jira:PAY-1", To: "jira:PAY-3", Type: model.Relates, Origin: model.OriginJiraLink, RawType: "relates to"},
					{From: "jira:CORE-2", To: "jira:PAY-1", Type: model.Blocks, Origin: model.OriginTextReference, RawType: "Blocked by CORE-2"},
				},
			}
			if diff := cmp.Diff(want, pay1); diff != "" {
				t.Errorf("PAY-1 (-want +got):\n%s", diff)
			}
			type summary struct {
				Status     model.Status
				Resolution model.Resolution
				Raw        string
				Closed     time.Time
				Links      []model.Link
			}
			sum := func(k string) summary {
				is := got[k]
				return summary{is.Status, is.Resolution, is.RawResolution, is.Closed, is.Links}
			}
			wantSums := map[string]summary{
				"jira:PAY-2":  {model.StatusDone, model.ResolutionDropped, "Won't Do", at(4), nil},
				"jira:PAY-3":  {model.StatusBlocked, "", "", time.Time{}, []model.Link{{From: "jira:PAY-1", To: "jira:PAY-3", Type: model.Relates, Origin: model.OriginJiraLink, RawType: "relates to"}}},
				"jira:CORE-1": {model.StatusTodo, "", "", time.Time{}, []model.Link{{From: "jira:CORE-1", To: "jira:PAY-1", Type: model.Blocks, Origin: model.OriginJiraLink, RawType: "blocks"}}},
				"jira:CORE-2": {model.StatusDone, model.ResolutionCompleted, "Done", at(7), nil},
			}
			for k, w := range wantSums {
				if diff := cmp.Diff(w, sum(k)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", k, diff)
				}
			}
		})
	}
}

func TestFullSyncCostsAFewRequestsPerPage(t *testing.T) {
	// 122 issues: Cloud pages hold 50, so 3 searches and 3 bulk changelog
	// reads; Data Center asks for 100 and gets them with their whole
	// changelogs embedded (PAY-1's 45 histories included), and never asks
	// for the per-issue changelog it does not have.
	want := map[string]map[string]int{
		jirasim.Cloud:      {jirasim.EndpointMyself: 1, jirasim.EndpointField: 1, jirasim.EndpointSearchJQL: 3, jirasim.EndpointBulkChangelog: 3},
		jirasim.DataCenter: {jirasim.EndpointMyself: 1, jirasim.EndpointField: 1, jirasim.EndpointSearch: 2},
	}
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, nil)
			e.mustSync()
			if diff := cmp.Diff(want[dep], e.sim.Requests()); diff != "" {
				t.Errorf("requests of a full sync (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNextPagesChangelogsAreReadWhileAPageIsCommitted(t *testing.T) {
	// The fixture's 122 issues are three Cloud pages: the second page's
	// changelogs are asked for while the first page's commit (emit) waits.
	e := newEnv(t, jirasim.Cloud, jirasim.Options{}, nil)
	second := make(chan struct{})
	reads := 0
	e.setServed(func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/changelog/bulkfetch") {
			if reads++; reads == 2 {
				close(second)
			}
		}
	})
	committed := 0
	err := e.src.Sync(context.Background(), map[string]string{}, func(_ context.Context, b model.Batch) error {
		if committed++; committed == 1 {
			select {
			case <-second:
			case <-time.After(10 * time.Second):
				return errors.New("the second page's changelogs were not read while the first page was committed")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if committed != 4 { // three pages and the reconcile's keys
		t.Errorf("got %d batches, want 4", committed)
	}
}

func TestPagesSmallerThanAskedForAreFollowedToTheEnd(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{PageCap: 30}, nil)
			e.mustSync()
			if n := len(e.emitted()); n != 122 {
				t.Errorf("got %d issues, want 122", n)
			}
			search := map[string]string{jirasim.Cloud: jirasim.EndpointSearchJQL, jirasim.DataCenter: jirasim.EndpointSearch}[dep]
			if n := e.sim.Requests()[search]; n != 5 {
				t.Errorf("got %d searches, want 5 pages of at most 30", n)
			}
		})
	}
}

func TestUnchangedResyncIsOneSearchRequest(t *testing.T) {
	search := map[string]string{jirasim.Cloud: jirasim.EndpointSearchJQL, jirasim.DataCenter: jirasim.EndpointSearch}
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e, _ := synced(t, dep)
			before := e.cursors[""]
			e.sim.ResetRequests()
			e.now = e.now.Add(5 * time.Minute)
			e.mustSync()
			if diff := cmp.Diff(map[string]int{search[dep]: 1}, e.sim.Requests()); diff != "" {
				t.Errorf("requests of an unchanged re-sync (-want +got):\n%s", diff)
			}
			if got := e.emitted(); len(got) != 0 {
				t.Errorf("re-sync emitted %d issues, want none", len(got))
			}
			if e.cursors[""] != before {
				t.Errorf("cursor moved from %s to %s with nothing changed", before, e.cursors[""])
			}
		})
	}
}

// TestIncrementalSyncReadsDatesInTheAccountZone would fail if the cursor were
// formatted in UTC: the account is in Los Angeles (UTC-8), so a UTC wall
// clock read there names an instant 8 hours later than meant, and a change
// made an hour after the last sync would be missed. The test proves that by
// running the UTC-formatted query too.
func TestIncrementalSyncReadsDatesInTheAccountZone(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{TimeZone: "America/Los_Angeles"}, nil)
			if err := e.sim.Touch("PAY-6"); err != nil { // the cursor will be simNow
				t.Fatal(err)
			}
			e.mustSync()
			e.emitted()
			before, err := parseCursor(e.cursors[""])
			if err != nil || !before.Updated.Equal(simNow) {
				t.Fatalf("cursor after the full sync: got %v (%v), want %s", before.Updated, err, simNow)
			}
			e.sim.Advance(time.Hour)
			if err := e.sim.Transition("PAY-7", "In Progress"); err != nil {
				t.Fatal(err)
			}
			e.sim.Advance(30 * time.Second)
			if err := e.sim.AddComment("PAY-8", "u-ada", "ping"); err != nil {
				t.Fatal(err)
			}
			e.mustSync()
			got := e.emitted()
			if diff := cmp.Diff([]string{"jira:PAY-7", "jira:PAY-8"}, slices.Sorted(maps.Keys(got))); diff != "" {
				t.Fatalf("incremental sync (-want +got):\n%s", diff)
			}
			if got["jira:PAY-7"].Status != model.StatusInProgress || !got["jira:PAY-7"].StatusChanged.Equal(simNow.Add(time.Hour)) {
				t.Errorf("PAY-7: got %s changed at %s", got["jira:PAY-7"].Status, got["jira:PAY-7"].StatusChanged)
			}

			// The same cursor formatted in UTC names 8 hours later in Los
			// Angeles and finds neither change: the trap is real.
			hits := func(zone *time.Location) int {
				n := 0
				err := e.src.search(context.Background(), searchJQL(e.src.jql, since(before.Updated, 2*time.Minute), zone),
					[]string{"key"}, false, func(p []issue) error { n += len(p); return nil })
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if inZone, inUTC := hits(e.sim.Zone()), hits(time.UTC); inZone != 3 || inUTC != 0 {
				t.Errorf("got %d hits in the account zone and %d in UTC, want 3 (PAY-6, 7, 8) and 0", inZone, inUTC)
			}
		})
	}
}

func TestChangelogIsCompleteBeyondTheEmbeddedForty(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{BulkChangelogCap: 20}, nil)
			e.mustSync()
			pay1 := e.emitted()["jira:PAY-1"]
			// The only status change is the oldest of 47 histories: beyond the
			// newest 40 that expand=changelog embeds.
			if !pay1.StatusChanged.Equal(at(1)) || len(pay1.ActivityEvents) != 47 {
				t.Errorf("PAY-1: status changed %s with %d events, want %s with 47", pay1.StatusChanged, len(pay1.ActivityEvents), at(1))
			}
		})
	}
}

func TestSprintFieldIsFoundBySchemaNotByID(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{SprintField: "customfield_10777"}, nil)
			e.mustSync()
			it := e.emitted()["jira:PAY-1"].Iteration
			want := &model.Iteration{Name: "PAY Sprint 4", State: "active", Start: at(-64), End: at(272)}
			if diff := cmp.Diff(want, it); diff != "" {
				t.Errorf("iteration (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWrongDeploymentSettingIsNamedInTheError(t *testing.T) {
	for _, tc := range []struct {
		sim, configured string
		status          int
		hint            string
	}{
		{jirasim.Cloud, jirasim.DataCenter, 410, "set deployment: cloud"},
		{jirasim.DataCenter, jirasim.Cloud, 404, "set deployment: server"},
	} {
		t.Run(tc.configured, func(t *testing.T) {
			// Both sites take either credential here (the Data Center login
			// is the email), so that the search is what fails, not the
			// authentication before it.
			e := newEnv(t, tc.sim, jirasim.Options{AcceptBearer: true, Username: "bot@example.com"}, func(s *config.Source) { config.SettingsOf[Config](*s).Deployment = tc.configured })
			err := e.sync()
			var apiErr *httpapi.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("got %v, want an *httpapi.APIError", err)
			}
			if apiErr.Status != tc.status || !strings.Contains(err.Error(), tc.hint) || !apiErr.Permanent() {
				t.Errorf("got status %d, permanent %v, %q; want %d, permanent, naming %q", apiErr.Status, apiErr.Permanent(), err, tc.status, tc.hint)
			}
		})
	}
}

func TestRateLimitsAndServerErrorsAreRetried(t *testing.T) {
	e := newEnv(t, jirasim.Cloud, jirasim.Options{}, nil)
	e.sim.InjectFault(jirasim.Fault{Endpoint: jirasim.EndpointSearchJQL, Status: 429, RetryAfter: 1})
	e.sim.InjectFault(jirasim.Fault{Endpoint: jirasim.EndpointSearchJQL, Status: 502})
	e.sim.InjectFault(jirasim.Fault{Endpoint: jirasim.EndpointBulkChangelog, Status: 503})
	e.mustSync()
	if n := len(e.emitted()); n != 122 {
		t.Errorf("got %d issues, want 122", n)
	}
	if got := e.sim.Requests(); got[jirasim.EndpointSearchJQL] != 5 || got[jirasim.EndpointBulkChangelog] != 4 {
		t.Errorf("got %v, want 5 searches (3 pages + 2 retries) and 4 changelog reads (3 + 1 retry)", got)
	}
}

func TestPersistentFailureKeepsItsStatusCode(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{503, false}, {429, false}, {401, true}} {
		e := newEnv(t, jirasim.Cloud, jirasim.Options{}, nil)
		e.sim.InjectFault(jirasim.Fault{Endpoint: jirasim.EndpointMyself, Status: tc.status, Count: 10})
		err := e.sync()
		var apiErr *httpapi.APIError
		if !errors.As(err, &apiErr) || apiErr.Status != tc.status || apiErr.Permanent() != tc.permanent {
			t.Errorf("%d: got %#v, want an APIError with that status, permanent %v", tc.status, err, tc.permanent)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%d: the error reveals the token: %v", tc.status, err)
		}
	}
}

func TestMalformedPageKeepsTheOldCursor(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e, _ := synced(t, dep)
			before := e.cursors[""]
			e.sim.Advance(time.Hour)
			if err := e.sim.Touch("PAY-9"); err != nil {
				t.Fatal(err)
			}
			search := jirasim.EndpointSearchJQL
			if dep == jirasim.DataCenter {
				search = jirasim.EndpointSearch
			}
			e.sim.InjectFault(jirasim.Fault{Endpoint: search, Truncate: true})
			err := e.sync()
			var apiErr *httpapi.APIError
			if !errors.As(err, &apiErr) || apiErr.Permanent() {
				t.Fatalf("got %v, want a transient *httpapi.APIError", err)
			}
			if got := e.emitted(); len(got) != 0 || e.cursors[""] != before {
				t.Fatalf("a failed page emitted %v and moved the cursor to %s", slices.Sorted(maps.Keys(got)), e.cursors[""])
			}
			e.mustSync()
			if got := e.emitted(); len(got) != 1 {
				t.Errorf("the next sync emitted %v, want PAY-9", slices.Sorted(maps.Keys(got)))
			}
		})
	}
}

func TestReconcileListsEveryKeySoDeletionsShow(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, nil)
			e.mustSync()
			first := e.batches[len(e.batches)-1].Present
			if first == nil || len(first.Keys) != 122 {
				t.Fatalf("full sync: got key set %v, want all 122 keys", first)
			}
			e.emitted()
			if err := e.sim.Delete("PAY-2"); err != nil {
				t.Fatal(err)
			}
			e.mustSync() // within the interval: no listing
			if len(e.batches) != 0 {
				t.Fatalf("got %d batches before the reconcile interval, want none", len(e.batches))
			}
			e.now = e.now.Add(25 * time.Hour)
			e.sim.ResetRequests()
			e.mustSync()
			// One incremental search, one key listing (keys-only pages are large),
			// and the account zone and sprint field learned afresh.
			search := map[string]string{jirasim.Cloud: jirasim.EndpointSearchJQL, jirasim.DataCenter: jirasim.EndpointSearch}[dep]
			want := map[string]int{jirasim.EndpointMyself: 1, jirasim.EndpointField: 1, search: 2}
			if diff := cmp.Diff(want, e.sim.Requests()); diff != "" {
				t.Errorf("requests of a reconciling sync (-want +got):\n%s", diff)
			}
			last := e.batches[len(e.batches)-1]
			if last.Present == nil || last.Present.Prefix != "jira:" || len(last.Present.Keys) != 121 ||
				slices.Contains(last.Present.Keys, "jira:PAY-2") {
				t.Fatalf("reconcile: got %+v, want the 121 remaining keys", last.Present)
			}
			if cur, _ := parseCursor(last.Cursors[""]); !cur.Reconciled.Equal(e.now) {
				t.Errorf("reconciled at %s, want %s", cur.Reconciled, e.now)
			}
		})
	}
}

func TestCursorIsStoredAsUTC(t *testing.T) {
	e := newEnv(t, jirasim.Cloud, jirasim.Options{}, nil)
	e.mustSync()
	cur, err := parseCursor(e.cursors[""])
	if err != nil {
		t.Fatal(err)
	}
	wantUpdated := at(8).Add(120 * time.Minute).Format(time.RFC3339)
	if !strings.Contains(e.cursors[""], `"updated":"`+wantUpdated+`"`) || cur.Updated.Location() != time.UTC {
		t.Errorf("cursor %s: want updated %s in UTC", e.cursors[""], wantUpdated)
	}
}

func TestNewRejectsSourcesItCannotRead(t *testing.T) {
	for want, change := range map[string]func(*config.Source, *Config){
		"type is \"github\"":  func(s *config.Source, _ *Config) { s.Type = "github" },
		"jql is empty":        func(_ *config.Source, c *Config) { c.JQL = " " },
		"jql has an ORDER BY": func(_ *config.Source, c *Config) { c.JQL = "project = PAY order by created" },
		"deployment \"dc\"":   func(_ *config.Source, c *Config) { c.Deployment = "dc" },
		"needs email":         func(_ *config.Source, c *Config) { c.Email = "" },
		"token is empty":      func(s *config.Source, _ *Config) { s.Token = "" },
	} {
		jc := &Config{Email: "e@x", JQL: "project = PAY"}
		src := config.Source{Name: "j", Type: "jira", URL: "https://x.example", Token: "t", Settings: jc}
		change(&src, jc)
		_, err := New(src, Options{})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `"j"`) {
			t.Errorf("got %v, want an error naming source \"j\" and saying %s", err, want)
		}
	}
	good := config.Source{Name: "j", Type: "jira", URL: "https://x.example", Token: "t", Settings: &Config{Email: "e@x", JQL: "project = PAY"}}
	if _, err := New(good, Options{}); err != nil {
		t.Errorf("good source: %v", err)
	}
}

// TestMaxResponseBytesBoundsEveryAnswer: a source's max_response_bytes
// reaches its transport, and a larger answer fails the round naming it.
func TestMaxResponseBytesBoundsEveryAnswer(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, func(s *config.Source) { s.MaxResponseBytes = 512 })
			err := e.sync()
			if le := (*httpapi.BodyLimitError)(nil); !errors.As(err, &le) || le.Limit != 512 {
				t.Errorf("sync error %v, want a *httpapi.BodyLimitError at max_response_bytes' 512", err)
			}
		})
	}
}

func TestDataCenterLogsInWithUsernameAndToken(t *testing.T) {
	for user, wantErr := range map[string]bool{"svc-baton": false, "someone-else": true} {
		t.Run(user, func(t *testing.T) {
			e := newEnv(t, jirasim.DataCenter, jirasim.Options{Username: "svc-baton"}, func(src *config.Source) {
				src.Settings.(*Config).Username = user
			})
			err := e.sync()
			var apiErr *httpapi.APIError
			switch {
			case !wantErr && err != nil:
				t.Fatalf("basic auth as %s: %v", user, err)
			case !wantErr && len(e.emitted()) != 122:
				t.Errorf("basic auth as %s: want all 122 issues", user)
			case wantErr && (!errors.As(err, &apiErr) || apiErr.Status != 401):
				t.Errorf("basic auth as %s: got %v, want a 401", user, err)
			}
		})
	}
}

func TestSprintNamesWithCommasAreReadWhole(t *testing.T) {
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{}, nil)
			e.sim.AddSprint(jirasim.Sprint{ID: 4, Name: "PAY Sprint 4, hardening", State: "active",
				Goal: "ship refunds, then state=done,name=x", Start: at(-64), End: at(272)})
			e.mustSync()
			want := &model.Iteration{Name: "PAY Sprint 4, hardening", State: "active", Start: at(-64), End: at(272)}
			if diff := cmp.Diff(want, e.emitted()["jira:PAY-1"].Iteration); diff != "" {
				t.Errorf("PAY-1 iteration (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnterpriseIssueURLsInDescriptionsAreRecognised(t *testing.T) {
	for name, hosts := range map[string][]string{"github.com only": nil, "ghe.example.com": {"ghe.example.com"}} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, jirasim.DataCenter, jirasim.Options{}, nil)
			var want []string
			if hosts != nil {
				want = []string{"github:acme/pay#7"}
				e.opts.GitHubHosts = hosts
				var err error
				if e.src, err = New(e.cfg, e.opts); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := e.sim.AddIssue(jirasim.Issue{Key: "PAY-121", Summary: "mirrored", Status: "To Do",
				Description: "GHES twin: https://ghe.example.com/acme/pay/issues/7", Created: at(0), Updated: at(8)}); err != nil {
				t.Fatal(err)
			}
			e.mustSync()
			if diff := cmp.Diff(want, e.emitted()["jira:PAY-121"].Mirrors); diff != "" {
				t.Errorf("mirrors (-want +got):\n%s", diff)
			}
		})
	}
}
