package githubsim

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Projects (v2) boards, served as GitHub's REST endpoints for them:
// https://docs.github.com/en/rest/projects/fields and
// https://docs.github.com/en/rest/projects/items (organisation and user
// owned), with before/after cursor paging in the Link header.

const docsProjectItems = "https://docs.github.com/rest/projects/items"

// Board names a board: its owner (a user's when User is set) and number.
type Board struct {
	Owner  string
	User   bool
	Number int
}

func (b Board) String() string { return projectKey(b.User, b.Owner, b.Number) }

// Project is a board with one single-select field, Field (default Status),
// whose options are Options.
type Project struct {
	Owner   string // the organisation, or the user when User is set
	User    bool
	Number  int
	Field   string
	Options []string
	// Forbidden makes every request for the board answer 403, as GitHub
	// does for a token without Projects: read.
	Forbidden bool
}

// project is a stored board and its items, in the order added.
type project struct {
	Project
	id    int64
	items []*projectItem
}

// projectItem is an issue or pull request on a board and its option ("" for none).
type projectItem struct {
	id       int64
	ref      IssueRef
	option   string
	created  time.Time
	updated  time.Time
	archived bool
}

// Field ids of every board: the title, and the single-select status field.
const (
	titleFieldID  = 1
	statusFieldID = 3
)

func projectKey(user bool, owner string, number int) string {
	kind := "orgs"
	if user {
		kind = "users"
	}
	return fmt.Sprintf("%s/%s/%d", kind, strings.ToLower(owner), number)
}

