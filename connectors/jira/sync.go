package jira

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/batonhq/baton/model"
)

// searchFields are the fields every search asks for by name (Cloud's enhanced
// search returns only ids otherwise); the sprint and Epic Link fields are
// added once known.
var searchFields = []string{
	"summary", "description", "status", "priority", "assignee", "duedate", "resolution",
	"resolutiondate", "created", "updated", "labels", "components", "comment", "issuelinks", "parent",
}

// Sync reads every issue of the source's JQL updated since the cursor (all of
// them on the first run), page by page, and emits each page with the cursor it
// completes. When the reconcile interval has passed it then lists every key
// for the JQL so the store can drop deleted issues.
func (s *Source) Sync(ctx context.Context, cursors map[string]string, emit func(context.Context, model.Batch) error) error {
	cur, err := parseCursor(cursors[""])
	if err != nil {
		return fmt.Errorf("jira source %q: %w", s.src.Name, err)
	}
	if cur.JQL != s.jql {
		// The cursor belongs to another JQL (or predates remembering it):
		// issues the new JQL adds may be older than it, so read them all.
		if !cur.Updated.IsZero() {
			s.log.Info("jira source jql changed; syncing in full", "source", s.src.Name)
		}
		cur = cursor{JQL: s.jql}
	}
	now := s.opts.Now()
	interval := s.src.ReconcileInterval.D()
	if interval <= 0 {
		interval = 24 * time.Hour
	}
	reconcile := cur.Reconciled.IsZero() || now.Sub(cur.Reconciled) >= interval
	info, err := s.learn(ctx, reconcile && s.site != nil && now.Sub(s.site.learned) >= interval)
	if err != nil {
		return err
	}
	full := cur.Updated.IsZero()
	var from time.Time
	if !full {
		from = since(cur.Updated, s.src.Overlap.D())
	}
	fields := append(searchFields[:len(searchFields):len(searchFields)], info.fields.ids()...)
	var keys []string // every key, on a full sync
	listed := map[string]bool{}
	emitted, seen := 0, 0
	// Pages become batches (their changelogs read, converted, the cursor
	// moved) in a goroutine of their own while the batch before commits:
	// a first sync spent half its time waiting for the changelogs with
	// nothing to commit. Each batch still carries the cursor it completes,
	// and the batches are committed in order, one at a time.
	err = prefetch(ctx, s, "reading changelogs", func(ctx context.Context, yield func(model.Batch) error) error {
		return s.searchUpdated(ctx, s.jql, from, info.zone, fields, func(page []issue) error {
			seen += len(page)
			if full {
				for _, is := range page {
					if k := model.JiraKey(is.Key); !listed[k] {
						listed[k] = true
						keys = append(keys, k)
					}
				}
			}
			b, err := s.page(ctx, page, &cur, info.fields)
			if err != nil || len(b.Issues) == 0 {
				return err
			}
			emitted += len(b.Issues)
			return yield(b)
		})
	}, func(b model.Batch) error { return emit(ctx, b) })
	if err != nil {
		return err
	}
	s.log.Debug("jira sync", "full", full, "read", seen, "emitted", emitted, "cursor", cur.Updated)
	if !full && !reconcile {
		return nil
	}
	if !full {
		var complete bool
		if keys, complete, err = s.listKeys(ctx, s.jql); err != nil || !complete {
			return err
		}
	}
	cur.Reconciled = now.UTC()
	return emit(ctx, model.Batch{
		Source:  s.src.Name,
		Cursors: map[string]string{"": cur.encode()},
		Present: &model.KeySet{Prefix: model.KeyPrefix(model.Jira, ""), Keys: keys},
	})
}

// page turns one search page into a batch: issues already seen with the same
// updated time are skipped, the rest get their complete changelog, and the
// cursor moves to the newest updated time of the page.
func (s *Source) page(ctx context.Context, page []issue, cur *cursor, custom customFields) (model.Batch, error) {
	var changed []*issue
	for i := range page {
		is := &page[i]
		if is.Fields == nil {
			return model.Batch{}, fmt.Errorf("jira source %q: issue %s came without fields", s.src.Name, is.Key)
		}
		ms := time.Time(is.Fields.Updated).UnixMilli()
		if prev, ok := cur.Seen[is.Key]; ok && prev == ms {
			continue
		}
		changed = append(changed, is)
	}
	histories, err := s.changelogs(ctx, changed)
	if err != nil {
		return model.Batch{}, err
	}
	b := model.Batch{Source: s.src.Name}
	if len(changed) > 0 {
		b.Issues = make([]model.Issue, 0, len(changed)) // grown by appending, it allocated twice as much
	}
	for _, is := range changed {
		b.Issues = append(b.Issues, s.convert(is, histories[is.ID], custom))
		up := time.Time(is.Fields.Updated).UTC()
		if up.After(cur.Updated) {
			cur.Updated = up
		}
		if cur.Seen == nil {
			cur.Seen = map[string]int64{}
		}
		cur.Seen[is.Key] = up.UnixMilli()
	}
	cur.prune(s.src.Overlap.D())
	b.Cursors = map[string]string{"": cur.encode()}
	return b, nil
}

