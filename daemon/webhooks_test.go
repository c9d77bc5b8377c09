package daemon

import (
	"cmp"
	"maps"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

const hookSecret = "hook-secret"

// hookedDaemon serves a daemon on the simulators with its sources polled
// hourly (no poll between the first round and the end of a test) and the
// GitHub simulator delivering its webhooks to the daemon's listener.
func hookedDaemon(t testing.TB) (*Daemon, *apisim.Org) {
	t.Helper()
	return hookedDaemonOn(t, "cloud")
}

// hookedDaemonOn is hookedDaemon with a simulated Jira of deployment
// ("cloud" or "server").
func hookedDaemonOn(t testing.TB, deployment string) (*Daemon, *apisim.Org) {
	t.Helper()
	d, org, logs := simDaemonOn(t, deployment, time.Hour, func(cfg *config.Config) {
		for i := range cfg.Sources {
			cfg.Sources[i].WebhookSecret = hookSecret
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.opts.WebhookListener = ln
	var ghURL string
	for _, src := range d.Config().Sources {
		if src.Type == "github" {
			ghURL = strings.TrimSuffix(src.URL, "/")
		}
	}
	hooks := "http://" + ln.Addr().String() + "/hooks/"
	org.GitHub.SetWebhook(githubsim.Webhook{URL: hooks + "github/github", Secret: hookSecret, APIBase: ghURL})
	org.Jira.SetWebhook(jirasim.Webhook{URL: hooks + "jira/jira", Secret: hookSecret})
	stop := serve(t, d)
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logs.String())
		}
		org.GitHub.WaitDeliveries()
		org.Jira.WaitDeliveries()
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	eventually(t, "the first round of every source", func() bool { code, _ := get(t, d, "/readyz"); return code == 200 })
	eventually(t, "the analysis of the first rounds", func() bool { r := d.report.Load(); return r != nil && len(r.Issues) > 0 })
	return d, org
}

// openIssues returns n open issues (not pull requests) of the simulated
// GitHub's first repository.
func openIssues(t testing.TB, org *apisim.Org, n int) []githubsim.IssueRef {
	t.Helper()
	repo := org.GitHub.Repos()[0]
	var refs []githubsim.IssueRef
	for i := 1; len(refs) < n && i < 1000; i++ {
		ref := githubsim.IssueRef{Repo: repo, Number: i}
		if is, ok := org.GitHub.Get(ref); ok && is.State == "open" && !is.PullRequest {
			refs = append(refs, ref)
		}
	}
	if len(refs) < n {
		t.Fatalf("%d open issues in %s, want %d", len(refs), repo, n)
	}
	return refs
}

func githubIssues(t *testing.T, d *Daemon, status string) float64 {
	t.Helper()
	return issuesOf(t, d, "github", status)
}

// issuesOf sums baton_issues of source with status (any when "").
func issuesOf(t *testing.T, d *Daemon, source, status string) float64 {
	t.Helper()
	var sum float64
	families, err := d.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "baton_issues" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["source"] == source && (status == "" || labels["status"] == status) {
				sum += m.GetGauge().GetValue()
			}
		}
	}
	return sum
}

