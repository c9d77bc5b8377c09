package githubsim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestBoardPageAnswers304UnrenderedOnlyWhileItsBytesAreTheSame asks a board
// page again with its ETag after changes: one that leaves the page's bytes
// as they were is still a 304 with the same headers, one that changes them
// (an item's option, an issue on the page, a blocker in another
// repository of an issue on the page) is a 200 with the new page.
func TestBoardPageAnswers304UnrenderedOnlyWhileItsBytesAreTheSame(t *testing.T) {
	a, b := "acme/a", "acme/b"
	ref := func(repo string, n int) IssueRef { return IssueRef{Repo: repo, Number: n} }
	s := newRelatedSim(t, a, b)
	board := Board{Owner: "acme", Number: 1}
	must(t, s.AddProject(Project{Owner: "acme", Number: 1, Options: []string{"Todo", "Done"}}))
	for _, it := range []IssueRef{ref(a, 1), ref(a, 2), ref(b, 2), ref(a, 4), ref(b, 5)} {
		must(t, s.SetItemAt(board, it, "Todo", t0))
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	const page = "/orgs/acme/projectsV2/1/items?per_page=4&fields=1,3"
	first := get(t, hs, page)
	if first.status != http.StatusOK || first.header.Get("Link") == "" {
		t.Fatalf("first page: status %d, Link %q", first.status, first.header.Get("Link"))
	}
	etag := first.header.Get("ETag")
	steps := []struct {
		name    string
		change  func() error
		changes bool
	}{
		{"nothing", func() error { return nil }, false},
		{"an issue off the board, in a repository on the page", func() error { return s.Touch(ref(b, 6)) }, false},
		{"an item off the page", func() error { return s.SetItemAt(board, ref(b, 5), "Done", t0) }, false},
		{"an item's option", func() error { return s.SetItemAt(board, ref(a, 1), "Done", t0) }, true},
		{"an issue on the page", func() error { return s.Edit(ref(b, 2), "renamed", "") }, true},
		{"a blocker in another repository of an issue on the page", func() error { return s.Close(ref(b, 1), "completed") }, true},
	}
	for _, st := range steps {
		must(t, st.change())
		again := get(t, hs, page, "If-None-Match", etag)
		fresh := get(t, hs, page)
		if st.changes != !bytes.Equal(fresh.body, first.body) {
			t.Fatalf("%s: the page changed: %v, want %v", st.name, !st.changes, st.changes)
		}
		if fresh.header.Get("ETag") != tokenETag(token, fresh.body) {
			t.Errorf("%s: ETag %s, not the hash of the body", st.name, fresh.header.Get("ETag"))
		}
		if !st.changes {
			if again.status != http.StatusNotModified || again.header.Get("ETag") != etag {
				t.Errorf("%s: status %d ETag %s, want 304 %s", st.name, again.status, again.header.Get("ETag"), etag)
			}
			if again.header.Get("Link") != first.header.Get("Link") {
				t.Errorf("%s: 304 Link %q, want %q", st.name, again.header.Get("Link"), first.header.Get("Link"))
			}
			continue
		}
		if again.status != http.StatusOK || !bytes.Equal(again.body, fresh.body) {
			t.Errorf("%s: status %d, want 200 with the new page", st.name, again.status)
		}
		first, etag = fresh, fresh.header.Get("ETag")
	}
}
