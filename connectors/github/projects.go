package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
)

// The REST endpoints for Projects (v2), which go-github v60 does not have:
// https://docs.github.com/en/rest/projects/fields#list-project-fields-for-organization
// https://docs.github.com/en/rest/projects/items#list-items-for-an-organization-owned-project
// and their /users/{username}/… twins. Both page with before/after cursors
// given in the Link header, at most 100 a page; a field's single-select
// options and an item's value of it carry the option's id and its name as
// {"raw", "html"}.

// board is a configured board as found at the source's start: where it
// lives and its status field (statusOf says what an option means).
type board struct {
	cfg     config.GitHubProject
	path    string // API path: orgs/{owner}/projectsV2/{n} or users/{owner}/projectsV2/{n}
	fieldID int64
}

// projectField is a field as the fields listing gives it.
type projectField struct {
	ID       int64           `json:"id"`
	Name     string          `json:"name"`
	DataType string          `json:"data_type"`
	Options  []projectOption `json:"options"`
}

// projectOption is an option of a single-select field, and an item's value
// of such a field.
type projectOption struct {
	ID   string   `json:"id"`
	Name richText `json:"name"`
}

// richText is GitHub's {"raw", "html"} pair for user-written text.
type richText struct {
	Raw string `json:"raw"`
}

// boardError is a board that cannot be read as configured: missing,
// forbidden, or without the field or options named. It is permanent: the
// configuration or the token has to change.
type boardError struct{ msg string }

func (e *boardError) Error() string   { return e.msg }
func (e *boardError) Permanent() bool { return true }

// knownFields are a board's fields as last read, where, and the ETag of
// that answer: the projects cursor keeps them so that a new process checks
// an unchanged board for free.
type knownFields struct {
	Path   string         `json:"path"`
	ETag   string         `json:"etag"`
	Fields []projectField `json:"fields"`
}

// findBoards resolves every configured board, in order: its owner (an
// organisation, else a user), its field and the options named. known are
// the fields last read, by board; it returns those read now.
func (s *Source) findBoards(ctx context.Context, known map[string]knownFields) ([]*board, map[string]knownFields, error) {
	var boards []*board
	read := map[string]knownFields{}
	for _, p := range s.opts.Status.Projects {
		k, err := s.boardFields(ctx, p, known[p.String()])
		if err != nil {
			return nil, nil, err
		}
		b, err := newBoard(p, k.Path, k.Fields)
		if err != nil {
			return nil, nil, err
		}
		boards, read[p.String()] = append(boards, b), k
	}
	return boards, read, nil
}

// boardFields finds board p as an organisation's, else a user's (where it
// was last found first) and reads its fields.
func (s *Source) boardFields(ctx context.Context, p config.GitHubProject, known knownFields) (knownFields, error) {
	paths := []string{fmt.Sprintf("orgs/%s/projectsV2/%d", p.Owner, p.Number), fmt.Sprintf("users/%s/projectsV2/%d", p.Owner, p.Number)}
	if known.Path == paths[1] {
		paths[0], paths[1] = paths[1], paths[0]
	}
	for _, path := range paths {
		k, err := s.projectFields(ctx, p, path, known)
		var ae *httpapi.APIError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			continue
		}
		return k, err
	}
	return knownFields{}, &boardError{fmt.Sprintf("project %s: no such organisation or user project, or the token cannot see it (it needs Projects: read)", p)}
}

// projectFields reads the fields of the project at path, conditionally when
// known was read there. One page holds them all: a project has at most 50.
func (s *Source) projectFields(ctx context.Context, p config.GitHubProject, path string, known knownFields) (knownFields, error) {
	op := fmt.Sprintf("listing the fields of project %s", p)
	etag := ""
	if known.Path == path {
		etag = known.ETag
	}
	var got []projectField
	resp, unchanged, err := s.getUnlessMatch(ctx, op, path+"/fields?per_page=100", etag, &got)
	switch {
	case unchanged:
		return known, nil
	case err != nil:
		var ae *httpapi.APIError
		if errors.As(err, &ae) && ae.Status == http.StatusForbidden && ae.Wait == 0 {
			return knownFields{}, &boardError{fmt.Sprintf("project %s: forbidden (%s); the token needs Projects: read", p, ae.Msg)}
		}
		return knownFields{}, err
	}
	return knownFields{Path: path, ETag: resp.Header.Get("ETag"), Fields: got}, nil
}

// newBoard finds the configured field among fields and maps its options.
func newBoard(p config.GitHubProject, path string, fields []projectField) (*board, error) {
	i := slices.IndexFunc(fields, func(f projectField) bool { return strings.EqualFold(f.Name, p.Field) })
	if i < 0 {
		names := make([]string, 0, len(fields))
		for _, f := range fields {
			names = append(names, f.Name)
		}
		return nil, &boardError{fmt.Sprintf("project %s: no field %q; its fields are %s", p, p.Field, quoted(names))}
	}
	f := fields[i]
	if f.DataType != "single_select" {
		return nil, &boardError{fmt.Sprintf("project %s: field %q is %s, not a single select", p, f.Name, f.DataType)}
	}
	var names []string
	for _, o := range f.Options {
		names = append(names, o.Name.Raw)
	}
	for _, want := range slices.Concat(p.InProgress, p.Blocked, p.Done) {
		if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, want) }) {
			return nil, &boardError{fmt.Sprintf("project %s: field %q has no option %q; its options are %s", p, f.Name, want, quoted(names))}
		}
	}
	return &board{cfg: p, path: path, fieldID: f.ID}, nil
}

func quoted(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// keyOfContent is the model key of an item's issue: from repository_url
// and number, or from its API url (…/repos/{owner}/{repo}/issues/{n}).
func keyOfContent(c *itemContent) (string, bool) {
	repoURL := c.RepositoryURL
	if repoURL == "" {
		if i := strings.LastIndex(c.URL, "/issues/"); i >= 0 {
			repoURL = c.URL[:i]
		}
	}
	return keyOf(&github.Issue{Number: &c.Number, RepositoryURL: &repoURL})
}
