package github

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/githubsim"
)

// withNulls puts a null first in every JSON array of an answer: the
// listing, its issues' labels and assignees, timelines, blockers and
// sub-issues.
func withNulls(t *testing.T, _ *http.Request, body []byte) []byte {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body // a 304's empty body
	}
	out, err := json.Marshal(prependNulls(v))
	if err != nil {
		t.Error(err)
	}
	return out
}

func prependNulls(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = prependNulls(x[i])
		}
		return append([]any{nil}, x...)
	case map[string]any:
		for k := range x {
			x[k] = prependNulls(x[k])
		}
	}
	return v
}

// TestNullsInAnswersAreSkipped: answers with a null in every list, read by
// the real go-github client, sync to the same issues as without them.
func TestNullsInAnswersAreSkipped(t *testing.T) {
	fill := func(e *env) {
		must(t, e.sim.AddRepo("acme", "core"))
		day := 24 * time.Hour
		add(t, e, "acme/core", githubsim.Issue{Title: "wip", Labels: []string{"P2"}, Assignees: []string{"ada", "bob"}, CreatedAt: t0.Add(-2 * day)})
		add(t, e, "acme/core", githubsim.Issue{Title: "child", CreatedAt: t0.Add(-2 * day)})
		add(t, e, "acme/core", githubsim.Issue{Title: "blocked", Labels: []string{"blocked", "P1"},
			BlockedBy: []githubsim.IssueRef{ref("acme/core", 1)}, SubIssues: []githubsim.IssueRef{ref("acme/core", 2)}})
		e.sim.SetNow(t0.Add(-day))
		must(t, e.sim.SetLabels(ref("acme/core", 1), []string{"P2", "in progress"}))
		e.sim.SetNow(t0.Add(-23 * time.Hour))
		must(t, e.sim.AddComment(ref("acme/core", 1), "bob", "any news?"))
		e.sim.SetNow(t0)
	}
	plain := newEnv(t, []string{"acme/core"})
	fill(plain)
	plain.mustSync(t)

	e := newEnv(t, []string{"acme/core"})
	fill(e)
	e.rewrite = func(r *http.Request, body []byte) []byte { return withNulls(t, r, body) }
	e.mustSync(t)
	if len(e.store.issues) != 3 {
		t.Fatalf("stored %v, want three issues", e.store.keys())
	}
	if diff := cmp.Diff(plain.store.issues, e.store.issues); diff != "" {
		t.Errorf("issues from answers with nulls (-without +with):\n%s", diff)
	}
}
