package githubsim

import (
	"encoding/json"
	"fmt"
	"testing"
)

// The structs board items were rendered from through encoding/json before
// they were written by hand: an item is itemJSON's fields, then "content"
// (its issue), then itemTailJSON's.
type itemJSON struct {
	ID         int64  `json:"id"`
	NodeID     string `json:"node_id"`
	ProjectURL string `json:"project_url"`
}

type itemTailJSON struct {
	ContentType string          `json:"content_type"`
	Creator     userJSON        `json:"creator"`
	CreatedAt   string          `json:"created_at"`
	UpdatedAt   string          `json:"updated_at"`
	ArchivedAt  *string         `json:"archived_at"`
	ItemURL     string          `json:"item_url"`
	Fields      []itemFieldJSON `json:"fields"`
}

type itemFieldJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	DataType string `json:"data_type"`
	Value    any    `json:"value"`
}

// marshalItem is an item as encoding/json wrote it.
func marshalItem(t *testing.T, s *Server, pg *itemPage, it *projectItem, r *repo, is *issue) string {
	t.Helper()
	out := itemTailJSON{ContentType: "Issue", Creator: pg.u.user(is.User), CreatedAt: ts(it.created), UpdatedAt: ts(it.updated),
		ItemURL: fmt.Sprintf("%s/items/%d", pg.url, it.id), Fields: []itemFieldJSON{}}
	if is.PullRequest {
		out.ContentType = "PullRequest"
	}
	for _, f := range pg.fields {
		if !pg.want[f.ID] {
			continue
		}
		v := itemFieldJSON{ID: f.ID, Name: f.Name, DataType: f.DataType}
		switch f.ID {
		case titleFieldID:
			v.Value = map[string]any{"raw": is.Title, "html": is.Title, "number": is.Number, "url": pg.u.issueHTML(r, is)}
		case statusFieldID:
			if it.option != "" {
				v.Value = optionJSON{ID: optionID(it.option), Name: rich(it.option), Color: "GRAY", Description: rich("")}
			}
		}
		out.Fields = append(out.Fields, v)
	}
	head, err := json.Marshal(itemJSON{ID: it.id, NodeID: fmt.Sprintf("PVTI_%d", it.id), ProjectURL: pg.url})
	if err != nil {
		t.Fatal(err)
	}
	tail, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	content, err := json.Marshal(s.renderIssue(pg.u, r, pg.u.milestones(r), is))
	if err != nil {
		t.Fatal(err)
	}
	return string(head[:len(head)-1]) + `,"content":` + string(content) + "," + string(tail[1:])
}

// TestItemJSONIsWhatMarshalWrites writes the items of a board (an issue
// and a pull request, with and without a status, titles JSON and HTML
// escape) with every choice of fields, for a plain base and one JSON
// escapes, and compares them with what encoding/json wrote.
func TestItemJSONIsWhatMarshalWrites(t *testing.T) {
	s, _ := newSim(t)
	fill(t, s, "acme/core", 2)
	for _, is := range []Issue{{Title: `a <b> & "c" ` + "\u2028", User: "o'brien", PullRequest: true, CreatedAt: t0, UpdatedAt: t0}, {Title: "plain", CreatedAt: t0, UpdatedAt: t0}} {
		if _, err := s.AddIssue("acme/core", is); err != nil {
			t.Fatal(err)
		}
	}
	must(t, s.AddProject(Project{Owner: "acme", Number: 1, Field: `Stage "<x>"`, Options: []string{"Todo", "In <Progress> & more"}}))
	for n, option := range []string{"Todo", "", "In <Progress> & more", ""} {
		must(t, s.SetItem(Board{Owner: "acme", Number: 1}, IssueRef{Repo: "acme/core", Number: n + 1}, option))
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.projects[projectKey(false, "acme", 1)]
	for _, u := range []urls{{api: "http://127.0.0.1:1", html: "https://github.com"}, {api: "http://a&b<c>", html: "https://ghe.example/\u2028"}} {
		for _, want := range []map[int64]bool{{titleFieldID: true}, {statusFieldID: true}, {titleFieldID: true, statusFieldID: true, 99: true}} {
			pg := &itemPage{u: u, url: p.url(u), fields: p.fields(u), want: want, ms: map[*repo][]*milestoneJSON{}}
			for _, it := range p.items {
				r, is, ok := s.live(it.ref)
				if !ok {
					t.Fatalf("item %d: no issue", it.id)
				}
				if got, want := string(s.appendItem([]byte("x"), pg, it, r, is)), "x"+marshalItem(t, s, pg, it, r, is); got != want {
					t.Errorf("item %d of #%d:\ngot  %s\nwant %s", it.id, is.Number, got, want)
				}
			}
		}
	}
}
