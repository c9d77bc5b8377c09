package github

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/model"
)

// Bounds on the extra calls made for one issue.
const (
	maxRelatedPages  = 5  // blockers and sub-issues: 500 each
	maxTimelinePages = 10 // timeline: the first and the newest 900 comments and events
)

// issue converts a listed issue and fetches what it needs beyond the
// listing, each only where it can matter: native blockers where the
// summary reports some, and the timeline (the last status change,
// comments and other edits) of in-progress and blocked issues, unless a
// board dates the status and the issue has not changed within the activity
// window (timelineCanMatter). Only those get a timeline call: the analysis reads
// status change times and activity only for work in progress (stalled,
// churning), so todo issues cost nothing beyond the listing, however much
// they are commented on. wide, when not nil, may answer for the timeline
// from the repository's listings (see wideActivity).
func (s *Source) issue(ctx context.Context, r repoName, it *item, wide *wideActivity) (model.Issue, error) {
	is := s.convert(r, it)
	if err := s.nativeLinks(ctx, r, it, &is); err != nil {
		return is, err
	}
	if s.needsTimeline(it) {
		changed, activity, ok := wide.answer(it)
		if !ok {
			var err error
			if changed, activity, err = s.timeline(ctx, r, it.GetNumber()); err != nil {
				return is, err
			}
			wide.rent()
		}
		if p, ok := s.placeOf(it); ok {
			changed = p.updated // the board, not the labels, says when
		}
		is.StatusChanged = changed
		is.ActivityEvents = activity
	}
	return is, nil
}

// needsTimeline reports whether the issue is in progress or blocked and
// its timeline can matter.
func (s *Source) needsTimeline(it *item) bool {
	st, _, _ := s.status(it)
	return (st == model.StatusInProgress || st == model.StatusBlocked) && s.timelineCanMatter(it)
}

// timelineCanMatter reports whether the timeline of work in progress can
// tell anything the listing and the boards do not: always when a label
// gives the status (the label's event dates it); for an issue on a board,
// which dates the status itself, only when it was updated within the
// activity window, since every comment and event of an issue moves its
// updated_at and the older ones are not activity.
func (s *Source) timelineCanMatter(it *item) bool {
	_, onBoard := s.placeOf(it)
	return !onBoard || !it.GetUpdatedAt().Time.Before(s.opts.Now().Add(-s.opts.ActivityWindow))
}

// nativeLinks adds the issue's GitHub dependencies, asking only when its
// summary says there are any, and its parent, which its parent_issue_url
// names (parents.go).
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
	if p := parentKey(it); p != "" {
		is.Links = append(is.Links, model.Link{From: p, To: is.Key, Type: model.Parent,
			Origin: model.OriginGitHubSubIssue, RawType: "sub-issue"})
	}
	return nil
}

// pages fetches path (relative to the API base) page by page, 100 at a time,
// up to limit pages, decoding each into a fresh page value handed to f. It
// follows the Link header's next page number (failing with a loopingLink
// when it goes back) or, on endpoints paged by cursor, its after cursor.
// When newest is set and there are more numbered pages than limit, it
// reads the first page and then the last limit-1, so a long oldest-first
// list keeps its recent end.
func pages[T any](ctx context.Context, s *Source, op, path string, limit int, newest bool, f func([]T)) error {
	return keptPages(ctx, s, nil, op, path, limit, newest, func(got []T) ([]T, int64) { return got, 0 }, f)
}

// keptPages is pages with each page reduced by keep to what f reads (and
// its size in bytes) and, with a cache c (nil: none), asked conditionally:
// a page answered 304 hands f what keep made of it when it was last read.
func keptPages[T, K any](ctx context.Context, s *Source, c *answerCache, op, path string, limit int, newest bool,
	keep func([]T) (K, int64), f func(K)) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for page, after, read := 1, "", 0; (page != 0 || after != "") && read < limit; read++ {
		at, n := fmt.Sprintf("page=%d", page), page
		if after != "" {
			at, n = "after="+url.QueryEscape(after), read+1
		}
		req, err := s.client.NewRequest(http.MethodGet, fmt.Sprintf("%s%sper_page=100&%s", path, sep, at), nil)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		hit := c.get(req.URL.String())
		if hit != nil {
			req.Header.Set("If-None-Match", hit.etag)
		}
		var got []T
		resp, err := s.do(ctx, req, &got)
		var links pageLinks
		switch {
		case hit != nil && notModified(resp):
			// The ETag covers the body, not the paging: a full page stays
			// unchanged when a page is added after it. A 304 that repeats
			// the Link header says the paging now; one without it (GitHub
			// need not send it) leaves the paging of the 200.
			links = hit.links
			if resp.Header.Get("Link") != "" {
				links = pageLinks{next: resp.NextPage, last: resp.LastPage, after: resp.After}
			}
			f(hit.kept.(K))
		case err != nil:
			return s.apiError(ctx, fmt.Sprintf("%s page %d", op, n), resp, err)
		default:
			links = pageLinks{next: resp.NextPage, last: resp.LastPage, after: resp.After}
			kept, size := keep(got)
			if etag := resp.Header.Get("ETag"); etag != "" {
				c.put(&answer{url: req.URL.String(), etag: etag, links: links, kept: kept, keptBytes: size})
			}
			f(kept)
		}
		if links.after == "" && goesBack(n, links.next) {
			return loopingLink{op: op, page: n, next: links.next}
		}
		page, after = links.next, links.after
		if page == 2 && newest && links.last > limit {
			page = links.last - limit + 2 // keep the first page, then the newest
		}
	}
	return nil
}

