package githubsim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The mutations below change one issue the way a person would between two
// syncs. Each bumps the issue's updated_at to the server clock.

// Touch bumps the issue's updated_at, as any edit would.
func (s *Server) Touch(ref IssueRef) error {
	return s.mutate(ref, "touching", func(is *issue) error { return nil })
}

// SetLabels replaces the issue's labels, recording labeled and unlabeled
// events.
func (s *Server) SetLabels(ref IssueRef, labels []string) error {
	return s.mutate(ref, "setting labels of", func(is *issue) error {
		now := s.clock()
		for _, l := range is.Labels {
			if !slices.Contains(labels, l) {
				is.Events = append(is.Events, Event{ID: s.nextID(), Event: "unlabeled", Label: l, Actor: "octocat", CreatedAt: now})
			}
		}
		for _, l := range labels {
			if !slices.Contains(is.Labels, l) {
				is.Events = append(is.Events, Event{ID: s.nextID(), Event: "labeled", Label: l, Actor: "octocat", CreatedAt: now})
			}
		}
		is.Labels = clone(labels)
		return nil
	})
}

// Close closes the issue with reason "completed", "not_planned" or "duplicate".
func (s *Server) Close(ref IssueRef, reason string) error {
	if reason != "completed" && reason != "not_planned" && reason != "duplicate" {
		return fmt.Errorf("closing %s: reason %q is not completed, not_planned or duplicate", ref, reason)
	}
	return s.mutate(ref, "closing", func(is *issue) error {
		is.State, is.StateReason, is.ClosedAt = "closed", reason, s.clock()
		is.Events = append(is.Events, Event{ID: s.nextID(), Event: "closed", Actor: "octocat", CreatedAt: s.clock()})
		return nil
	})
}

// Reopen reopens a closed issue.
func (s *Server) Reopen(ref IssueRef) error {
	return s.mutate(ref, "reopening", func(is *issue) error {
		is.State, is.StateReason = "open", "reopened"
		is.ClosedAt = time.Time{}
		is.Events = append(is.Events, Event{ID: s.nextID(), Event: "reopened", Actor: "octocat", CreatedAt: s.clock()})
		return nil
	})
}

// AddComment adds a comment by user.
func (s *Server) AddComment(ref IssueRef, user, body string) error {
	return s.mutate(ref, "commenting on", func(is *issue) error {
		now := s.clock()
		is.Comments = append(is.Comments, Comment{ID: s.nextID(), User: user, Body: body, CreatedAt: now, UpdatedAt: now})
		return nil
	}, event{"issue_comment", "created", map[string]IssueRef{"issue": ref}})
}

// Edit sets the issue's title and body, as PATCH
// /repos/{owner}/{repo}/issues/{number} with both does.
func (s *Server) Edit(ref IssueRef, title, body string) error {
	return s.mutate(ref, "editing", func(is *issue) error {
		is.Title, is.Body = title, body
		return nil
	})
}

// AddBlockedBy records that ref is blocked by blocker (which may be in another
// repository and need not exist). Like GitHub, it refuses a blocker it has
// already, under its current or a former (transferred) reference.
func (s *Server) AddBlockedBy(ref, blocker IssueRef) error {
	return s.mutate(ref, "adding a dependency to", func(is *issue) error {
		if slices.ContainsFunc(is.BlockedBy, func(b IssueRef) bool { return s.same(b, blocker) }) {
			return fmt.Errorf("already blocked by %s", blocker)
		}
		is.BlockedBy = append(is.BlockedBy, blocker)
		s.blocking[blocker.key()]++
		return nil
	}, event{"issue_dependencies", "blocked_by_added", map[string]IssueRef{"blocked_issue": ref, "blocking_issue": blocker}})
}

