package github

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/model"
)

// Bounds on the extra calls made for one issue.
const (
	maxRelatedPages = 5  // blockers and sub-issues: 500 each
	maxEventPages   = 10 // events: the newest label change within 1,000 events
)

// issue converts a listed issue and fetches what it needs beyond the
// listing, each only where it can matter: native blockers when
// issue_dependencies_summary reports some, sub-issues when
// sub_issues_summary does, the time of the last status change when the
// status comes from a label, and comment times of open issues updated within
// the activity window.
func (s *Source) issue(ctx context.Context, r repoName, it *item) (model.Issue, error) {
	is := s.convert(r, it)
	n := it.GetNumber()
	if it.Deps != nil && it.Deps.TotalBlockedBy > 0 {
		blockers, err := s.related(ctx, r, n, "dependencies/blocked_by")
		if err != nil {
			return is, err
		}
		for _, b := range blockers {
			is.Links = append(is.Links, model.Link{From: b, To: is.Key, Type: model.Blocks,
				Origin: model.OriginGitHubDependency, RawType: "blocked by"})
		}
	}
	if it.Subs != nil && it.Subs.Total > 0 {
		children, err := s.related(ctx, r, n, "sub_issues")
		if err != nil {
			return is, err
		}
		for _, c := range children {
			is.Links = append(is.Links, model.Link{From: is.Key, To: c, Type: model.Parent,
				Origin: model.OriginGitHubSubIssue, RawType: "sub-issue"})
		}
	}
	if st, _, label := s.status(it); st == model.StatusInProgress || st == model.StatusBlocked {
		at, err := s.labeledAt(ctx, r, n, label)
		if err != nil {
			return is, err
		}
		is.StatusChanged = at
	}
	if is.Open() && it.GetComments() > 0 && s.opts.Now().Sub(is.Updated) <= s.opts.ActivityWindow {
		if err := s.comments(ctx, r, n, &is); err != nil {
			return is, err
		}
	}
	return is, nil
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
		func(got []*github.Issue) {
			for _, it := range got {
				if k, ok := keyOf(it); ok {
					keys = append(keys, k)
				}
			}
		})
	return keys, err
}

// labeledAt is when label was last added to issue n, from its events.
func (s *Source) labeledAt(ctx context.Context, r repoName, n int, label string) (t time.Time, err error) {
	op := fmt.Sprintf("listing events of %s#%d", r, n)
	err = pages(ctx, s, op, fmt.Sprintf("repos/%s/%s/issues/%d/events", r.owner, r.name, n), maxEventPages,
		func(got []*github.IssueEvent) {
			for _, e := range got {
				if e.GetEvent() == "labeled" && strings.EqualFold(e.GetLabel().GetName(), label) {
					t = maxTime(t, e.GetCreatedAt().Time.UTC())
				}
			}
		})
	return t, err
}

// comments records the times of issue n's comments within the activity
// window as activity events (one page, the oldest 100 in the window).
func (s *Source) comments(ctx context.Context, r repoName, n int, is *model.Issue) error {
	since := s.opts.Now().Add(-s.opts.ActivityWindow).UTC().Format("2006-01-02T15:04:05Z")
	op := fmt.Sprintf("listing comments of %s#%d", r, n)
	return pages(ctx, s, op, fmt.Sprintf("repos/%s/%s/issues/%d/comments?since=%s", r.owner, r.name, n, since), 1,
		func(got []*github.IssueComment) {
			for _, c := range got {
				is.ActivityEvents = append(is.ActivityEvents, c.GetCreatedAt().Time.UTC())
			}
		})
}
