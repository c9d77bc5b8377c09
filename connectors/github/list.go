package github

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/model"
)

// cursor is a repository's sync position, stored as JSON.
//
// Updated is the max updated_at a complete listing saw (less when the listing
// shifted, or the round ended before its last page): everything updated
// before Updated minus the overlap has been committed. ETag, when set, is the
// ETag of the listing with since=ETagSince (no since when zero), and
// ETagSince is never later than Updated minus the overlap: asking that
// listing with If-None-Match answers 304, for free, while the repository is
// unchanged. Seen holds the numbers and updated_at (unix ms) of the issues
// committed within the overlap, which the next listing returns again: those
// it returns unchanged are not read and emitted a second time.
type cursor struct {
	Updated   time.Time     `json:"updated,omitzero"`
	ETag      string        `json:"etag,omitempty"`
	ETagSince time.Time     `json:"etag_since,omitzero"`
	Seen      map[int]int64 `json:"seen,omitempty"`
}

func parseCursor(r repoName, v string) (cursor, error) {
	var c cursor
	if v == "" {
		return c, nil
	}
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return c, fmt.Errorf("reading cursor of %s: %w", r, err)
	}
	return c, nil
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// item is an issue or pull request as listed, with the summaries and the
// parent go-github v60 does not know. parent_issue_url is "URL to get the
// parent issue of this issue, if it is a sub-issue", nullable, in the issue
// schema the listings share with
// https://docs.github.com/en/rest/issues/issues#get-an-issue, as is
// sub_issues_summary (https://docs.github.com/en/rest/issues/sub-issues).
type item struct {
	github.Issue
	Deps   *blockedBySummary `json:"issue_dependencies_summary"`
	Subs   *subIssuesSummary `json:"sub_issues_summary"`
	Parent string            `json:"parent_issue_url"` // the parent's API URL; "" (null) for none

	// The issue's place as placeOf last looked it up, in placesIn.
	placesIn *map[string]place
	place    place
	onBoard  bool
}

// blockedBySummary and subIssuesSummary are the counts GitHub lists with
// each issue, so that only issues with dependencies cost a request for them.
type (
	blockedBySummary struct {
		TotalBlockedBy int `json:"total_blocked_by"`
	}
	subIssuesSummary struct {
		Total int `json:"total"`
	}
)

