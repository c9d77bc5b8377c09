package github

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/batonhq/baton/model"
)

// boardRound is what a round knows of the boards: the keys whose place may
// have changed since the projects cursor (less those the round has emitted
// since), and the cursor that records the places read.
type boardRound struct {
	moved map[string]bool
	raw   string // the projects cursor as the round found it
	next  placesCursor
}

// readBoards finds the configured boards (at the first round: a board, field
// or option that does not exist stops the source here) and reads where
// every issue on them is, for the round's conversions. Nil without boards.
func (s *Source) readBoards(ctx context.Context, raw string) (*boardRound, error) {
	if len(s.opts.Status.Projects) == 0 {
		return nil, nil
	}
	var old placesCursor
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &old); err != nil {
			return nil, fmt.Errorf("reading the projects cursor: %w", err)
		}
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
	places, pages, err := s.readPlaces(ctx, s.boards)
	if err != nil {
		return nil, err
	}
	s.places.Store(&places)
	s.boardPages = pages
	moved, next := movedSince(old, places)
	next.Pages, next.Fields = pages, s.fields
	return &boardRound{moved: moved, raw: raw, next: next}, nil
}

// placeOf is the board place of the issue it, if it is on a board.
func (s *Source) placeOf(it *item) (place, bool) {
	k, ok := keyOf(&it.Issue)
	if !ok {
		return place{}, false
	}
	places := s.places.Load()
	if places == nil {
		return place{}, false
	}
	p, ok := (*places)[k]
	return p, ok
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
	cur, _ := json.Marshal(br.next)
	if len(issues) == 0 && string(cur) == br.raw {
		return nil // nothing moved: no need to write the same cursor again
	}
	return emit(ctx, model.Batch{Source: s.src.Name, Issues: issues, Cursors: map[string]string{ProjectsScope: string(cur)}})
}