// AddProject creates a board.
func (s *Server) AddProject(p Project) error {
	if p.Field == "" {
		p.Field = "Status"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.projects == nil {
		s.projects = map[string]*project{}
	}
	k := Board{Owner: p.Owner, User: p.User, Number: p.Number}.String()
	if _, ok := s.projects[k]; ok || p.Number < 1 {
		return fmt.Errorf("adding project %s: exists or bad number", k)
	}
	p.Options = clone(p.Options)
	s.projects[k] = &project{Project: p, id: s.nextID()}
	return nil
}

// SetItem puts the issue ref on board b (adding it if it is not there) with
// option ("" for none), as of the server clock, and delivers the
// projects_v2_item event GitHub would (see notifyItem). The issue's own
// updated_at does not change, as on GitHub.
func (s *Server) SetItem(b Board, ref IssueRef, option string) error {
	p, it, action, err := s.setItem(b, ref, option, s.clock())
	if err == nil {
		s.notifyItem(p, it, action)
	}
	return err
}

// SetItemAt is SetItem as of at, for generated histories: it delivers no
// event.
func (s *Server) SetItemAt(b Board, ref IssueRef, option string, at time.Time) error {
	_, _, _, err := s.setItem(b, ref, option, at)
	return err
}

// setItem sets the item and says what it did: created, or edited.
func (s *Server) setItem(b Board, ref IssueRef, option string, at time.Time) (*project, *projectItem, string, error) {
	at = at.UTC().Truncate(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.projects[b.String()]
	if !ok {
		return nil, nil, "", fmt.Errorf("setting an item of %s: no such project", b)
	}
	if option != "" && !slices.Contains(p.Options, option) {
		return nil, nil, "", fmt.Errorf("setting an item of %s: no option %q", b, option)
	}
	if _, _, err := s.lookup(ref); err != nil {
		return nil, nil, "", fmt.Errorf("setting an item of %s: %w", b, err)
	}
	for _, it := range p.items {
		if it.ref.same(ref) {
			it.option, it.updated = option, at
			return p, it, "edited", nil
		}
	}
	it := &projectItem{id: s.nextID(), ref: ref, option: option, created: at, updated: at}
	p.items = append(p.items, it)
	return p, it, "created", nil
}

// RemoveItem takes the issue ref off board b and delivers the
// projects_v2_item event deleted.
func (s *Server) RemoveItem(b Board, ref IssueRef) error {
	s.mu.Lock()
	p, ok := s.projects[b.String()]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("removing an item of %s: no such project", b)
	}
	i := slices.IndexFunc(p.items, func(it *projectItem) bool { return it.ref.same(ref) })
	if i < 0 {
		s.mu.Unlock()
		return fmt.Errorf("removing an item of %s: %s is not on it", b, ref)
	}
	it := p.items[i]
	p.items = slices.Delete(p.items, i, i+1)
	s.mu.Unlock()
	s.notifyItem(p, it, "deleted")
	return nil
}

// Item returns the option of the issue ref on board b; ok is false when it
// is not on the board.
func (s *Server) Item(b Board, ref IssueRef) (option string, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, found := s.projects[b.String()]; found {
		for _, it := range p.items {
			if it.ref.same(ref) {
				return it.option, true
			}
		}
	}
	return "", false
}

// projectAt resolves the board in the path, answering 404 or 403 itself;
// callers hold s.mu.
func (s *Server) projectAt(w http.ResponseWriter, r *http.Request, user bool) (*project, bool) {
	owner := r.PathValue("org")
	if user {
		owner = r.PathValue("username")
	}
	n, _ := strconv.Atoi(r.PathValue("number"))
	p, ok := s.projects[projectKey(user, owner, n)]
	switch {
	case !ok:
		writeError(w, http.StatusNotFound, "Not Found", docsProjectItems)
		return nil, false
	case p.Forbidden:
		writeError(w, http.StatusForbidden, "Resource not accessible by personal access token", docsProjectItems)
		return nil, false
	}
	return p, true
}

type richJSON struct {
	Raw  string `json:"raw"`
	HTML string `json:"html"`
}

type optionJSON struct {
	ID          string   `json:"id"`
	Name        richJSON `json:"name"`
	Color       string   `json:"color"`
	Description richJSON `json:"description"`
}

type fieldJSON struct {
	ID         int64        `json:"id"`
	NodeID     string       `json:"node_id"`
	Name       string       `json:"name"`
	DataType   string       `json:"data_type"`
	ProjectURL string       `json:"project_url"`
	Options    []optionJSON `json:"options,omitempty"`
	CreatedAt  string       `json:"created_at"`
	UpdatedAt  string       `json:"updated_at"`
}

func rich(s string) richJSON { return richJSON{Raw: s, HTML: s} }

func optionID(name string) string { return strconv.FormatInt(hashID("option:"+name)%100_000_000, 16) }

func (p *project) url(u urls) string {
	kind := "orgs"
	if p.User {
		kind = "users"
	}
	return fmt.Sprintf("%s/%s/%s/projectsV2/%d", u.api, kind, p.Owner, p.Number)
}

func (p *project) fields(u urls) []fieldJSON {
	at := ts(time.Unix(p.id, 0))
	status := fieldJSON{ID: statusFieldID, NodeID: fmt.Sprintf("PVTSSF_%d", p.id), Name: p.Field, DataType: "single_select",
		ProjectURL: p.url(u), Options: []optionJSON{}, CreatedAt: at, UpdatedAt: at}
	for _, o := range p.Options {
		status.Options = append(status.Options, optionJSON{ID: optionID(o), Name: rich(o), Color: "GRAY", Description: rich("")})
	}
	return []fieldJSON{
		{ID: titleFieldID, NodeID: fmt.Sprintf("PVTF_%d_1", p.id), Name: "Title", DataType: "title", ProjectURL: p.url(u), CreatedAt: at, UpdatedAt: at},
		{ID: 2, NodeID: fmt.Sprintf("PVTF_%d_2", p.id), Name: "Assignees", DataType: "assignees", ProjectURL: p.url(u), CreatedAt: at, UpdatedAt: at},
		status,
	}
}

// withProject serves the board in the path with serve, under s.mu, unless
// projectAt has answered that it cannot.
func (s *Server) withProject(w http.ResponseWriter, r *http.Request, user bool, serve func(u urls, p *project)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p, ok := s.projectAt(w, r, user); ok {
		serve(requestURLs(r, s.opts.HTMLBase), p)
	}
}

func (s *Server) listProjectFields(w http.ResponseWriter, r *http.Request, user bool) {
	s.withProject(w, r, user, func(u urls, p *project) {
		writeCursorPage(w, r, u, p.fields(u), func(f fieldJSON) int64 { return f.ID }, func(fieldJSON) bool { return true },
			nil, func(dst []byte, f fieldJSON) []byte {
				b, _ := json.Marshal(f) // the simulator's own type: cannot fail
				return append(dst, b...)
			})
	})
}

// listProjectItems serves the board's items that are not archived and whose
// issue exists, with the fields asked for by id (fields[]=1&fields[]=3 or
// fields=1,3); the title when none are.
func (s *Server) listProjectItems(w http.ResponseWriter, r *http.Request, user bool) {
	want := map[int64]bool{}
	for _, v := range append(r.URL.Query()["fields[]"], r.URL.Query()["fields"]...) {
		for _, id := range strings.Split(v, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
			if err != nil {
				writeError(w, http.StatusUnprocessableEntity, "Validation Failed: fields", docsProjectItems)
				return
			}
			want[n] = true
		}
	}
	if len(want) == 0 {
		want[titleFieldID] = true
	}
	s.withProject(w, r, user, func(u urls, p *project) { s.writeItems(w, r, u, p, want) })
}

// writeItems answers with a page of p's items and the fields in want.
// Items whose issue is gone, and archived ones, are skipped.
func (s *Server) writeItems(w http.ResponseWriter, r *http.Request, u urls, p *project, want map[int64]bool) {
	type live struct {
		rp *repo
		is *issue
	}
	found := map[*projectItem]live{}
	keep := func(it *projectItem) bool {
		rp, is, ok := s.live(it.ref)
		found[it] = live{rp, is}
		return ok && !it.archived
	}
	pg := &itemPage{u: u, url: p.url(u), fields: p.fields(u), want: want, ms: map[*repo][]*milestoneJSON{}}
	version := func(page []*projectItem) string {
		v := fmt.Appendf(nil, "%s %s %s %v", u.api, u.html, p.Field, want)
		for _, it := range page {
			l := found[it]
			v = strconv.AppendInt(append(v, 0), it.id, 10)
			v = append(append(append(v, ' '), it.option...), 0)
			v = strconv.AppendInt(v, it.created.Unix(), 10)
			v = strconv.AppendInt(append(v, ' '), it.updated.Unix(), 10)
			v = strconv.AppendInt(append(v, ' '), l.rp.id, 10)
			v = strconv.AppendInt(append(v, ' '), int64(l.is.Number), 10)
			v = s.appendRenderKey(append(v, ' '), l.rp, l.is)
		}
		return string(v)
	}
	writeCursorPage(w, r, u, p.items, func(it *projectItem) int64 { return it.id }, keep, version, func(dst []byte, it *projectItem) []byte {
		l := found[it]
		return s.appendItem(dst, pg, it, l.rp, l.is)
	})
}

// writeCursorPage answers with the page of the items to keep among all
// (in id order) that before or after (an opaque cursor naming an item's id)
// select, per_page at most 100 (default 30), and a Link header with next and
// prev cursors as GitHub gives them. It looks at the items near the page only.
// version, unless nil, says what a page is rendered from, so that one the
// client has is not rendered (see unchanged).
func writeCursorPage[T any](w http.ResponseWriter, r *http.Request, u urls, all []T, id func(T) int64, keep func(T) bool,
	version func(page []T) string, render func(dst []byte, it T) []byte) {
	q := r.URL.Query()
	per := min(max(intParam(q, "per_page", 30), 1), 100)
	var page []T
	var before, after bool // kept items before and after the page
	if c := q.Get("before"); c != "" {
		i := cursorIndex(all, id, c)
		after = i < len(all)
		for i--; i >= 0 && len(page) < per; i-- {
			if keep(all[i]) {
				page = append(page, all[i])
			}
		}
		slices.Reverse(page)
		for ; i >= 0 && !before; i-- {
			before = keep(all[i])
		}
	} else {
		i := 0
		if c := q.Get("after"); c != "" {
			i = cursorIndex(all, id, c) + 1
		}
		before = i > 0
		for ; i < len(all) && len(page) < per; i++ {
			if keep(all[i]) {
				page = append(page, all[i])
			}
		}
		for ; i < len(all) && !after; i++ {
			after = keep(all[i])
		}
	}
	var links []string
	link := func(key string, it T, rel string) {
		q.Del("after")
		q.Del("before")
		q.Set(key, itemCursor(id(it)))
		links = append(links, "<"+u.api+r.URL.Path+"?"+q.Encode()+`>; rel="`+rel+`"`)
	}
	if after && len(page) > 0 {
		link("after", page[len(page)-1], "next")
	}
	if before && len(page) > 0 {
		link("before", page[0], "prev")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	if version != nil && unchanged(w, version(page)) {
		w.Header().Set("Content-Type", jsonContentType)
		return
	}
	writeArray(w, page, render)
}

func itemCursor(id int64) string {
	return base64.StdEncoding.EncodeToString([]byte("cursor:v2:" + strconv.FormatInt(id, 10)))
}

// cursorIndex is the index of the item a cursor names among items in id
// order; for an item removed since, that of the last item before it.
func cursorIndex[T any](items []T, id func(T) int64, cursor string) int {
	raw, _ := base64.StdEncoding.DecodeString(cursor)
	n, _ := strconv.ParseInt(strings.TrimPrefix(string(raw), "cursor:v2:"), 10, 64)
	i, found := slices.BinarySearchFunc(items, n, func(it T, n int64) int { return cmp.Compare(id(it), n) })
	if found {
		return i
	}
	return i - 1
}