// syncRepo lists the issues of r updated since its cursor raw (sort=updated
// ascending, 100 a page) and hands each page with the cursor it completes
// to c, listing the next while it commits; the last is committed before
// syncRepo returns. Nothing is emitted when the listing answers 304. A listing without since
// is complete, so its last batch also carries the keys present, and
// syncRepo reports that r needs no separate reconcile. book is r's
// sub-issue cursor; without one, r is listed whole (see parentDeclared).
func (s *Source) syncRepo(ctx context.Context, r repoName, raw, book string, c *commits) (complete bool, err error) {
	if book == "" {
		raw = ""
	}
	old, err := parseCursor(r, raw)
	if err != nil {
		return false, err
	}
	l := s.newListing(r, old, book)
	l.wide = s.newWideActivity(r)
	for page := 1; ; {
		items, resp, err := s.listPage(ctx, r, l.since, page, l.etag)
		if notModified(resp) {
			s.log.Debug("repository unchanged", "repo", r.String())
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if page == 1 {
			l.settled = settledBefore(resp.Response)
			// Only a listing that lists anything needs a copy of r's
			// sub-issues to update: an unchanged one (304, every quiet
			// round) makes none.
			l.parents = s.book.of(r)
		}
		issues, err := s.pageIssues(ctx, r, l, items)
		if err != nil {
			return false, err
		}
		last := resp.NextPage == 0
		if goesBack(page, resp.NextPage) { // the page's issues wait for a listing that moves on
			return false, loopingLink{op: "listing issues of " + r.String(), page: page, next: resp.NextPage}
		}
		if last {
			settled, err := s.settleParents(ctx, r, l.parents, l.withSubs)
			if err != nil {
				return false, err
			}
			issues = append(issues, settled...)
			l.finish(resp.Header.Get("ETag"), items, page, s.src.Overlap.D())
			if l.next.ETag == "" && l.rewind.IsZero() && resp.Header.Get("ETag") != "" {
				s.settleETag(ctx, r, l)
			}
		}
		if len(items) > 0 {
			l.prevLast = items[len(items)-1].GetUpdatedAt().Time
		}
		if page == 1 && len(items) > 0 {
			l.firstLast = items[len(items)-1].GetUpdatedAt().Time
		}
		next := l.next
		if !last {
			next = l.partial(s.src.Overlap.D())
		}
		b := model.Batch{Source: s.src.Name, Issues: issues, Cursors: map[string]string{r.scope(): next.String()}}
		if last && l.complete { // a whole listing: as good as a reconcile
			b.Present = &model.KeySet{Prefix: r.prefix(), Keys: l.present}
			maps.Copy(b.Cursors, s.reconciledNow(r))
		}
		// A repository without a sub-issue cursor gets one with its first
		// page, so that a round ending before the last page is not taken
		// for one a version before child-declared links left.
		if last || l.book == "" {
			l.book = s.saveParents(r, l.book, l.parents, b.Cursors)
		}
		if !last { // listing the next page while this one commits
			if err := c.hand(ctx, r, b); err != nil {
				return false, err
			}
			page = resp.NextPage
			continue
		}
		if err := c.commit(ctx, r, b); err != nil {
			return false, err
		}
		s.book.set(r, l.parents)
		return l.complete, nil
	}
}

// listing is the state of one repository's listing.
type listing struct {
	old, next cursor
	since     time.Time // the listing's since (zero: none)
	etag      string    // If-None-Match for page 1
	keep      time.Time // items updated before it were committed already
	complete  bool      // listing everything: present is every key
	present   []string
	seen      map[int]time.Time // number → updated_at when first listed
	rewind    time.Time         // earliest first sight of an item listed twice
	prevLast  time.Time         // updated_at of the previous page's last item
	firstLast time.Time         // updated_at of page 1's last item
	settled   time.Time         // items updated before it cannot change and keep their updated_at
	wide      *wideActivity     // the repository's events and comments, when cheaper than timelines
	book      string            // r's sub-issue cursor as stored ("" for none)
	parents   map[int]string    // r's sub-issues: child number → parent key, as listed
	withSubs  []listedParent    // issues listed with sub-issues
}

func (s *Source) newListing(r repoName, old cursor, book string) *listing {
	overlap := s.src.Overlap.D()
	l := &listing{old: old, next: cursor{Updated: old.Updated}, seen: map[int]time.Time{}, present: []string{}, book: book}
	if !old.Updated.IsZero() {
		l.since, l.keep = old.Updated.Add(-overlap), old.Updated.Add(-overlap)
	}
	// A wider since that reuses an ETag re-reads committed issues only to
	// compare; keep skips them.
	if old.ETag != "" && !old.ETagSince.After(l.since) {
		l.since, l.etag = old.ETagSince, old.ETag
	}
	l.complete = l.since.IsZero()
	return l
}

// pageIssues converts the issues of one listed page that need emitting.
//
// Offset paging shifts under concurrent edits: an issue edited after its
// page was read moves to the end, and the item that followed the page
// boundary slides onto the page already read, unseen. Such an issue shows
// up twice; the listing then rewinds the cursor to its first sighting, from
// where the next round re-reads whatever slid.
func (s *Source) pageIssues(ctx context.Context, r repoName, l *listing, items []item) ([]model.Issue, error) {
	emits, need, repoURL := 0, 0, ""
	for i := range items {
		if !items[i].IsPullRequest() && l.emits(&items[i]) {
			emits++
			if s.needsTimeline(&items[i]) {
				need, repoURL = need+1, items[i].GetRepositoryURL()
			}
		}
	}
	if err := l.wide.prepare(ctx, need, repoURL); err != nil {
		return nil, err
	}
	// Sized for the issues emitted (a reparented one may add to them): an
	// issue is some 470 bytes, and growing the slice a page at a time
	// allocated twice that.
	var issues []model.Issue
	if emits > 0 {
		issues = make([]model.Issue, 0, emits)
	}
	for _, it := range items {
		n, updated := it.GetNumber(), it.GetUpdatedAt().Time
		if first, ok := l.seen[n]; ok && (l.rewind.IsZero() || first.Before(l.rewind)) {
			l.rewind = first
		} else if !ok {
			l.seen[n] = updated
		}
		l.next.Updated = maxTime(l.next.Updated, updated)
		if it.IsPullRequest() {
			continue
		}
		if l.complete {
			l.present = append(l.present, model.GitHubKey(r.owner, r.name, n))
		}
		// A new parent does not move a sub-issue's updated_at (parents.go):
		// one listed with another parent than its last is read whatever its
		// updated_at says.
		if reparented := noteParent(l.parents, &it); !l.emits(&it) && !reparented {
			l.withSubs = appendParent(l.withSubs, it, nil)
			continue
		}
		is, err := s.issue(ctx, r, &it, l.wide)
		if err != nil {
			return nil, err
		}
		issues = append(issues, is)
		l.withSubs = appendParent(l.withSubs, it, &is)
	}
	return issues, nil
}

// emits reports whether a listed issue is read and emitted: not when it
// was committed before the listing's keep, or last round and is unchanged
// since.
func (l *listing) emits(it *item) bool {
	updated := it.GetUpdatedAt().Time
	if !l.keep.IsZero() && updated.Before(l.keep) {
		return false
	}
	ms, ok := l.old.Seen[it.GetNumber()]
	return !ok || ms != updated.UnixMilli()
}

// partial is the cursor a page before the last commits, in case the round
// ends there. An issue that slides onto a page already read (see
// pageIssues) was listed after page 1's last item when page 1 was read, so
// it is no older than that item; nothing else tells which page it slid
// onto. So until the last page, the cursor stops where the next listing
// starts at page 1's last item — never later than the max seen, never
// earlier than the old cursor.
func (l *listing) partial(overlap time.Duration) cursor {
	upto := l.next.Updated
	if safe := l.firstLast.Add(overlap); safe.Before(upto) {
		upto = safe
	}
	return cursor{Updated: maxTime(l.old.Updated, upto)}
}

// finish sets the final cursor from the last page: its ETag for reuse, or a
// rewind when the listing shifted under edits.
func (l *listing) finish(etag string, items []item, page int, overlap time.Duration) {
	if !l.rewind.IsZero() {
		l.next.Updated = l.rewind.Add(overlap) // read again from rewind, overlap included
		l.complete = false
		return
	}
	l.next.ETag, l.next.ETagSince = reusableETag(etag, items, page, l.since, l.prevLast, l.next.Updated.Add(-overlap))
	from := l.next.Updated.Add(-overlap)
	for n, updated := range l.seen {
		if !updated.Before(from) && updated.Before(l.settled) {
			if l.next.Seen == nil {
				l.next.Seen = map[int]int64{}
			}
			l.next.Seen[n] = updated.UnixMilli()
		}
	}
}

// settledBefore is a second before the Date of a listing's first response:
// an issue listed with an updated_at before it that is edited later gets a
// later updated_at, so an equal one means unchanged. GitHub's times have
// whole seconds, and an edit within the second the page was read would
// keep it. Zero (nothing is settled) without a Date.
func settledBefore(resp *http.Response) time.Time {
	if resp == nil {
		return time.Time{}
	}
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return time.Time{}
	}
	return date.Add(-time.Second)
}

