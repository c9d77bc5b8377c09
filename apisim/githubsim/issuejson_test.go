package githubsim

import (
	"encoding/json"
	"testing"
	"time"
)

// TestIssueJSONIsWhatMarshalWrites renders issues of every shape (pull
// requests, closed with a reason, labels, assignees, a milestone, blockers,
// sub-issues and a parent, text that JSON and HTML escape) and their
// comments by hand, from
// the issue, and through encoding/json, for both kinds of request base and
// one that JSON escapes (which the hand-written way leaves to encoding/json).
func TestIssueJSONIsWhatMarshalWrites(t *testing.T) {
	s, _ := newSim(t)
	const repo = "acme/shapes"
	fill(t, s, repo, 6)
	if _, err := s.AddMilestone(repo, Milestone{Title: `v1 "<beta>" & more`, DueOn: t0.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	shapes := []Issue{
		{Title: "plain", User: "ada", CreatedAt: t0, UpdatedAt: t0, Comments: []Comment{
			{ID: 41, User: "grace", Body: "plain", CreatedAt: t0, UpdatedAt: t0},
			{ID: 42, User: "o'brien <x>", Body: "a <b> & \"c\" \u2028 \xff", CreatedAt: t0, UpdatedAt: t0.Add(time.Minute)}}},
		{Title: "a <b>tag</b> & \"quotes\" \\ \t\n\u2028 ünïcödé \xff", Body: "body </script>", User: "o'brien",
			Labels: []string{"bug", "P1", "<odd> & label"}, Assignees: []string{"ada", "grace"}, Milestone: 1,
			CreatedAt: t0, UpdatedAt: t0.Add(time.Hour)},
		{Title: "closed", State: "closed", StateReason: "not_planned", ClosedAt: t0.Add(2 * time.Hour), CreatedAt: t0, UpdatedAt: t0,
			BlockedBy: []IssueRef{{Repo: repo, Number: 1}, {Repo: repo, Number: 2}}, SubIssues: []IssueRef{{Repo: repo, Number: 3}}},
		{Title: "pull", PullRequest: true, Assignees: []string{"ada"}, CreatedAt: t0, UpdatedAt: t0},
	}
	for _, is := range shapes {
		if _, err := s.AddIssue(repo, is); err != nil {
			t.Fatal(err)
		}
	}
	must(t, s.AddSubIssue(IssueRef{Repo: repo, Number: 7}, IssueRef{Repo: repo, Number: 8}))
	s.mu.RLock()
	defer s.mu.RUnlock()
	rp, err := s.repo(repo)
	if err != nil {
		t.Fatal(err)
	}
	// The first base comes back after others (its kept users and labels
	// found again) and once with another HTML base only.
	for _, u := range []urls{{api: "http://127.0.0.1:1", html: "https://github.com"}, {api: "https://ghe.example/api/v3", html: "https://ghe.example"},
		{api: "http://a&b<c>", html: "https://ghe.example/\u2028"}, {api: "http://127.0.0.1:1", html: "https://github.com"},
		{api: "http://127.0.0.1:1", html: "https://ghe.example"}} {
		ms := u.milestones(rp)
		for _, is := range rp.issues {
			v := s.renderIssue(u, rp, ms, is)
			want, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.appendIssueJSON([]byte("x"), u, rp, ms, is); string(got) != "x"+string(want) {
				t.Errorf("#%d written from the issue:\ngot  %s\nwant x%s", is.Number, got, want)
			}
			for i := range is.Comments {
				want, err := json.Marshal(u.comment(rp, is, is.Comments[i]))
				if err != nil {
					t.Fatal(err)
				}
				if got := s.appendComment([]byte("x"), u, rp, is, &is.Comments[i]); string(got) != "x"+string(want) {
					t.Errorf("comment %d written from the issue:\ngot  %s\nwant x%s", is.Comments[i].ID, got, want)
				}
			}
		}
	}
}

// TestEventJSONIsWhatMarshalWrites renders events with and without a label
// by hand and through encoding/json, for a plain base and one that JSON
// escapes.
func TestEventJSONIsWhatMarshalWrites(t *testing.T) {
	s, _ := newSim(t)
	rp := &repo{owner: "acme", name: "a", full: "acme/a"}
	for _, u := range []urls{{api: "http://127.0.0.1:1", html: "https://github.com"}, {api: "http://a&b<c>", html: "https://ghe.example"}} {
		for _, e := range []Event{
			{ID: 1, Actor: "ada", Event: "closed", CreatedAt: t0},
			{ID: 2, Actor: "o'brien <x>", Event: "labeled", Label: "bug & <odd>", CreatedAt: t0.Add(time.Minute)},
		} {
			want, err := json.Marshal(u.event(rp, e))
			if err != nil {
				t.Fatal(err)
			}
			if got := s.appendEvent([]byte("x"), u, rp, &e); string(got) != "x"+string(want) {
				t.Errorf("event %d:\ngot  %s\nwant x%s", e.ID, got, want)
			}
		}
	}
}
