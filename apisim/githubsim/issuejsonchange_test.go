package githubsim

import (
	"encoding/json"
	"testing"
	"time"
)

// TestWrittenIssuesFollowEveryKindOfChange renders every issue (keeping
// its users' and labels' fragments), makes one change, and checks that every
// issue of every repository renders as encoding/json writes renderIssue's
// struct: the change itself, and what it
// does to other issues (milestone counts, dependency and sub-issue
// summaries, parent links, across repositories).
func TestWrittenIssuesFollowEveryKindOfChange(t *testing.T) {
	ref := func(repo string, n int) IssueRef { return IssueRef{Repo: repo, Number: n} }
	a, b := "acme/a", "acme/b"
	changes := []struct {
		name   string
		change func(s *Server) error
	}{
		{"touch", func(s *Server) error { return s.Touch(ref(a, 1)) }},
		{"set labels", func(s *Server) error { return s.SetLabels(ref(a, 1), []string{"bug", "P1"}) }},
		{"close a blocker in another repository", func(s *Server) error { return s.Close(ref(b, 1), "completed") }},
		{"close a sub-issue", func(s *Server) error { return s.Close(ref(a, 3), "completed") }},
		{"close an issue of a milestone", func(s *Server) error { return s.Close(ref(a, 4), "not_planned") }},
		{"reopen", func(s *Server) error { return s.Reopen(ref(a, 6)) }},
		{"comment", func(s *Server) error { return s.AddComment(ref(a, 1), "octocat", "hi") }},
		{"edit", func(s *Server) error { return s.Edit(ref(a, 1), "new title", "new <body> & more") }},
		{"add a blocker in another repository", func(s *Server) error { return s.AddBlockedBy(ref(a, 5), ref(b, 2)) }},
		{"remove a blocker", func(s *Server) error { return s.RemoveBlockedBy(ref(a, 2), ref(b, 1)) }},
		{"add a sub-issue in another repository", func(s *Server) error { return s.AddSubIssue(ref(a, 2), ref(b, 3)) }},
		{"remove a sub-issue", func(s *Server) error { return s.RemoveSubIssue(ref(a, 2), ref(a, 3)) }},
		{"delete a blocker", func(s *Server) error { return s.Delete(ref(b, 1)) }},
		{"delete a sub-issue", func(s *Server) error { return s.Delete(ref(a, 3)) }},
		{"delete a parent", func(s *Server) error { return s.Delete(ref(a, 2)) }},
		{"transfer a parent", func(s *Server) error { _, err := s.Transfer(ref(a, 2), b); return err }},
		{"transfer a sub-issue", func(s *Server) error { _, err := s.Transfer(ref(a, 3), b); return err }},
		{"transfer a blocker", func(s *Server) error { _, err := s.Transfer(ref(b, 1), a); return err }},
		{"transfer an issue of a milestone", func(s *Server) error { _, err := s.Transfer(ref(a, 4), b); return err }},
		{"rename a label", func(s *Server) error { return s.RenameLabel(a, "bug", "defect") }},
		{"delete a label", func(s *Server) error { return s.DeleteLabel(a, "bug") }},
		{"add a milestone", func(s *Server) error { _, err := s.AddMilestone(b, Milestone{Title: "v2"}); return err }},
		{"add an issue to a milestone, blocked by another repository's", func(s *Server) error {
			_, err := s.AddIssue(a, Issue{Title: "new", Milestone: 1, BlockedBy: []IssueRef{ref(b, 2)}})
			return err
		}},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			s := newRelatedSim(t, a, b)
			u := urls{api: "http://127.0.0.1:1", html: "https://github.com"}
			renderAll(s, u)
			if err := c.change(s); err != nil {
				t.Fatal(err)
			}
			s.mu.RLock()
			defer s.mu.RUnlock()
			got := map[*issue]string{}
			for _, rp := range s.repoOrder {
				ms := u.milestones(rp)
				for is := range liveIssues(rp) {
					got[is] = string(s.appendIssueJSON(nil, u, rp, ms, is))
				}
			}
			// the wanted renderings' parents from an index built afresh, so
			// that one the change failed to drop shows
			s.parents.stale()
			for _, rp := range s.repoOrder {
				ms := u.milestones(rp)
				for is := range liveIssues(rp) {
					want, err := json.Marshal(s.renderIssue(u, rp, ms, is))
					if err != nil {
						t.Fatal(err)
					}
					if got[is] != string(want) {
						t.Errorf("%s#%d:\ngot  %s\nwant %s", rp.fullName(), is.Number, got[is], want)
					}
				}
			}
		})
	}
}

func TestWrittenIssueIsOfTheRequestsBase(t *testing.T) {
	s := newRelatedSim(t, "acme/a", "acme/b")
	renderAll(s, urls{api: "http://127.0.0.1:1", html: "https://github.com"})
	u := urls{api: "http://127.0.0.1:1/api/v3", html: "https://github.example"}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rp := s.repoOrder[0]
	is := rp.issues[0]
	want, _ := json.Marshal(s.renderIssue(u, rp, u.milestones(rp), is))
	if got := s.appendIssueJSON(nil, u, rp, u.milestones(rp), is); string(got) != string(want) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// newRelatedSim returns a server with repositories a and b of six issues
// each, a milestone in each, labels, cross-repository blockers and a
// sub-issue: a#2 is blocked by b#1 and has sub-issue a#3; a#4 and a#5 are in
// a's milestone 1, a#6 is closed.
func newRelatedSim(t *testing.T, a, b string) *Server {
	t.Helper()
	s, _ := newSim(t)
	fill(t, s, a, 6)
	fill(t, s, b, 6)
	due := t0.Add(30 * 24 * time.Hour)
	for _, r := range []string{a, b} {
		if _, err := s.AddMilestone(r, Milestone{Title: "v1", DueOn: due}); err != nil {
			t.Fatal(err)
		}
	}
	s.mu.Lock()
	ra, _ := s.repo(a)
	ra.issues[0].Labels = []string{"bug"}
	ra.issues[3].Milestone, ra.issues[4].Milestone = 1, 1
	ra.changed()
	s.mu.Unlock()
	must(t, s.AddBlockedBy(IssueRef{Repo: a, Number: 2}, IssueRef{Repo: b, Number: 1}))
	must(t, s.AddSubIssue(IssueRef{Repo: a, Number: 2}, IssueRef{Repo: a, Number: 3}))
	must(t, s.Close(IssueRef{Repo: a, Number: 6}, "completed"))
	return s
}

// renderAll renders every live issue for u, which keeps the fragments of
// their users and labels.
func renderAll(s *Server, u urls) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, rp := range s.repoOrder {
		ms := u.milestones(rp)
		for is := range liveIssues(rp) {
			s.appendIssueJSON(nil, u, rp, ms, is)
		}
	}
}
