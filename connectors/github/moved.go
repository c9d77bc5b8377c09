package github

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"maps"
	"slices"

	"github.com/batonhq/baton/model"
)

// boardRound is what a round knows of the boards: the keys whose place may
// have changed since the projects cursor (less those the round has emitted
// since), and the cursor that records the places read (nil when the
// cursor the round found, as the source last committed it, records them
// already).
type boardRound struct {
	moved map[string]bool
	raw   string // the projects cursor as the round found it
	next  *placesCursor
}

// readBoards finds the configured boards (at the first round: a board, field
// or option that does not exist stops the source here) and reads where
// every issue on them is, for the round's conversions. Nil without boards.
//
// A quiet round finds every page unchanged (304s) and the projects cursor
// as the source last committed it: then the cursor, which at 200,000
// issues is megabytes of JSON, is neither decoded nor encoded again, and
// the places of the last round stand.
func (s *Source) readBoards(ctx context.Context, raw string) (*boardRound, error) {
	if len(s.opts.Status.Projects) == 0 {
		return nil, nil
	}
	var old placesCursor
	decoded := false
	if s.boards == nil || s.boardPages == nil {
		if err := decodePlaces(raw, &old); err != nil {
			return nil, err
		}
		decoded = true
	}
	if s.boards == nil {
		boards, fields, err := s.findBoards(ctx, old.Fields)
		if err != nil {
			return nil, err
		}
		s.boards, s.fields = boards, fields
	}
	if s.boardPages == nil {
		s.boardPages = old.Pages // a new process: the pages the last one read
	}
	places, pages, same, err := s.readPlaces(ctx, s.boards)
	if err != nil {
		return nil, err
	}
	s.places.Store(&places)
	s.boardPages = pages
	if same && s.placesLeft.is(raw) {
		return &boardRound{moved: map[string]bool{}, raw: raw}, nil
	}
	// Until this round's cursor is committed, the pages read are not those
	// the cursor records.
	s.placesLeft = cursorMark{}
	if !decoded {
		if err := decodePlaces(raw, &old); err != nil {
			return nil, err
		}
	}
	moved, next := movedSince(old, places)
	next.Pages, next.Fields = pages, s.fields
	return &boardRound{moved: moved, raw: raw, next: &next}, nil
}

// decodePlaces decodes the projects cursor raw ("" for none) into c.
func decodePlaces(raw string, c *placesCursor) error {
	if raw == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(raw), c); err != nil {
		return fmt.Errorf("reading the projects cursor: %w", err)
	}
	return nil
}

// cursorMark tells whether a cursor is the one a source last committed
// without keeping its text: its length and a hash of it.
type cursorMark struct {
	n    int
	hash uint64
}

var markSeed = maphash.MakeSeed()

func markOf(v string) cursorMark { return cursorMark{n: len(v), hash: maphash.String(markSeed, v)} }

// is reports whether v is the cursor marked; never for the zero mark.
func (m cursorMark) is(v string) bool { return m.n > 0 && m == markOf(v) }

// placeOf is the board place of the issue it, if it is on a board. It is
// asked up to seven times while an issue is converted (its status, whether
// it needs a timeline, when its status changed), so the answer is kept in
// it for the places it came from: a lookup builds the issue's key and
// misses the cache in a map of every board item.
func (s *Source) placeOf(it *item) (place, bool) {
	places := s.places.Load()
	if places == nil {
		return place{}, false
	}
	if it.placesIn != places {
		it.place, it.onBoard = place{}, false
		if k, ok := keyOf(&it.Issue); ok {
			it.place, it.onBoard = (*places)[k]
		}
		it.placesIn = places
	}
	return it.place, it.onBoard
}

// emitMoved reads again and emits the issues of the synced repositories
// whose place moved on a board but which the listings did not emit this
// round (a move does not change an issue's updated_at), then commits the
// projects cursor. Issues since deleted or transferred are left to the
// reconcile.
func (s *Source) emitMoved(ctx context.Context, br *boardRound, repos []repoName, emit func(context.Context, model.Batch) error) error {
	synced := map[string]bool{}
	for _, r := range repos {
		synced[r.scope()] = true
	}
	keys := slices.Sorted(maps.Keys(br.moved))
	var issues []model.Issue
	for _, k := range keys {
		if key, ok := model.ParseKey(k); !ok || !synced[key.Place] {
			continue
		}
		is, found, _, err := s.readAgain(ctx, k)
		if err != nil {
			return err
		}
		if found {
			issues = append(issues, is)
		}
	}
	if br.next == nil { // the boards are as the cursor says: nothing moved
		return nil
	}
	cur, _ := json.Marshal(br.next)
	if len(issues) == 0 && string(cur) == br.raw {
		s.placesLeft = markOf(br.raw) // nothing moved: no need to write the same cursor again
		return nil
	}
	if err := emit(ctx, model.Batch{Source: s.src.Name, Issues: issues, Cursors: map[string]string{ProjectsScope: string(cur)}}); err != nil {
		return err
	}
	s.placesLeft = markOf(string(cur))
	return nil
}
