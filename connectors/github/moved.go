package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/model"
)

// boardRound is what a round knows of the boards: the keys whose place may
// have changed since the projects cursor, and the cursor that records the
// places read.
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
	s.places, s.boardPages = places, pages
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
	p, ok := s.places[k]
	return p, ok
}

// emitMoved reads again and emits the issues of the synced repositories
// whose place moved on a board but which the listings did not emit this
// round (a move does not change an issue's updated_at), then commits the
// projects cursor. Issues since deleted or transferred are left to the
// reconcile.
func (s *Source) emitMoved(ctx context.Context, br *boardRound, repos []repoName, emitted map[string]bool, emit func(context.Context, model.Batch) error) error {
	synced := map[string]repoName{}
	for _, r := range repos {
		synced[r.scope()] = r
	}
	var keys []string
	for k := range br.moved {
		if !emitted[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var issues []model.Issue
	for _, k := range keys {
		key, ok := model.ParseKey(k)
		r, synced := synced[key.Place]
		if !ok || !synced {
			continue
		}
		is, ok, err := s.getIssue(ctx, r, key.Number)
		if err != nil {
			return err
		}
		if ok {
			issues = append(issues, is)
		}
	}
	cur, _ := json.Marshal(br.next)
	if len(issues) == 0 && string(cur) == br.raw {
		return nil // nothing moved: no need to write the same cursor again
	}
	return emit(ctx, model.Batch{Source: s.src.Name, Issues: issues, Cursors: map[string]string{ProjectsScope: string(cur)}})
}

// getIssue reads issue n of r and converts it; ok is false when it is a
// pull request or no longer there.
func (s *Source) getIssue(ctx context.Context, r repoName, n int) (is model.Issue, ok bool, err error) {
	op := fmt.Sprintf("reading %s#%d after a board move", r, n)
	req, err := s.client.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/issues/%d", r.owner, r.name, n), nil)
	if err != nil {
		return is, false, fmt.Errorf("%s: %w", op, err)
	}
	var got listed
	resp, err := s.client.Do(ctx, req, &got)
	if err != nil {
		err = s.apiError(ctx, op, resp, err)
		var ae *httpapi.APIError
		if errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusGone || ae.Status == http.StatusMovedPermanently) {
			return is, false, nil
		}
		return is, false, err
	}
	it := got.item()
	if k, _ := keyOf(&it.Issue); it.IsPullRequest() || k != model.GitHubKey(r.owner, r.name, n) {
		return is, false, nil // a pull request, or transferred: its new repository lists it
	}
	is, err = s.issue(ctx, r, &it)
	return is, err == nil, err
}
