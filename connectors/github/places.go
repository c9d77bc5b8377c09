package github

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/model"
)

// ProjectsScope is the cursor scope of the boards: when an item last
// changed and the places that decided a status, as last emitted.
const ProjectsScope = "_projects"

// place is an issue's item on the board that decides its status.
//
// Its time is the item's updated_at, which is when the item last changed on
// that board: its move to the current column, or an edit of another of its
// fields there (which makes the time later than the move). The timeline's
// project_v2_item_status_changed events would give the move itself, but
// since 2026-09-24 GitHub has stopped writing most of them
// (https://github.com/orgs/community/discussions/209484) while updated_at
// still moves; so a stall can be underestimated, never invented.
type place struct {
	board   int // index among the configured boards
	status  model.Status
	option  string // the option's name; "" when the field is empty
	updated time.Time
}

// id is what the projects cursor remembers of a place that is not todo.
func (p place) id() string { return strconv.Itoa(p.board) + "/" + p.option }

// listedItem is the part of a board item baton reads.
type listedItem struct {
	ContentType string       `json:"content_type"`
	Content     *itemContent `json:"content"`
	UpdatedAt   stamp        `json:"updated_at"`
	ArchivedAt  *stamp       `json:"archived_at"`
	Fields      []struct {
		ID    int64           `json:"id"`
		Value json.RawMessage `json:"value"`
	} `json:"fields"`
}

// itemContent is the part of an item's issue that names it.
type itemContent struct {
	Number        int    `json:"number"`
	RepositoryURL string `json:"repository_url"`
	URL           string `json:"url"`
}

// boardPage is a page of a board as last read: its ETag, the cursor of the
// next page, and its issue items. A board page of issues with their bodies
// is too large for the answer cache; remembering the items instead (in
// memory, and in the projects cursor for the next process) keeps an
// unchanged board free to read again.
type boardPage struct {
	ETag  string     `json:"etag"`
	Next  string     `json:"next,omitempty"`
	Items []pageItem `json:"items"`
}

// pageItem is an issue's item as a board page gives it: its key, option
// ("" for none) and updated_at (unix seconds).
type pageItem struct {
	Key     string `json:"k"`
	Option  string `json:"o,omitempty"`
	Updated int64  `json:"u"`
}

// readPlaces lists the items of every board and returns the place of each
// issue on one, the first configured board winning, and the pages read by
// their paths. When every page read is the one the last round read (same
// path and ETag: all 304s on a quiet round), it returns the last round's
// places as they are, and same, rather than fold the boards' items again.
func (s *Source) readPlaces(ctx context.Context, boards []*board) (places map[string]place, pages map[string]boardPage, same bool, err error) {
	read, err := s.readBoardsAtOnce(ctx, boards)
	if err != nil {
		return nil, nil, false, err
	}
	pages = map[string]boardPage{}
	same = true
	for _, r := range read {
		maps.Copy(pages, r.pages)
		same = same && r.same
	}
	if last := s.places.Load(); same && last != nil && len(pages) == len(s.boardPages) {
		return *last, pages, true, nil
	}
	places = map[string]place{}
	for i, b := range boards {
		for _, p := range read[i].read {
			for _, it := range p.Items {
				if _, ok := places[it.Key]; !ok {
					places[it.Key] = b.place(i, it)
				}
			}
		}
	}
	return places, pages, false, nil
}

// boardItemsRead is what boardItems gave of one board: its pages in order,
// those with an ETag by path, and whether each was the one the last round
// read (same path and ETag).
type boardItemsRead struct {
	read  []boardPage
	pages map[string]boardPage
	same  bool
}