// related lists the keys of the issues at …/issues/{n}/{what} (blockers),
// which may live in other repositories.
func (s *Source) related(ctx context.Context, r repoName, n int, what string) ([]string, error) {
	var keys []string
	op := fmt.Sprintf("listing %s of %s#%d", what, r, n)
	err := keptPages(ctx, s, s.answers, op, fmt.Sprintf("repos/%s/%s/issues/%d/%s", r.owner, r.name, n, what), maxRelatedPages, false,
		refKeys, func(got []string) { keys = append(keys, got...) })
	return keys, err
}

// refKeys keeps the keys of the issues a page of related issues lists.
func refKeys(got []listedRef) ([]string, int64) {
	var keys []string
	size := int64(0)
	for i := range got {
		if k, ok := keyOf(got[i].issue()); ok {
			keys = append(keys, k)
			size += int64(len(k)) + stringHeader
		}
	}
	return keys, size
}

// stringHeader is the size of a string's header, as a kept slice holds it.
const stringHeader = 16

// timeline reads issue n's timeline, one call for up to 100 items: when
// its status last changed (a status label added or removed, the issue closed
// or reopened), and the times of its comments and other edits within the
// activity window, sorted. The timeline has no since, so each call lists the
// whole history; the answer cache makes an unchanged one free.
func (s *Source) timeline(ctx context.Context, r repoName, n int) (changed time.Time, activity []time.Time, err error) {
	op := fmt.Sprintf("listing the timeline of %s#%d", r, n)
	f := timelineFold{from: s.opts.Now().Add(-s.opts.ActivityWindow)}
	err = keptPages(ctx, s, s.answers, op, fmt.Sprintf("repos/%s/%s/issues/%d/timeline", r.owner, r.name, n), maxTimelinePages, true,
		func(got []listedTimeline) (timelineFold, int64) {
			page := timelineFold{from: f.from}
			s.foldTimeline(&page, got)
			return page, int64(len(page.activity)) * timeSize
		}, f.add)
	slices.SortFunc(f.activity, time.Time.Compare)
	return f.changed, f.activity, err
}

// timeSize is the size of a time.Time.
const timeSize = 24

// timelineFold is what timeline keeps of the pages read so far.
type timelineFold struct {
	from     time.Time   // activity before it is outside the window
	changed  time.Time   // the last status change
	activity []time.Time // comments and other edits, unsorted
}

// add adds what a page of the timeline gave, read from page.from on, to
// what f has: the page may have been read (and kept) when the activity
// window began earlier.
func (f *timelineFold) add(page timelineFold) {
	f.changed = maxTime(f.changed, page.changed)
	for _, at := range page.activity {
		if !at.Before(f.from) {
			f.activity = append(f.activity, at)
		}
	}
}

// foldTimeline adds one page of timeline items to f.
func (s *Source) foldTimeline(f *timelineFold, got []listedTimeline) {
	for i := range got {
		switch at, kind := s.classifyEvent(&got[i], f.from); kind {
		case statusChange:
			f.changed = maxTime(f.changed, at)
		case activityEvent:
			f.activity = append(f.activity, at)
		}
	}
}

// An eventKind is what a timeline item or issue event tells of its issue.
type eventKind int

const (
	noEvent       eventKind = iota // nothing baton reads
	statusChange                   // a change of status, whenever it was
	activityEvent                  // activity within the window
)

// classifyEvent classifies e, with activity before from outside the window,
// and returns its time; the timelines and the repository's event listing
// (activity.go) fold their items by it.
func (s *Source) classifyEvent(e *listedTimeline, from time.Time) (time.Time, eventKind) {
	at := e.CreatedAt.Time.UTC()
	switch {
	case e.Event == "":
		return at, noEvent // a null item, or one that says nothing
	case s.statusEvent(e):
		return at, statusChange
	case at.Before(from) || e.Event == "cross-referenced":
		return at, noEvent // outside the window, or a mention from elsewhere rather than an edit of this issue
	}
	return at, activityEvent
}

// statusEvent reports whether e changed the issue's status: closing,
// reopening, or adding or removing a status label.
func (s *Source) statusEvent(e *listedTimeline) bool {
	switch e.Event {
	case "closed", "reopened":
		return true
	case "labeled", "unlabeled":
		if e.Label == nil {
			return false
		}
		l := []*github.Label{{Name: &e.Label.Name}}
		return firstLabel(l, s.opts.Status.InProgressLabels) != "" || firstLabel(l, s.opts.Status.BlockedLabels) != ""
	}
	return false
}