// settleETag asks for the listing the next round will make (since the new
// cursor minus the overlap) when the last page's ETag cannot stand for it,
// so that the next round of an unchanged repository is a free 304. The
// ETag is kept only if that listing is one page of items all read in this
// round with the same updated_at; a failure only costs the next round.
func (s *Source) settleETag(ctx context.Context, r repoName, l *listing) {
	since := l.next.Updated.Add(-s.src.Overlap.D())
	items, resp, err := s.listPage(ctx, r, since, 1, "")
	if err != nil || resp.NextPage != 0 || len(items) >= perPage || resp.Header.Get("ETag") == "" {
		return
	}
	for _, it := range items {
		if first, ok := l.seen[it.GetNumber()]; !ok || !first.Equal(it.GetUpdatedAt().Time) {
			return
		}
	}
	l.next.ETag, l.next.ETagSince = resp.Header.Get("ETag"), since
}

// perPage is the page size of listings, GitHub's largest.
const perPage = 100

// reusableETag returns the ETag of the last page listed and the since for
// which it is also the ETag of page 1 — the latest since no later than
// limit that selects exactly the items of that page — or "" when there is
// none. etag is the page's ETag, since the listing's, prevLast the
// updated_at of the previous page's last item. A full page has none: an
// issue edited later would go to page 2, and page 1 would still answer 304.
func reusableETag(etag string, items []item, page int, since, prevLast, limit time.Time) (string, time.Time) {
	if etag == "" || len(items) >= perPage {
		return "", time.Time{}
	}
	if len(items) == 0 {
		if page == 1 {
			return etag, since
		}
		return "", time.Time{}
	}
	at := items[0].GetUpdatedAt().Time
	if limit.Before(at) {
		at = limit
	}
	if page == 1 {
		if at.Before(since) {
			at = since
		}
		return etag, at
	}
	if !at.After(prevLast) {
		return "", time.Time{}
	}
	return etag, at
}

// listPage fetches one page of r's issues, all states, oldest update first.
func (s *Source) listPage(ctx context.Context, r repoName, since time.Time, page int, etag string) ([]item, *github.Response, error) {
	q := url.Values{"state": {"all"}, "sort": {"updated"}, "direction": {"asc"}, "per_page": {strconv.Itoa(perPage)}}
	if !since.IsZero() {
		q.Set("since", since.UTC().Format(time.RFC3339))
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	op := fmt.Sprintf("listing issues of %s page %d", r, page)
	if page > 1 {
		etag = ""
	}
	got := make([]listed, 0, perPage) // decoded into in place: grown, the page's array was allocated twice
	resp, unchanged, err := s.getUnlessMatch(ctx, op, fmt.Sprintf("repos/%s/%s/issues?%s", r.owner, r.name, q.Encode()), etag, &got)
	if err != nil || unchanged {
		return nil, resp, err
	}
	items := make([]item, 0, len(got))
	for i := range got {
		if got[i].Number != 0 { // a null in the listing: no issue has number 0
			items = append(items, got[i].item())
		}
	}
	return items, resp, nil
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
