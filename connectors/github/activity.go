package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/connectors/httpapi"
)

// wideProbeAt is how many timeline calls a repository's listing must need
// before the repository-wide listings are considered: below it their first
// pages could cost more than they save.
const wideProbeAt = 20

// wideActivity answers, for one repository's listing, what the timelines of
// its work in progress would: from the repository's issue events and its
// comments within the activity window, read whole once, rather than one
// timeline per issue. It is a rent-or-buy choice made as the pages come:
// issues get timelines (rent) until those of the round so far and of the
// page in hand reach the page count of the two listings (buy), which page
// 1 of each tells through its Link header's last page; so a repository
// never pays more than about twice the cheaper of the two, and one with few
// issues in progress (every incremental round, usually) pays as before.
//
// The two listings ("List issue events for a repository",
// https://docs.github.com/en/rest/issues/events#list-issue-events-for-a-repository,
// and "List issue comments for a repository", with its since, sort and
// direction,
// https://docs.github.com/en/rest/issues/comments#list-issue-comments-for-a-repository)
// hold what a timeline does but for
// cross-references (no activity anyway) and pull-request-only items
// (https://docs.github.com/en/rest/using-the-rest-api/issue-event-types):
// GitHub documents no order for the events, so they are read whole; the
// comments are those updated since the window opened, by creation, so an
// edit made while paging moves none. An issue updated after the first page
// was read still gets its timeline: what changed it may be on no page read.
type wideActivity struct {
	s       *Source
	r       repoName
	from    time.Time // activity before it is outside the window
	probeAt int       // timeline calls needed before page 1 of the listings is read

	rented int  // timeline calls made in this listing
	off    bool // the listings failed for good or kept growing: timelines only

	// From the probe on: the pages the two listings have, the next page of
	// each to read (0 once read whole), whether all were read, the time
	// from which an issue's changes may be missing from them, and what they
	// said.
	pages                    int
	eventsNext, commentsNext int
	bought                   bool
	began                    time.Time
	fold                     wideFold
}

// wideFold is what the listings said, by issue number, of the issues of
// the repository whose API URL is repo.
type wideFold struct {
	repo     string
	changed  map[int]time.Time                // the last status change
	activity map[int]map[activityID]time.Time // comments and events in the window
}

// activityID tells comments and events apart, whose ids are separate series.
type activityID struct {
	comment bool
	id      int64
}

func (s *Source) newWideActivity(r repoName) *wideActivity {
	return &wideActivity{s: s, r: r, from: s.opts.Now().Add(-s.opts.ActivityWindow), probeAt: s.wideProbeAt,
		fold: wideFold{changed: map[int]time.Time{}, activity: map[int]map[activityID]time.Time{}}}
}

// prepare decides, before a page's issues are converted, whether the need
// timeline calls of the page are better answered by the listings, reading
// them if so. repoURL is the repository_url the page's issues give: the
// listings' items that name another repository are not this one's. It is
// GitHub's name for the repository, not one made from the configuration:
// the listings of a renamed repository, redirected, give its new name.
func (w *wideActivity) prepare(ctx context.Context, need int, repoURL string) error {
	if w == nil || w.off || w.bought || need == 0 || w.rented+need < w.probeAt {
		return nil
	}
	if w.pages == 0 {
		if repoURL == "" { // nothing to tell this repository's items by
			w.off = true
			return nil
		}
		w.fold.repo = repoURL
		if err := w.probe(ctx); err != nil {
			return w.giveUp(err)
		}
	}
	if w.rented+need < w.pages {
		return nil
	}
	if err := w.buy(ctx); err != nil {
		return w.giveUp(err)
	}
	return nil
}

// giveUp leaves the round to the timelines when a listing is refused: for
// good, or with the 422 GitHub documents for the events listing
// ("Validation failed, or the endpoint has been spammed"), which retrying
// the round would only meet again. Anything else, a rate limit above all,
// fails the repository as a timeline would.
func (w *wideActivity) giveUp(err error) error {
	var api *httpapi.APIError
	if errors.As(err, &api) && (api.Permanent() || api.Status == http.StatusUnprocessableEntity) {
		w.s.log.Warn("reading the repository's events and comments failed; reading timelines instead", "repo", w.r.String(), "err", err)
		w.off = true
		return nil
	}
	return err
}

// probe reads page 1 of both listings, for their page counts.
func (w *wideActivity) probe(ctx context.Context) error {
	var err error
	var eventsLast, commentsLast int
	if w.eventsNext, eventsLast, err = w.eventsPage(ctx, 1); err != nil {
		return err
	}
	if w.commentsNext, commentsLast, err = w.commentsPage(ctx, 1); err != nil {
		return err
	}
	w.pages = eventsLast + commentsLast
	return nil
}

// buy reads the listings' other pages, following their Link headers, up
// to wideSlack pages beyond what page 1 promised (a listing that keeps
// growing is left to the timelines, as is one whose next page is not
// after the page read: a Link that would have it read forever).
func (w *wideActivity) buy(ctx context.Context) error {
	listings := []struct {
		next *int
		read func(context.Context, int) (next, last int, err error)
	}{{&w.eventsNext, w.eventsPage}, {&w.commentsNext, w.commentsPage}}
	for _, l := range listings {
		for read := 1; *l.next != 0; {
			p := *l.next
			if goesBack(read, p) || p > w.pages+wideSlack {
				w.off = true
				return nil
			}
			n, _, err := l.read(ctx, p)
			if err != nil {
				return err
			}
			read, *l.next = p, n
		}
	}
	w.bought = true
	return nil
}

// wideSlack is how many pages a listing may grow by while it is read.
const wideSlack = 100