// readBoardsAtOnce reads every board, each in a goroutine of its own: on a
// full read a board's pages come one after another (each page's cursor comes
// with the page before), so reading the boards in turn left the transport's
// other slots idle. Of the failures, the first in configured order is
// returned, passing over the boards stopped because another failed.
func (s *Source) readBoardsAtOnce(ctx context.Context, boards []*board) ([]boardItemsRead, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	read := make([]boardItemsRead, len(boards))
	errs := make([]error, len(boards))
	var wg sync.WaitGroup
	for i, b := range boards {
		wg.Go(func() {
			r := boardItemsRead{pages: map[string]boardPage{}, same: true}
			defer recoverAs(s.log, "reading the board "+b.path, repoName{}, &errs[i])
			errs[i] = s.boardItems(ctx, b, r.pages, func(path string, p boardPage) {
				r.read = append(r.read, p)
				r.same = r.same && p.ETag != "" && s.boardPages[path].ETag == p.ETag
			})
			if errs[i] != nil {
				cancel() // the other boards are of no use now
			}
			read[i] = r
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	if err := cmp.Or(errs...); err != nil {
		return nil, err
	}
	return read, nil
}

// boardItems reads board b page by page, each conditionally on its ETag
// from the last read, hands every page and its path to f in order and adds
// the pages with an ETag to pages.
//
// A page is asked with the after cursor of the page before it, so reading
// one at a time would make an unchanged board of n pages n round trips in a
// row. The pages the last read found are therefore asked src.Parallel ahead
// of their turn, each with the cursor it was reached by then: the guess holds
// as long as the page before it still gives that cursor, which moving items
// between columns does not change. Where it does not hold the walk goes on
// from the cursor given, and the few pages asked on the old one are dropped.
func (s *Source) boardItems(ctx context.Context, b *board, pages map[string]boardPage, f func(path string, p boardPage)) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // the pages asked ahead that are no longer needed
	reads := map[string]*boardRead{}
	ask := func(path string, page int) {
		if _, ok := reads[path]; ok {
			return
		}
		r := &boardRead{done: make(chan struct{})}
		reads[path] = r
		wg.Go(func() {
			defer close(r.done)
			defer recoverAs(s.log, "reading the board page "+path, repoName{}, &r.err)
			r.page, r.err = s.boardPage(ctx, b, path, page)
		})
	}
	path := b.itemsPath("")
	seen := map[string]bool{}
	for page := 1; ; page++ {
		next := path
		for i := 0; i < max(1, s.src.Parallel) && next != ""; i++ {
			ask(next, page+i)
			next = s.boardPages[next].nextPath(b)
		}
		r := reads[path]
		<-r.done
		if r.err != nil {
			return r.err
		}
		if r.page.ETag != "" {
			pages[path] = r.page
		}
		f(path, r.page)
		if r.page.Next == "" {
			return nil
		}
		if seen[r.page.Next] { // a cursor given twice would page forever
			return fmt.Errorf("listing the items of project %s page %d: the next page's cursor %q was already read", b.cfg, page, r.page.Next)
		}
		seen[r.page.Next] = true
		path = r.page.nextPath(b)
	}
}

// boardRead is a board page asked for, maybe ahead of its turn: done is
// closed when page or err is set.
type boardRead struct {
	done chan struct{}
	page boardPage
	err  error
}

// boardPage reads the page of b at path (the page-th), conditionally on its
// ETag from the last read, which it returns when unchanged.
func (s *Source) boardPage(ctx context.Context, b *board, path string, page int) (boardPage, error) {
	op := fmt.Sprintf("listing the items of project %s page %d", b.cfg, page)
	last := s.boardPages[path]
	var got []listedItem
	resp, unchanged, err := s.getUnlessMatch(ctx, op, path, last.ETag, &got)
	switch {
	case err != nil:
		return boardPage{}, err
	case unchanged:
		return last, nil
	}
	return boardPage{ETag: resp.Header.Get("ETag"), Next: resp.After, Items: b.pageItems(got)}, nil
}

// itemsPath is the API path of b's items page after the cursor after ("" for
// the first page), with the status field's values.
func (b *board) itemsPath(after string) string {
	q := url.Values{"fields[]": {strconv.FormatInt(b.fieldID, 10)}, "per_page": {"100"}}
	if after != "" {
		q.Set("after", after)
	}
	return b.path + "/items?" + q.Encode()
}

// nextPath is the path of the page after p on b, "" when p is the last or
// was never read.
func (p boardPage) nextPath(b *board) string {
	if p.Next == "" {
		return ""
	}
	return b.itemsPath(p.Next)
}

// pageItems are the issues among a page's items with their options; pull
// requests, drafts and archived items are left out.
func (b *board) pageItems(items []listedItem) []pageItem {
	out := []pageItem{}
	for _, it := range items {
		if it.ContentType != "Issue" || it.Content == nil || it.ArchivedAt != nil {
			continue
		}
		k, ok := keyOfContent(it.Content)
		if !ok {
			continue
		}
		pi := pageItem{Key: k, Updated: it.UpdatedAt.Unix()}
		for _, f := range it.Fields {
			var o projectOption
			if f.ID == b.fieldID && json.Unmarshal(f.Value, &o) == nil {
				pi.Option = o.Name.Raw
			}
		}
		out = append(out, pi)
	}
	return out
}

// place is where the item it puts its issue, on b (index i).
func (b *board) place(i int, it pageItem) place {
	p := place{board: i, status: model.StatusTodo, option: it.Option, updated: time.Unix(it.Updated, 0).UTC()}
	if it.Option != "" {
		p.status = b.statusOf(it.Option)
	}
	return p
}

// statusOf is what an option means on b, by name, ignoring case: options
// added since the start are todo unless configured.
func (b *board) statusOf(option string) model.Status {
	for _, m := range []struct {
		names  []string
		status model.Status
	}{{b.cfg.Blocked, model.StatusBlocked}, {b.cfg.InProgress, model.StatusInProgress}, {b.cfg.Done, model.StatusDone}} {
		for _, n := range m.names {
			if strings.EqualFold(n, option) {
				return m.status
			}
		}
	}
	return model.StatusTodo
}

// placesCursor is the projects cursor: the latest item updated_at read,
// the places that decide a status other than todo, by key, and the board
// pages and fields last read, so that a new process reads an unchanged
// board for free.
type placesCursor struct {
	Updated time.Time              `json:"updated,omitzero"`
	On      map[string]string      `json:"on,omitempty"`
	Pages   map[string]boardPage   `json:"pages,omitempty"`  // by path, as last read
	Fields  map[string]knownFields `json:"fields,omitempty"` // by board (owner/number)
}

// movedSince returns the keys whose status may have changed on a board
// since the cursor: places it remembers that are now different or gone
// (moved, or removed from the board), places that are new and not todo,
// and items changed after its time (added in a todo column, say). The
// boards are read whole each round, so no overlap is needed; an item added
// in a todo column within the second of the last read, or removed from a
// todo column, is not noticed until its issue next changes, which matters
// only when its labels say otherwise. It also returns the new cursor.
func movedSince(old placesCursor, places map[string]place) (map[string]bool, placesCursor) {
	next := placesCursor{Updated: old.Updated, On: map[string]string{}}
	moved := map[string]bool{}
	for k, p := range places {
		next.Updated = maxTime(next.Updated, p.updated)
		if p.status != model.StatusTodo {
			next.On[k] = p.id()
		}
		if old.Updated.IsZero() || p.updated.After(old.Updated) || (p.status != model.StatusTodo && old.On[k] != p.id()) {
			moved[k] = true
		}
	}
	for k := range old.On {
		if _, ok := next.On[k]; !ok {
			moved[k] = true
		}
	}
	return moved, next
}