// errShifted reports that a Data Center page did not begin with the issue the
// previous page ended with: the result moved between the two requests.
var errShifted = errors.New("the search result shifted between pages")

// search runs one query to the last page, handing each page to f in order.
// The next page is fetched while f handles the current one, so neither
// Jira nor the store waits for the other; at most one page waits ahead. On
// Data Center it fails with errShifted when the result moved under the pager.
func (s *Source) search(ctx context.Context, jql string, fields []string, changelog bool, f func([]issue) error) error {
	return prefetch(ctx, s, "reading search pages", func(ctx context.Context, yield func([]issue) error) error {
		return s.pageThrough(ctx, jql, fields, changelog, func(issues []issue, _ bool) (bool, error) {
			return true, yield(issues)
		})
	}, f)
}

// prefetch runs fetch in its own goroutine, handing what it yields to f in
// order, with at most one value waiting; what names fetch's work for the
// log should it panic.
func prefetch[T any](ctx context.Context, s *Source, what string, fetch func(context.Context, func(T) error) error, f func(T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	type value struct {
		v   T
		err error
	}
	values := make(chan value, 1)
	go func() {
		defer close(values)
		err := fetchRecovering(ctx, s, what, fetch, func(v T) error {
			select {
			case values <- value{v: v}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err != nil && ctx.Err() == nil {
			values <- value{err: err}
		}
	}()
	defer func() {
		cancel()
		for range values { // wait for the fetcher to stop
		}
	}()
	for v := range values {
		if v.err != nil {
			return v.err
		}
		if err := f(v.v); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// fetchRecovering runs fetch, which runs in a goroutine of its own, beyond
// the engine's recover: a panic there (decoding or converting a page) is
// turned into the round's failure, with its stack logged.
func fetchRecovering[T any](ctx context.Context, s *Source, what string, fetch func(context.Context, func(T) error) error, yield func(T) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error(what+" panicked", "source", s.src.Name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("%s: panic: %v", what, p)
		}
	}()
	return fetch(ctx, yield)
}

// searchUpdated reads the issues of the configured JQL updated since from
// (all of them when from is zero) in (updated, key) order, handing pages to
// f; an issue may come more than once, with the same updated time, and f
// skips it then (page dedupes by key and updated).
//
// Paging such a result by position loses issues: an issue edited while the
// pages are read moves to the end, every issue behind its old place moves one
// position forward, and the one at the next page boundary is never read while
// the cursor passes it. So after each page the query is asked afresh from the
// minute of the page's last issue L (JQL dates are minutes) and read from its
// first position, which nothing can shift past. Every issue before that
// minute has been read: one not edited since the pages before were served is
// still where it was, before L; one edited since is dated after L (the edit is
// later than the page that held L) and so is in the fresh query. The issues of
// L's minute read already come again and are skipped. Only when a whole page
// lies within the minute it was asked from does asking afresh bring nothing
// new; then that query goes on by position: Data Center checks every page
// against the last issue of the one before and asks afresh again when the
// result shifted; Cloud's nextPageToken cannot be checked, which leaves an
// edit during the paging of more than a page of issues updated in one minute
// as the one way an issue can be stepped over there.
func (s *Source) searchUpdated(ctx context.Context, configured string, from time.Time, zone *time.Location, fields []string, f func([]issue) error) error {
	return prefetch(ctx, s, "reading search pages", func(ctx context.Context, yield func([]issue) error) error {
		shifts := 0 // in a row, from the same minute
		for {
			next := from
			err := s.pageThrough(ctx, searchJQL(configured, from, zone), fields, true, func(issues []issue, last bool) (bool, error) {
				if err := yield(issues); err != nil || last || len(issues) == 0 {
					return true, err
				}
				end := issues[len(issues)-1]
				if end.Fields == nil {
					return false, fmt.Errorf("jira source %q: issue %s came without fields", s.src.Name, end.Key)
				}
				if m := time.Time(end.Fields.Updated).Truncate(time.Minute); m.After(from) {
					next = m
					return false, nil // ask afresh from m
				}
				return true, nil // a page within one minute: go on by position
			})
			switch {
			case errors.Is(err, errShifted):
				if shifts++; shifts == maxShifts {
					return fmt.Errorf("jira source %q: searching from %s: %w %d times in a row", s.src.Name, from.Format(time.RFC3339), err, shifts)
				}
				s.log.Debug("jira search shifted between pages; asking afresh", "source", s.src.Name, "from", from)
			case err != nil:
				return err
			case !next.After(from):
				return nil // read to the last page
			default:
				from, shifts = next, 0
			}
		}
	}, f)
}

// maxShifts bounds how often in a row searchUpdated asks afresh from the same
// minute because the result shifted, so that a site edited faster than it can
// be paged gets an error (and the next round) rather than endless requests.
const maxShifts = 10

// pageThrough reads jql page by page, handing each page's issues to f, with
// whether it is the last, until the last page or until f answers false. Neither deployment assumes the page
// size it asked for. Cloud follows nextPageToken. Data Center asks for each
// next page from one position back (startAt) and fails with errShifted unless
// that page begins with the issue the previous one ended with (same key, same
// updated): an issue edited, deleted or added before the position moves the
// rest, and a plain startAt would then step over an issue unnoticed. changelog
// embeds histories on Data Center; Cloud reads them in bulk instead.
func (s *Source) pageThrough(ctx context.Context, jql string, fields []string, changelog bool, f func(issues []issue, last bool) (bool, error)) error {
	op := func(page int) string { return fmt.Sprintf("searching %q page %d", jql, page) }
	size := s.opts.PageSize
	if len(fields) == 1 && fields[0] == "key" {
		size = keyPageSize
	}
	if s.cloud {
		opts := &jira.SearchOptionsV2{MaxResults: size, Fields: fields}
		dec := s.pageDecoder(fields)
		for page := 1; ; page++ {
			res, resp, err := s.searchV2(ctx, jql, opts, dec)
			if err != nil {
				return s.searchError(op(page), resp, err)
			}
			more, err := f(s.withoutKeyless(res.Issues, jql, page), res.IsLast)
			if err != nil || !more || res.IsLast {
				return err
			}
			if res.NextPageToken == "" {
				return fmt.Errorf("%s: the page is not the last but carries no nextPageToken", op(page))
			}
			opts.NextPageToken = res.NextPageToken
		}
	}
	// Data Center: GET rest/api/2/search, paged by startAt against total
	// (https://docs.atlassian.com/software/jira/docs/api/REST/latest/#api/2/search-search).
	opts := &jira.SearchOptions{MaxResults: size, Fields: fields}
	if changelog {
		opts.Expand = "changelog" // Data Center embeds the whole changelog
	}
	var anchor *issue // the last issue read, asked for again
	for page := 1; ; page++ {
		read, resp, err := s.client.Issue.SearchWithContext(ctx, jql, opts)
		if err != nil {
			return s.searchError(op(page), resp, err)
		}
		issues := make([]issue, len(read))
		for i := range read {
			issues[i] = issueOf(&read[i])
		}
		end := opts.StartAt + len(issues)
		last := len(issues) == 0 || end >= resp.Total
		if anchor != nil {
			if len(issues) == 0 || !sameIssue(issues[0], *anchor) {
				return errShifted
			}
			issues = issues[1:]
		}
		if len(issues) == 0 && !last {
			return fmt.Errorf("%s: the page holds nothing past the issue the previous page ended with", op(page))
		}
		var tail issue // the next page begins with it, keyless or not
		if len(issues) > 0 {
			tail = issues[len(issues)-1]
		}
		more, err := f(s.withoutKeyless(issues, jql, page), last)
		if err != nil || !more || last {
			return err
		}
		anchor = &tail
		opts.StartAt = end - 1
	}
}

// withoutKeyless drops the elements of a search page that carry no key (an
// "issues": [null] element decodes to an empty issue): with no key there is
// nothing to store or delete, and failing the page would fail every round.
// It reports each with a warning. The page is changed in place.
func (s *Source) withoutKeyless(issues []issue, jql string, page int) []issue {
	n := len(issues)
	issues = slices.DeleteFunc(issues, func(is issue) bool { return is.Key == "" })
	if dropped := n - len(issues); dropped > 0 {
		s.log.Warn("jira search page holds issues without a key; skipped them", "jql", jql, "page", page, "skipped", dropped)
	}
	return issues
}

// sameIssue reports whether a and b are the same issue at the same update.
func sameIssue(a, b issue) bool {
	if a.Key != b.Key || (a.Fields == nil) != (b.Fields == nil) {
		return false
	}
	return a.Fields == nil || time.Time(a.Fields.Updated).Equal(time.Time(b.Fields.Updated))
}

// keyPageSize is asked for when listing keys only: Cloud serves up to 5000
// ids or keys a page; Data Center caps pages at its configured maximum.
const keyPageSize = 5000

// listKeys lists every key the configured JQL matches, asking for no fields
// but the key, in key order, which edits do not change. It reports false when
// the list cannot be trusted to be complete: a key came twice (an issue was
// added before the position on Cloud) or a Data Center page did not continue
// where the one before ended (an issue added or deleted before it). A key
// missing from the list would delete its issue from the store.
func (s *Source) listKeys(ctx context.Context, configured string) ([]string, bool, error) {
	var keys []string
	seen := map[string]bool{}
	twice := ""
	err := s.search(ctx, keysJQL(configured), []string{"key"}, false, func(page []issue) error {
		for _, is := range page {
			k := model.JiraKey(is.Key)
			if seen[k] {
				twice = k
			}
			seen[k] = true
			keys = append(keys, k)
		}
		return nil
	})
	switch {
	case errors.Is(err, errShifted):
		s.log.Info("jira key list shifted while it was read; reconciling next round", "source", s.src.Name)
		return nil, false, nil
	case err != nil:
		return nil, false, err
	case twice != "":
		s.log.Info("jira key list moved while it was read; reconciling next round", "source", s.src.Name, "key", twice)
		return nil, false, nil
	}
	return keys, true, nil
}
