package daemon

import (
	"strings"
	"testing"

	"github.com/batonhq/baton/apisim"
	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/model"
)

// todoOnABoard returns a configured board and an open issue on it in a
// column that means todo.
func todoOnABoard(t *testing.T, d *Daemon, org *apisim.Org) (githubsim.Board, githubsim.IssueRef) {
	t.Helper()
	for _, p := range d.Config().Status.GitHub.Projects {
		b := githubsim.Board{Owner: p.Owner, Number: p.Number}
		for _, repo := range org.GitHub.Repos() {
			for n := 1; n < 1000; n++ {
				ref := githubsim.IssueRef{Repo: repo, Number: n}
				is, ok := org.GitHub.Get(ref)
				if !ok {
					break
				}
				if option, on := org.GitHub.Item(b, ref); on && is.State == "open" && !is.PullRequest && (option == "" || option == "Todo") {
					return b, ref
				}
			}
		}
	}
	t.Fatal("no open issue in a todo column of a configured board")
	return githubsim.Board{}, githubsim.IssueRef{}
}

// TestABoardMoveReachesMetricsThroughTheWebhookWithoutAPoll moves an issue
// to In progress on a board with the poll an hour away: the
// projects_v2_item webhook asks for the round that reads the boards, whose
// unchanged pages cost a 304 each, and the moved issue alone is read again.
func TestABoardMoveReachesMetricsThroughTheWebhookWithoutAPoll(t *testing.T) {
	d, org := hookedDaemon(t)
	b, ref := todoOnABoard(t, d, org)
	rounds := d.engine.Status()["github"].Rounds
	progress := githubIssues(t, d, string(model.StatusInProgress))
	before, answers := org.GitHub.Stats().Requests, d.engine.Status()["github"].API.Requests
	if err := org.GitHub.SetItem(b, ref, "In progress"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the moved issue counted in progress", func() bool {
		return githubIssues(t, d, string(model.StatusInProgress)) == progress+1
	})
	eventually(t, "the receipt-to-publish latency observed", func() bool {
		_, text := get(t, d, "/metrics")
		return strings.Contains(text, `baton_webhook_to_publish_seconds_count{source="github"} 1`+"\n")
	})
	if got := metric(t, d, "baton_webhook_requests_total", map[string]string{"source": "github", "event": "projects_v2_item", "result": "accepted"}); got != 1 {
		t.Errorf("accepted projects_v2_item deliveries %v, want 1", got)
	}
	if got := d.engine.Status()["github"].Rounds; got != rounds+1 {
		t.Errorf("github rounds %d, then %d: want the one round the webhook asked for", rounds, got)
	}
	spent := diff(before, org.GitHub.Stats().Requests)
	byAnswer := diff(answers, d.engine.Status()["github"].API.Requests)
	t.Logf("GitHub requests spent on the move: %v; by answer: %v", spent, byAnswer)
	if got := byAnswer["200"]; got != 2 {
		t.Errorf("requests answered 200 (costing quota) %d, want 2: the changed board page and the moved issue; the rest 304", got)
	}
	boards := len(d.Config().Status.GitHub.Projects)
	if got := spent["GET /orgs/{org}/projectsV2/{number}/items"]; got != boards {
		t.Errorf("board item pages read %d, want %d: each board's one page once", got, boards)
	}
	if got := spent["GET /repos/{owner}/{repo}/issues/{number}"]; got != 1 {
		t.Errorf("issues read again %d, want the moved one alone", got)
	}
	if got := spent["GET /orgs/{org}/projectsV2/{number}/fields"]; got != 0 {
		t.Errorf("board fields read %d times, want none: they were read at the start", got)
	}
}
