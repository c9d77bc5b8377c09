package githubsim

import (
	"fmt"
	"slices"
	"sync"
)

// parentIndex finds the parent of each issue, for parent_issue_url, without
// walking every issue's sub-issues on each render: it is built on the first
// render after a change, under the server's read lock, and dropped (stale)
// by what changes a link or an issue's being live: adding or removing a
// sub-issue, placing an issue (added or transferred), deleting one.
type parentIndex struct {
	mu     sync.Mutex
	parent map[*issue]IssueRef // nil: to be built
}

// stale drops the index; callers hold s.mu for writing.
func (x *parentIndex) stale() {
	x.mu.Lock()
	x.parent = nil
	x.mu.Unlock()
}

// parentOfIssue is the reference of is's parent, zero for an issue that is
// no sub-issue; callers hold s.mu.
func (s *Server) parentOfIssue(is *issue) IssueRef {
	s.parents.mu.Lock()
	defer s.parents.mu.Unlock()
	if s.parents.parent == nil {
		s.parents.parent = map[*issue]IssueRef{}
		for _, r := range s.repoOrder {
			for p := range liveIssues(r) {
				for _, c := range p.SubIssues {
					if _, ci, ok := s.live(c); ok {
						s.parents.parent[ci] = IssueRef{Repo: r.fullName(), Number: p.Number}
					}
				}
			}
		}
	}
	return s.parents.parent[is]
}

// AddSubIssue makes child a sub-issue of parent. An issue has one parent at
// most: GitHub's "Add sub-issue" refuses one that has a parent unless asked
// to replace it (replace_parent), which the simulator does not offer.
//
// Neither issue's updated_at moves: GitHub leaves the parent's as it was
// (neomjs/neo#7947 checked it live), and nothing documents that the
// child's moves, so the simulator takes the case a sync must survive.
// Both listings change, though: the parent's sub_issues_summary and the
// child's parent_issue_url.
func (s *Server) AddSubIssue(parent, child IssueRef) error {
	return s.relate(parent, child, "adding a sub-issue to", func(is *issue) error {
		if _, c, ok := s.live(child); ok {
			if p := s.parentOfIssue(c); p.Repo != "" {
				return fmt.Errorf("%s is already a sub-issue of %s", child, p)
			}
		}
		is.SubIssues = append(is.SubIssues, child)
		return nil
	}, event{"sub_issues", "sub_issue_added", map[string]IssueRef{"parent_issue": parent, "sub_issue": child}})
}

// RemoveSubIssue removes child from parent's sub-issues; like AddSubIssue,
// it moves neither issue's updated_at.
func (s *Server) RemoveSubIssue(parent, child IssueRef) error {
	return s.relate(parent, child, "removing a sub-issue from", func(is *issue) error {
		i := slices.IndexFunc(is.SubIssues, func(c IssueRef) bool { return s.same(c, child) })
		if i < 0 {
			return fmt.Errorf("%s is not a sub-issue", child)
		}
		is.SubIssues = slices.Delete(is.SubIssues, i, i+1)
		return nil
	}, event{"sub_issues", "sub_issue_removed", map[string]IssueRef{"parent_issue": parent, "sub_issue": child}})
}

// relate applies f to the live parent without bumping its updated_at,
// marks the repositories of both issues changed (their listings render
// differently), and delivers e.
func (s *Server) relate(parent, child IssueRef, doing string, f func(*issue) error, e event) error {
	err := func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		r, is, ok := s.live(parent)
		if !ok {
			return fmt.Errorf("%s %s: no such issue", doing, parent)
		}
		if err := f(is); err != nil {
			return fmt.Errorf("%s %s: %w", doing, parent, err)
		}
		r.changed()
		if cr, _, ok := s.live(child); ok {
			cr.changed()
		}
		s.parents.stale()
		return nil
	}()
	if err != nil {
		return err
	}
	s.notify(e.name, e.action, parent, e.named)
	return nil
}