// RemoveBlockedBy removes the dependency of ref on blocker.
func (s *Server) RemoveBlockedBy(ref, blocker IssueRef) error {
	return s.mutate(ref, "removing a dependency from", func(is *issue) error {
		i := slices.IndexFunc(is.BlockedBy, func(b IssueRef) bool { return b.key() == blocker.key() })
		if i < 0 {
			return fmt.Errorf("not blocked by %s", blocker)
		}
		is.BlockedBy = slices.Delete(is.BlockedBy, i, i+1)
		s.blocking[blocker.key()]--
		return nil
	}, event{"issue_dependencies", "blocked_by_removed", map[string]IssueRef{"blocked_issue": ref, "blocking_issue": blocker}})
}

// same reports whether a and b name the same issue, following transfers;
// callers hold s.mu.
func (s *Server) same(a, b IssueRef) bool {
	if a.key() == b.key() {
		return true
	}
	_, x, okA := s.live(a)
	_, y, okB := s.live(b)
	return okA && okB && x == y
}

// Delete deletes the issue: it disappears from listings and answers 410.
func (s *Server) Delete(ref IssueRef) error {
	return s.mutate(ref, "deleting", func(is *issue) error {
		is.deleted = true
		s.parents.stale() // its sub-issues lose their parent (a transfer's place drops it too)
		return nil
	})
}

// Transfer moves the issue to repository toRepo ("owner/name"), where it gets
// the next number; the old URL answers 301 to the new one. It returns the new
// reference.
func (s *Server) Transfer(ref IssueRef, toRepo string) (IssueRef, error) {
	var moved IssueRef
	err := s.mutate(ref, "transferring", func(is *issue) error {
		dst, err := s.repo(toRepo)
		if err != nil {
			return err
		}
		if strings.EqualFold(dst.fullName(), ref.Repo) {
			return fmt.Errorf("already in %s", toRepo)
		}
		copied := &issue{Issue: is.Issue}
		copied.UpdatedAt = s.clock()
		src, _, _ := s.live(ref)
		copied.Milestone = sameMilestone(src, dst, is.Milestone)
		s.place(dst, copied)
		moved = IssueRef{Repo: dst.fullName(), Number: copied.Number}
		is.movedTo = moved
		return nil
	})
	return moved, err
}

// sameMilestone is the number in dst of src's milestone n, 0 when dst has
// none with the same title and due date: a transferred issue keeps its
// milestone only then (github/docs#20252, "Transferring an issue to another
// repository").
func sameMilestone(src, dst *repo, n int) int {
	if src == nil || n < 1 || n > len(src.milestones) {
		return 0
	}
	m := src.milestones[n-1]
	for _, d := range dst.milestones {
		if d.Title == m.Title && d.DueOn.Equal(m.DueOn) {
			return d.Number
		}
	}
	return 0
}

// mutate applies f to the live issue ref names and bumps its updated_at,
// then delivers the webhook event GitHub would (see notify): issues with the
// action that doing names, unless events names another.
func (s *Server) mutate(ref IssueRef, doing string, f func(*issue) error, events ...event) error {
	if err := s.apply(ref, doing, f); err != nil {
		return err
	}
	if len(events) == 0 {
		events = []event{{"issues", actions[doing], map[string]IssueRef{"issue": ref}}}
	}
	for _, e := range events {
		s.notify(e.name, e.action, ref, e.named)
	}
	return nil
}

// event is a webhook event a mutation delivers.
type event struct {
	name, action string
	named        map[string]IssueRef
}

// actions are the issues event's actions of the mutations that deliver one.
var actions = map[string]string{
	"touching": "edited", "setting labels of": "labeled", "closing": "closed",
	"reopening": "reopened", "editing": "edited", "deleting": "deleted", "transferring": "transferred",
}

// apply applies f to the live issue ref names and bumps its updated_at.
func (s *Server) apply(ref IssueRef, doing string, f func(*issue) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, is, ok := s.live(ref)
	if !ok {
		return fmt.Errorf("%s %s: no such issue", doing, ref)
	}
	r.changed()
	if err := f(is); err != nil {
		return fmt.Errorf("%s %s: %w", doing, ref, err)
	}
	is.UpdatedAt = s.clock()
	return nil
}