// TestAClosedIssueReachesMetricsThroughTheWebhookWithoutAPoll closes an
// issue at the simulator with the poll an hour away: the webhook's re-fetch
// alone moves it to done in /metrics, and the latency is observed.
func TestAClosedIssueReachesMetricsThroughTheWebhookWithoutAPoll(t *testing.T) {
	d, org := hookedDaemon(t)
	ref := openIssues(t, org, 1)[0]
	rounds := d.engine.Status()["github"].Rounds
	done := githubIssues(t, d, "done")
	if err := org.GitHub.Close(ref, "completed"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the closed issue counted done in /metrics", func() bool { return githubIssues(t, d, "done") == done+1 })
	if got := d.engine.Status()["github"].Rounds; got != rounds {
		t.Errorf("github rounds %d, then %d: a poll ran", rounds, got)
	}
	// The latency is observed just after the publication it measures.
	eventually(t, "the receipt-to-publish latency observed once", func() bool {
		_, text := get(t, d, "/metrics")
		return strings.Contains(text, `baton_webhook_to_publish_seconds_count{source="github"} 1`+"\n")
	})
	if _, text := get(t, d, "/metrics"); !strings.Contains(text, `baton_webhook_requests_total{event="issues",result="accepted",source="github"} 1`+"\n") {
		t.Errorf("/metrics lacks one accepted issues webhook")
	}
}

// TestEachEventReFetchesExactlyTheIssueThatHoldsTheChange counts, at the
// simulator, the requests each mutation's webhook costs: one GET of each
// issue that holds the change (plus its blockers or sub-issues where GitHub
// says it has some), never a listing.
func TestEachEventReFetchesExactlyTheIssueThatHoldsTheChange(t *testing.T) {
	d, org := hookedDaemon(t)
	refs := openIssues(t, org, 4)
	for _, c := range []struct {
		name   string
		mutate func() error
		routes map[string]int // requests expected beyond GET of the issue
	}{
		{"issues edited", func() error { return org.GitHub.Edit(refs[0], "New title", "") }, nil},
		{"issue_comment created", func() error { return org.GitHub.AddComment(refs[1], "octocat", "any news?") }, nil},
		{"issue_dependencies blocked_by_added", func() error { return org.GitHub.AddBlockedBy(refs[2], refs[3]) },
			map[string]int{"GET /repos/{owner}/{repo}/issues/{number}/dependencies/blocked_by": 1}},
		// The sub-issue declares the link; the parent, whose summary now
		// counts a child the last round did not see, asks for its
		// sub-issues once, for any outside the synced repositories.
		{"sub_issues sub_issue_added", func() error { return org.GitHub.AddSubIssue(refs[3], refs[1]) },
			map[string]int{"GET /repos/{owner}/{repo}/issues/{number}": 2, "GET /repos/{owner}/{repo}/issues/{number}/sub_issues": 1}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := org.GitHub.Stats().Requests
			accepted := metric(t, d, "baton_webhook_requests_total", map[string]string{"source": "github", "event": strings.Fields(c.name)[0], "result": "accepted"})
			if err := c.mutate(); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the re-fetch", func() bool {
				return org.GitHub.Stats().Requests["GET /repos/{owner}/{repo}/issues/{number}"] > before["GET /repos/{owner}/{repo}/issues/{number}"]
			})
			org.GitHub.WaitDeliveries()
			eventually(t, "the delivery counted", func() bool {
				return metric(t, d, "baton_webhook_requests_total", map[string]string{"source": "github", "event": strings.Fields(c.name)[0], "result": "accepted"}) == accepted+1
			})
			want := map[string]int{"GET /repos/{owner}/{repo}/issues/{number}": 1}
			for k, v := range c.routes {
				want[k] = v
			}
			eventually(t, "the whole re-fetch", func() bool {
				got := diff(before, org.GitHub.Stats().Requests)
				for k, v := range want {
					if got[k] < v {
						return false
					}
				}
				return true
			})
			got := diff(before, org.GitHub.Stats().Requests)
			delete(got, "GET /repos/{owner}/{repo}/issues/{number}/timeline") // in-progress issues read their timeline
			if len(got) != len(want) {
				t.Fatalf("requests %v, want %v", got, want)
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("requests %v, want %v", got, want)
				}
			}
		})
	}
}

// diff is what after counts beyond before, by route.
func diff[N int | int64](before, after map[string]N) map[string]N {
	out := map[string]N{}
	for k, v := range after {
		if n := v - before[k]; n > 0 {
			out[k] = n
		}
	}
	return out
}

// TestALabelChangeReFetchesExactlyTheIssuesThatCarriedIt renames and
// deletes a label of a repository at the simulator with the poll an hour
// away: GitHub changes its issues without an issues event, and the one
// label event's hint re-reads exactly the stored issues that carried it
// (one GET each, never a listing), which then carry the new name or none.
func TestALabelChangeReFetchesExactlyTheIssuesThatCarriedIt(t *testing.T) {
	d, org := hookedDaemon(t)
	repo := org.GitHub.Repos()[0]
	prefix := model.KeyPrefix(model.GitHub, strings.ToLower(repo))
	labelled := func(name string) []string {
		keys, err := d.Store().Labelled(t.Context(), "github", prefix, name)
		if err != nil {
			t.Fatal(err)
		}
		return keys
	}
	names := commonLabels(t, org, repo)
	for _, c := range []struct {
		name   string
		mutate func(label string) error
		to     string
	}{
		{"edited", func(l string) error { return org.GitHub.RenameLabel(repo, l, "renamed-by-webhook") }, "renamed-by-webhook"},
		{"deleted", func(l string) error { return org.GitHub.DeleteLabel(repo, l) }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			label := names[0]
			names = names[1:]
			carried := labelled(label)
			if len(carried) < 2 {
				t.Fatalf("label %q on %v stored, want 2 issues or more", label, carried)
			}
			rounds := d.engine.Status()["github"].Rounds
			before := org.GitHub.Stats().Requests
			if err := c.mutate(label); err != nil {
				t.Fatal(err)
			}
			// The issues are written at once, after every GET.
			eventually(t, "the label gone from the stored issues", func() bool { return len(labelled(label)) == 0 })
			got := diff(before, org.GitHub.Stats().Requests)
			if n := got["GET /repos/{owner}/{repo}/issues/{number}"]; n != len(carried) {
				t.Errorf("%d issues read again, want the %d that carried %q: %v", n, len(carried), label, got)
			}
			if n := got["GET /repos/{owner}/{repo}/issues"]; n != 0 {
				t.Errorf("%d listings, want none", n)
			}
			if c.to != "" {
				if now := labelled(c.to); !slices.Equal(now, carried) {
					t.Errorf("%q on %v, want %v", c.to, now, carried)
				}
			}
			if got := d.engine.Status()["github"].Rounds; got != rounds {
				t.Errorf("github rounds %d, then %d: a poll ran", rounds, got)
			}
		})
	}
}

