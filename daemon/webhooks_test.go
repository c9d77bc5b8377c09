package daemon

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

const hookSecret = "hook-secret"

// hookedDaemon serves a daemon on the simulators with its sources polled
// hourly (no poll between the first round and the end of a test) and the
// GitHub simulator delivering its webhooks to the daemon's listener.
func hookedDaemon(t *testing.T) (*Daemon, *apisim.Org) {
	t.Helper()
	d, org, logs := simDaemon(t, time.Hour, func(cfg *config.Config) {
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
	org.GitHub.SetWebhook(githubsim.Webhook{URL: "http://" + ln.Addr().String() + "/hooks/github/github", Secret: hookSecret, APIBase: ghURL})
	stop := serve(t, d)
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(logs.String())
		}
		org.GitHub.WaitDeliveries()
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
func openIssues(t *testing.T, org *apisim.Org, n int) []githubsim.IssueRef {
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
			if labels["source"] == "github" && (status == "" || labels["status"] == status) {
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
	_, text := get(t, d, "/metrics")
	for _, want := range []string{
		`baton_webhook_requests_total{event="issues",result="accepted",source="github"} 1`,
		`baton_webhook_to_publish_seconds_count{source="github"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// TestEachEventReFetchesExactlyTheIssueThatHoldsTheChange counts, at the
// simulator, the requests each mutation's webhook costs: one GET of the
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
		{"sub_issues sub_issue_added", func() error { return org.GitHub.AddSubIssue(refs[3], refs[1]) },
			map[string]int{"GET /repos/{owner}/{repo}/issues/{number}/sub_issues": 1}},
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
				return diff(before, org.GitHub.Stats().Requests)[anyKey(c.routes)] >= c.routes[anyKey(c.routes)]
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

func anyKey(m map[string]int) string {
	for k := range m {
		return k
	}
	return ""
}

// diff is what after counts beyond before, by route.
func diff(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if n := v - before[k]; n > 0 {
			out[k] = n
		}
	}
	return out
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
