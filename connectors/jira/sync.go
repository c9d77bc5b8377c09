package jira

import (
	"context"
	"fmt"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/batonhq/baton/model"
)

// searchFields are the fields every search asks for by name (Cloud's enhanced
// search returns only ids otherwise); the sprint field is added once known.
var searchFields = []string{
	"summary", "description", "status", "priority", "assignee", "duedate", "resolution",
	"resolutiondate", "created", "updated", "labels", "components", "comment", "issuelinks",
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
	fields := searchFields
	if info.sprintField != "" {
		fields = append(fields[:len(fields):len(fields)], info.sprintField)
	}
	var keys []string // every key, on a full sync
	emitted, seen := 0, 0
	err = s.search(ctx, searchJQL(s.src.JQL, from, info.zone), fields, true, func(page []jira.Issue) error {
		seen += len(page)
		if full {
			for _, is := range page {
				keys = append(keys, model.JiraKey(is.Key))
			}
		}
		b, err := s.page(ctx, page, &cur, info.sprintField)
		if err != nil || len(b.Issues) == 0 {
			return err
		}
		emitted += len(b.Issues)
		return emit(ctx, b)
	})
	if err != nil {
		return err
	}
	s.log.Debug("jira sync", "full", full, "read", seen, "emitted", emitted, "cursor", cur.Updated)
	if !full && !reconcile {
		return nil
	}
	if !full {
		if keys, err = s.listKeys(ctx, searchJQL(s.src.JQL, time.Time{}, info.zone)); err != nil {
			return err
		}
	}
	cur.Reconciled = now.UTC()
	return emit(ctx, model.Batch{
		Source:  s.src.Name,
		Cursors: map[string]string{"": cur.encode()},
		Present: &model.KeySet{Prefix: "jira:", Keys: keys},
	})
}

// page turns one search page into a batch: issues already seen with the same
// updated time are skipped, the rest get their complete changelog, and the
// cursor moves to the newest updated time of the page.
func (s *Source) page(ctx context.Context, page []jira.Issue, cur *cursor, sprintField string) (model.Batch, error) {
	var changed []*jira.Issue
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
	for _, is := range changed {
		b.Issues = append(b.Issues, s.convert(is, histories[is.ID], sprintField))
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

// search runs jql to the last page, handing each page to f in order. The
// next page is fetched while f handles the current one (its changelogs,
// conversion and commit), so neither Jira nor the store waits for the other;
// at most one page waits ahead.
func (s *Source) search(ctx context.Context, jql string, fields []string, changelog bool, f func([]jira.Issue) error) error {
	ctx, cancel := context.WithCancel(ctx)
	type page struct {
		issues []jira.Issue
		err    error
	}
	pages := make(chan page, 1)
	go func() {
		defer close(pages)
		err := s.fetchPages(ctx, jql, fields, changelog, func(issues []jira.Issue) error {
			select {
			case pages <- page{issues: issues}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if err != nil && ctx.Err() == nil {
			pages <- page{err: err}
		}
	}()
	defer func() {
		cancel()
		for range pages { // wait for the fetcher to stop
		}
	}()
	for p := range pages {
		if p.err != nil {
			return p.err
		}
		if err := f(p.issues); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// fetchPages reads jql to the last page, handing each page to f. Cloud pages
// by nextPageToken until isLast; Data Center by startAt until total. Neither
// assumes the page size it asked for. changelog embeds histories on Data
// Center; Cloud reads them in bulk instead.
func (s *Source) fetchPages(ctx context.Context, jql string, fields []string, changelog bool, f func([]jira.Issue) error) error {
	op := func(page int) string { return fmt.Sprintf("searching %q page %d", jql, page) }
	size := s.opts.PageSize
	if len(fields) == 1 && fields[0] == "key" {
		size = keyPageSize
	}
	if s.cloud {
		opts := &jira.SearchOptionsV2{MaxResults: size, Fields: fields}
		dec := newPageDecoder(fields)
		for page := 1; ; page++ {
			res, resp, err := s.searchV2(ctx, jql, opts, dec)
			if err != nil {
				return s.searchError(op(page), resp, err)
			}
			if err := f(res.Issues); err != nil {
				return err
			}
			if res.IsLast {
				return nil
			}
			if res.NextPageToken == "" {
				return fmt.Errorf("%s: the page is not the last but carries no nextPageToken", op(page))
			}
			opts.NextPageToken = res.NextPageToken
		}
	}
	opts := &jira.SearchOptions{MaxResults: size, Fields: fields}
	if changelog {
		opts.Expand = "changelog" // complete unless it reached embeddedLimit
	}
	for page := 1; ; page++ {
		issues, resp, err := s.client.Issue.SearchWithContext(ctx, jql, opts)
		if err != nil {
			return s.searchError(op(page), resp, err)
		}
		if err := f(issues); err != nil {
			return err
		}
		opts.StartAt += len(issues)
		if len(issues) == 0 || opts.StartAt >= resp.Total {
			return nil
		}
	}
}

// keyPageSize is asked for when listing keys only: Cloud serves up to 5000
// ids or keys a page; Data Center caps pages at its configured maximum.
const keyPageSize = 5000

// listKeys lists every key the JQL matches, asking for no fields but the key.
func (s *Source) listKeys(ctx context.Context, jql string) ([]string, error) {
	var keys []string
	err := s.search(ctx, jql, []string{"key"}, false, func(page []jira.Issue) error {
		for _, is := range page {
			keys = append(keys, model.JiraKey(is.Key))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return keys, nil
}