// commonLabels returns the labels of repo's issues at the simulator, the
// most carried first.
func commonLabels(t *testing.T, org *apisim.Org, repo string) []string {
	t.Helper()
	count := map[string]int{}
	for i := 1; ; i++ {
		is, ok := org.GitHub.Get(githubsim.IssueRef{Repo: repo, Number: i})
		if !ok {
			break
		}
		for _, l := range is.Labels {
			count[l]++
		}
	}
	names := slices.Collect(maps.Keys(count))
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(count[b]-count[a], strings.Compare(a, b)) })
	if len(names) < 2 {
		t.Fatalf("labels %v in %s, want two", names, repo)
	}
	return names
}

// TestADeleteEventRemovesTheIssueOnceGitHubAnswers410 deletes an issue at
// the simulator: its webhook's re-fetch gets 410 and the store drops it.
func TestADeleteEventRemovesTheIssueOnceGitHubAnswers410(t *testing.T) {
	d, org := hookedDaemon(t)
	ref := openIssues(t, org, 1)[0]
	owner, name, _ := strings.Cut(ref.Repo, "/")
	key := model.GitHubKey(owner, name, ref.Number)
	all := githubIssues(t, d, "")
	if err := org.GitHub.Delete(ref); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the deleted issue gone from /metrics", func() bool { return githubIssues(t, d, "") == all-1 })
	issues, err := d.Store().LoadIssues(t.Context(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range issues {
		if is.Key == key {
			t.Errorf("%s still stored", key)
		}
	}
}

// openJiraIssues returns n keys of open simulated Jira issues.
func openJiraIssues(t *testing.T, org *apisim.Org, n int) []string {
	t.Helper()
	var keys []string
	for _, k := range org.Jira.Keys() {
		if is, ok := org.Jira.Issue(k); ok && is.Resolution == "" && len(keys) < n {
			keys = append(keys, k)
		}
	}
	if len(keys) < n {
		t.Fatalf("%d open Jira issues, want %d", len(keys), n)
	}
	return keys
}

// TestJiraEventsReachMetricsThroughTheWebhook resolves, links and deletes
// Jira issues at the simulator, Cloud and Data Center, with the poll an
// hour away: each webhook's re-fetch alone brings the change, and a link
// event costs exactly what a Refetch of its two ends does: a GET of each by
// id, one search matching them against the source's JQL, and on Cloud one
// bulk changelog (Data Center embeds the changelog in the GET). A deleted
// issue goes once Jira answers 404.
func TestJiraEventsReachMetricsThroughTheWebhook(t *testing.T) {
	for _, c := range []struct {
		deployment string
		link       map[string]int
	}{
		{"cloud", map[string]int{jirasim.EndpointIssue: 2, jirasim.EndpointSearchJQL: 1, jirasim.EndpointBulkChangelog: 1}},
		{"server", map[string]int{jirasim.EndpointIssue: 2, jirasim.EndpointSearch: 1}},
	} {
		t.Run(c.deployment, func(t *testing.T) {
			d, org := hookedDaemonOn(t, c.deployment)
			keys := openJiraIssues(t, org, 3)
			done, all := issuesOf(t, d, "jira", "done"), issuesOf(t, d, "jira", "")
			if err := org.Jira.Resolve(keys[0], "Done", "Done"); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the resolved issue counted done", func() bool { return issuesOf(t, d, "jira", "done") == done+1 })
			published := func() float64 {
				return metric(t, d, "baton_webhook_to_publish_seconds", map[string]string{"source": "jira"})
			}
			eventually(t, "the resolve's publication observed", func() bool { return published() == 1 })

			before := org.Jira.Requests()
			if _, err := org.Jira.AddLink("Blocks", keys[1], keys[2]); err != nil {
				t.Fatal(err)
			}
			// The publication follows the whole re-fetch: nothing is counted after it.
			eventually(t, "the link's re-fetch published", func() bool { return published() == 2 })
			if got := diff(before, org.Jira.Requests()); !maps.Equal(got, c.link) {
				t.Errorf("the link event's requests %v, want %v", got, c.link)
			}

			if err := org.Jira.Delete(keys[1]); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the deleted issue gone", func() bool { return issuesOf(t, d, "jira", "") == all-1 })
			if got := d.engine.Status()["jira"].Rounds; got != 1 {
				t.Errorf("jira rounds %d, want the first only", got)
			}
		})
	}
}
