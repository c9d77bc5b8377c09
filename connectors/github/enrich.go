package github

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/model"
)

// Bounds on the extra calls made for one issue.
const (
	maxRelatedPages = 5  // blockers and sub-issues: 500 each
	maxEventPages   = 10 // events: 1,000
)

// issue converts a listed issue and fetches what it needs beyond the
// listing, each only where it can matter: native blockers and sub-issues
// where the summaries report some, events (the last status change and other
// edits) when the status comes from a label, and comment times of open
// issues updated within the activity window.
func (s *Source) issue(ctx context.Context, r repoName, it *item) (model.Issue, error) {
	is := s.convert(r, it)
	if err := s.nativeLinks(ctx, r, it, &is); err != nil {
		return is, err
	}
	if st, _, label := s.status(it); st == model.StatusInProgress || st == model.StatusBlocked {
		changed, activity, err := s.history(ctx, r, it.GetNumber(), label)
		if err != nil {
			return is, err
		}
		is.StatusChanged = changed
		is.ActivityEvents = activity
	}
	if is.Open() && it.GetComments() > 0 && s.opts.Now().Sub(is.Updated) <= s.opts.ActivityWindow {
		if err := s.comments(ctx, r, it.GetNumber(), &is); err != nil {
			return is, err
		}
	}
	slices.SortFunc(is.ActivityEvents, time.Time.Compare)
	return is, nil
}

// nativeLinks adds the issue's GitHub dependencies and sub-issues, asking
// only when its summaries say there are any.
func (s *Source) nativeLinks(ctx context.Context, r repoName, it *item, is *model.Issue) error {
	if it.Deps != nil && it.Deps.TotalBlockedBy > 0 {
		blockers, err := s.related(ctx, r, it.GetNumber(), "dependencies/blocked_by")
		if err != nil {
			return err
		}
		for _, b := range blockers {
			is.Links = append(is.Links, model.Link{From: b, To: is.Key, Type: model.Blocks,
				Origin: model.OriginGitHubDependency, RawType: "blocked by"})
		}
	}
	if it.Subs != nil && it.Subs.Total > 0 {
		children, err := s.related(ctx, r, it.GetNumber(), "sub_issues")
		if err != nil {
			return err
		}
		for _, c := range children {
			is.Links = append(is.Links, model.Link{From: is.Key, To: c, Type: model.Parent,
				Origin: model.OriginGitHubSubIssue, RawType: "sub-issue"})
		}
	}
	return nil
}

// pages fetches path (relative to the API base) page by page, 100 at a time,
// up to limit pages, decoding each into a fresh page value handed to f.
func pages[T any](ctx context.Context, s *Source, op, path string, limit int, f func([]T)) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for page := 1; page != 0 && page <= limit; {
		req, err := s.client.NewRequest(http.MethodGet, fmt.Sprintf("%s%sper_page=100&page=%d", path, sep, page), nil)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		var got []T
		resp, err := s.client.Do(ctx, req, &got)
		if err != nil {
			return s.apiError(ctx, fmt.Sprintf("%s page %d", op, page), resp, err)
		}
		f(got)
		page = resp.NextPage
	}
	return nil
}

// related lists the keys of the issues at …/issues/{n}/{what} (blockers or
// sub-issues), which may live in other repositories.
func (s *Source) related(ctx context.Context, r repoName, n int, what string) ([]string, error) {
	var keys []string
	op := fmt.Sprintf("listing %s of %s#%d", what, r, n)
	err := pages(ctx, s, op, fmt.Sprintf("repos/%s/%s/issues/%d/%s", r.owner, r.name, n, what), maxRelatedPages,
		func(got []listedRef) {
			for i := range got {
				if k, ok := keyOf(got[i].issue()); ok {
					keys = append(keys, k)
				}
			}
		})
	return keys, err
}

// history reads issue n's events: when label (the one deciding its
// status) was last added, and the times of edits that were not status
// changes within the activity window.
func (s *Source) history(ctx context.Context, r repoName, n int, label string) (changed time.Time, activity []time.Time, err error) {
	op := fmt.Sprintf("listing events of %s#%d", r, n)
	from := s.opts.Now().Add(-s.opts.ActivityWindow)
	err = pages(ctx, s, op, fmt.Sprintf("repos/%s/%s/issues/%d/events", r.owner, r.name, n), maxEventPages,
		func(got []listedEvent) {
			for i := range got {
				e := got[i].event()
				at := e.GetCreatedAt().Time.UTC()
				switch {
				case e.GetEvent() == "labeled" && strings.EqualFold(e.GetLabel().GetName(), label):
					changed = maxTime(changed, at)
				case s.statusEvent(e) || at.Before(from):
				default:
					activity = append(activity, at)
				}
			}
		})
	return changed, activity, err
}

// statusEvent reports whether e changed the issue's status: closing,
// reopening, or adding or removing a status label.
func (s *Source) statusEvent(e *github.IssueEvent) bool {
	switch e.GetEvent() {
	case "closed", "reopened":
		return true
	case "labeled", "unlabeled":
		l := []*github.Label{e.GetLabel()}
		return firstLabel(l, s.opts.Status.InProgressLabels) != "" || firstLabel(l, s.opts.Status.BlockedLabels) != ""
	}
	return false
}

// comments records the times of issue n's comments within the activity
// window as activity events (one page, the oldest 100 in the window).
func (s *Source) comments(ctx context.Context, r repoName, n int, is *model.Issue) error {
	since := s.opts.Now().Add(-s.opts.ActivityWindow).UTC().Format("2006-01-02T15:04:05Z")
	op := fmt.Sprintf("listing comments of %s#%d", r, n)
	return pages(ctx, s, op, fmt.Sprintf("repos/%s/%s/issues/%d/comments?since=%s", r.owner, r.name, n, since), 1,
		func(got []listedComment) {
			for _, c := range got {
				is.ActivityEvents = append(is.ActivityEvents, c.CreatedAt.Time.UTC())
			}
		})
}