// eventsPage reads and folds in page p of the repository's issue events,
// returning the next page and the last (0 and p on the last page).
func (w *wideActivity) eventsPage(ctx context.Context, p int) (next, last int, err error) {
	got := make([]repoEvent, 0, perPage) // as listPage's
	resp, _, err := w.s.getUnlessMatch(ctx, fmt.Sprintf("listing the issue events of %s page %d", w.r, p),
		fmt.Sprintf("repos/%s/%s/issues/events?per_page=%d&page=%d", w.r.owner, w.r.name, perPage, p), "", &got)
	if err != nil {
		return 0, 0, err
	}
	if p == 1 {
		w.began = settledBefore(resp.Response)
	}
	w.fold.events(w.s, got, w.from)
	return resp.NextPage, lastPage(resp, p), nil
}

// commentsPage reads and folds in page p of the repository's comments
// updated since the window opened, oldest first, returning the next page
// and the last.
func (w *wideActivity) commentsPage(ctx context.Context, p int) (next, last int, err error) {
	got := make([]repoComment, 0, perPage)
	q := url.Values{"since": {w.from.UTC().Format(time.RFC3339)}, "sort": {"created"}, "direction": {"asc"},
		"per_page": {strconv.Itoa(perPage)}, "page": {strconv.Itoa(p)}}
	resp, _, err := w.s.getUnlessMatch(ctx, fmt.Sprintf("listing the issue comments of %s page %d", w.r, p),
		fmt.Sprintf("repos/%s/%s/issues/comments?%s", w.r.owner, w.r.name, q.Encode()), "", &got)
	if err != nil {
		return 0, 0, err
	}
	w.fold.comments(w.s, got, w.from)
	return resp.NextPage, lastPage(resp, p), nil
}

// lastPage is the last page resp's Link header names, or p when it names
// no next one.
func lastPage(resp *github.Response, p int) int {
	if resp.NextPage == 0 {
		return p
	}
	return max(resp.LastPage, resp.NextPage)
}

// answer returns what its timeline would say of an issue in progress, or
// false when the listings were not read or cannot tell (it changed after
// they began).
func (w *wideActivity) answer(it *item) (changed time.Time, activity []time.Time, ok bool) {
	if w == nil || !w.bought || w.off || !it.GetUpdatedAt().Time.Before(w.began) {
		return time.Time{}, nil, false
	}
	n := it.GetNumber()
	for _, at := range w.fold.activity[n] {
		activity = append(activity, at)
	}
	slices.SortFunc(activity, time.Time.Compare)
	return w.fold.changed[n], activity, true
}

// rent counts a timeline call made instead.
func (w *wideActivity) rent() {
	if w != nil {
		w.rented++
	}
}

// repoEvent is an event as the repository's listing gives it, with the
// number and repository of its issue (or pull request) and nothing else of
// it: the issue's schema has repository_url, the repository's API URL, as
// the issue listings' does
// (https://docs.github.com/en/rest/issues/events#list-issue-events-for-a-repository,
// response schema).
type repoEvent struct {
	ID int64 `json:"id"`
	listedTimeline
	Issue *struct {
		Number      int       `json:"number"`
		RepoURL     string    `json:"repository_url"`
		PullRequest *struct{} `json:"pull_request"`
	} `json:"issue"`
}

// repoComment is a comment as the repository's listing gives it; its issue
// is issue_url, the issue's API URL, …/repos/{owner}/{repo}/issues/{n}
// (https://docs.github.com/en/rest/issues/comments#list-issue-comments-for-a-repository,
// response schema).
type repoComment struct {
	ID        int64  `json:"id"`
	IssueURL  string `json:"issue_url"`
	CreatedAt stamp  `json:"created_at"`
}

// events folds one page of events in as foldTimeline would. An event of
// another repository's issue is skipped: the listing is this repository's,
// and the number it names is not that of this repository's issue.
func (f *wideFold) events(s *Source, got []repoEvent, from time.Time) {
	for i := range got {
		e := &got[i]
		if e.Issue == nil || e.Issue.PullRequest != nil {
			continue // pull requests are not synced
		}
		if !f.mine(s, e.Issue.RepoURL, "event", e.ID) {
			continue
		}
		n := e.Issue.Number
		switch at, kind := s.classifyEvent(&e.listedTimeline, from); kind {
		case statusChange:
			f.changed[n] = maxTime(f.changed[n], at)
		case activityEvent:
			f.add(n, activityID{id: e.ID}, at)
		}
	}
}

// mine reports whether repoURL, the repository of the issue a listed item
// (an event or a comment, what) is of, is the listing's; an item of another
// repository's issue is skipped, logged.
func (f *wideFold) mine(s *Source, repoURL, what string, id int64) bool {
	if repoURL == f.repo {
		return true
	}
	s.log.Debug("skipping an item of another repository's issue", "item", what, "item_id", id,
		"repository_url", repoURL, "listing_repository_url", f.repo)
	return false
}

// comments folds one page of comments in: those made within the window
// on this repository's issues.
func (f *wideFold) comments(s *Source, got []repoComment, from time.Time) {
	for i := range got {
		c := &got[i]
		at := c.CreatedAt.Time.UTC()
		repoURL, n, ok := splitIssueURL(c.IssueURL)
		if !ok || at.Before(from) {
			continue
		}
		if !f.mine(s, repoURL, "comment", c.ID) {
			continue
		}
		f.add(n, activityID{comment: true, id: c.ID}, at)
	}
}

// add records one comment or event; one listed twice (a page boundary that
// moved) counts once.
func (f *wideFold) add(n int, id activityID, at time.Time) {
	if f.activity[n] == nil {
		f.activity[n] = map[activityID]time.Time{}
	}
	f.activity[n][id] = at
}
