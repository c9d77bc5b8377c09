package github

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
)

// boardServer answers the items pages of board acme/7 from pages, by after
// cursor ("" for the first page): each is one issue of acme/core numbered
// as given, with the next cursor and an ETag per page. It answers 304 to a
// request carrying the page's ETag. before, when set, runs first.
type boardServer struct {
	pages  map[string]servedPage
	before func(after string)
}

type servedPage struct {
	number     int
	etag, next string
}

func (bs *boardServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	after := r.URL.Query().Get("after")
	if bs.before != nil {
		bs.before(after)
	}
	p, ok := bs.pages[after]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if p.next != "" {
		next := *r.URL
		next.Scheme, next.Host = "http", r.Host
		q := next.Query()
		q.Set("after", p.next)
		next.RawQuery = q.Encode()
		w.Header().Set("Link", "<"+next.String()+`>; rel="next"`)
	}
	w.Header().Set("ETag", p.etag)
	if r.Header.Get("If-None-Match") == p.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	fmt.Fprintf(w, `[{"content_type":"Issue","content":{"number":%d,"repository_url":"%s/repos/acme/core"},"updated_at":"2026-01-02T00:00:00Z","fields":[]}]`,
		p.number, "http://"+r.Host)
}

// readBoard reads board acme/7 from bs with a source asking parallel
// requests at a time, which knows the pages known, and returns the issue
// numbers read in order and the pages to remember.
func readBoard(t *testing.T, bs *boardServer, parallel int, known map[string]boardPage) ([]string, map[string]boardPage, error) {
	t.Helper()
	hs := httptest.NewServer(bs)
	t.Cleanup(hs.Close)
	src, err := New(config.Source{Name: "gh", Type: "github", URL: hs.URL + "/", Token: token, Settings: &Config{Repos: []string{"acme/core"}}, Parallel: parallel},
		Options{Now: func() time.Time { return t0 }, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	src.boardPages = known
	b := &board{cfg: project7, path: "orgs/acme/projectsV2/7", fieldID: 1}
	var keys []string
	pages := map[string]boardPage{}
	err = src.boardItems(context.Background(), b, pages, func(_ string, p boardPage) {
		for _, it := range p.Items {
			keys = append(keys, it.Key)
		}
	})
	return keys, pages, err
}

// readThreePages serves a board of three pages (#1, #2, #3) and reads it
// once, returning the pages to remember.
func readThreePages(t *testing.T) (*boardServer, map[string]boardPage) {
	t.Helper()
	bs := &boardServer{pages: map[string]servedPage{
		"": {1, `"e1"`, "c2"}, "c2": {2, `"e2"`, "c3"}, "c3": {3, `"e3"`, ""},
	}}
	_, known, err := readBoard(t, bs, 4, nil)
	if err != nil {
		t.Fatal(err)
	}
	return bs, known
}

func TestUnchangedBoardPagesAreAskedTogether(t *testing.T) {
	bs, known := readThreePages(t)
	// The first page is held until the third is asked: read one after
	// another, the third would never come.
	third := make(chan struct{})
	bs.before = func(after string) {
		switch after {
		case "":
			select {
			case <-third:
			case <-time.After(10 * time.Second):
				t.Error("the third page was not asked while the first was in flight")
			}
		case "c3":
			close(third)
		}
	}
	keys, pages, err := readBoard(t, bs, 4, known)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"github:acme/core#1", "github:acme/core#2", "github:acme/core#3"}; !slices.Equal(keys, want) {
		t.Errorf("read %v, want %v", keys, want)
	}
	if len(pages) != 3 {
		t.Errorf("%d pages to remember, want 3", len(pages))
	}
}

func TestBoardPagesAskedOnACursorNoLongerGivenAreDropped(t *testing.T) {
	bs, known := readThreePages(t)
	// The first page changed and now goes on at another cursor; the old
	// ones still answer, with what the board no longer holds after it.
	bs.pages[""] = servedPage{1, `"e1b"`, "d2"}
	bs.pages["d2"] = servedPage{4, `"f2"`, ""}
	keys, pages, err := readBoard(t, bs, 4, known)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"github:acme/core#1", "github:acme/core#4"}; !slices.Equal(keys, want) {
		t.Errorf("read %v, want %v", keys, want)
	}
	if len(pages) != 2 {
		t.Errorf("%d pages to remember, want 2 (the old cursors' pages dropped)", len(pages))
	}
}

// readTwoBoards reads boards acme/7 and acme/8, served by b7 and b8, with a
// source asking two requests at a time.
func readTwoBoards(t *testing.T, b7, b8 http.Handler) (map[string]place, error) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET /orgs/acme/projectsV2/7/items", b7)
	mux.Handle("GET /orgs/acme/projectsV2/8/items", b8)
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	src, err := New(config.Source{Name: "gh", Type: "github", URL: hs.URL + "/", Token: token, Settings: &Config{Repos: []string{"acme/core"}}, Parallel: 2},
		Options{Now: func() time.Time { return t0 }, Backoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	project8 := project7
	project8.Number = 8
	boards := []*board{{cfg: project7, path: "orgs/acme/projectsV2/7", fieldID: 1}, {cfg: project8, path: "orgs/acme/projectsV2/8", fieldID: 1}}
	places, _, _, err := src.readPlaces(context.Background(), boards)
	return places, err
}

// waitForBoard8 waits until asked is closed once board 8 is asked, failing
// t when that does not happen while board 7 waits.
func waitForBoard8(t *testing.T, asked <-chan struct{}) {
	t.Helper()
	select {
	case <-asked:
	case <-time.After(10 * time.Second):
		t.Error("board 8 was not asked while board 7 was in flight")
	}
}

func TestBoardsAreReadAtOnce(t *testing.T) {
	// Board 7's only page is held until board 8's first is asked: read one
	// after the other, board 8 would never be.
	eight := make(chan struct{})
	b7 := &boardServer{pages: map[string]servedPage{"": {1, `"a1"`, ""}}, before: func(string) { waitForBoard8(t, eight) }}
	var once sync.Once
	b8 := &boardServer{pages: map[string]servedPage{"": {1, `"b1"`, "c2"}, "c2": {2, `"b2"`, ""}},
		before: func(string) { once.Do(func() { close(eight) }) }}
	places, err := readTwoBoards(t, b7, b8)
	if err != nil {
		t.Fatal(err)
	}
	// #1 is on both: the first configured board gives its place.
	want := map[string]int{"github:acme/core#1": 0, "github:acme/core#2": 1}
	got := map[string]int{}
	for k, p := range places {
		got[k] = p.board
	}
	if !maps.Equal(got, want) {
		t.Errorf("places on boards %v, want %v", got, want)
	}
}

func TestABoardThatFailsFailsTheReadWhileAnotherIsInFlight(t *testing.T) {
	failed := make(chan struct{})
	b7 := &boardServer{pages: map[string]servedPage{"": {1, `"a1"`, ""}}, before: func(string) { waitForBoard8(t, failed) }}
	b8 := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(failed)
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	})
	_, err := readTwoBoards(t, b7, b8)
	if err == nil || !strings.Contains(err.Error(), "listing the items of project acme/8 page 1") {
		t.Fatalf("reading the boards: %v, want board 8's failure", err)
	}
}
