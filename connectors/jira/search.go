package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"

	jira "github.com/andygrunwald/go-jira"
)

// Cloud's enhanced search is decoded here rather than by go-jira's
// SearchV2JQL: go-jira's IssueFields.UnmarshalJSON decodes every issue twice,
// the second time into a map of all its fields only to keep those it has no
// struct field for (Unknowns). On a 100,000-issue sync that was 6 of the
// connector's 14 CPU seconds. Here the fields are decoded once into
// jira.IssueFields' own struct, and the requested fields it has no place for
// (the sprint field) by a pass that allocates nothing for the others.

// plainFields is jira.IssueFields without its UnmarshalJSON.
type plainFields jira.IssueFields

type searchIssue struct {
	ID     string          `json:"id"`
	Key    string          `json:"key"`
	Self   string          `json:"self"`
	Fields json.RawMessage `json:"fields"`
}

type searchPageV2 struct {
	Issues        []searchIssue `json:"issues"`
	NextPageToken string        `json:"nextPageToken"`
	IsLast        bool          `json:"isLast"`
}

// searchV2 reads one page of GET rest/api/2/search/jql.
func (s *Source) searchV2(ctx context.Context, jql string, opts *jira.SearchOptionsV2, extra *extraFields) ([]jira.Issue, *searchPageV2, *jira.Response, error) {
	q := url.Values{"jql": {jql}}
	if opts.NextPageToken != "" {
		q.Set("nextPageToken", opts.NextPageToken)
	}
	if opts.MaxResults != 0 {
		q.Set("maxResults", strconv.Itoa(opts.MaxResults))
	}
	if len(opts.Fields) > 0 {
		q.Set("fields", strings.Join(opts.Fields, ","))
	}
	req, err := s.client.NewRequestWithContext(ctx, http.MethodGet, "rest/api/2/search/jql?"+q.Encode(), nil)
	if err != nil {
		return nil, nil, nil, err
	}
	page := new(searchPageV2)
	resp, err := s.client.Do(req, page)
	if err != nil {
		return nil, nil, resp, jira.NewJiraError(resp, err)
	}
	issues := make([]jira.Issue, len(page.Issues))
	for i, w := range page.Issues {
		issues[i] = jira.Issue{ID: w.ID, Key: w.Key, Self: w.Self}
		if len(w.Fields) == 0 || bytes.Equal(w.Fields, []byte("null")) {
			continue
		}
		f := new(plainFields)
		if err := json.Unmarshal(w.Fields, f); err != nil {
			return nil, nil, resp, fmt.Errorf("decoding the fields of %s: %w", w.Key, err)
		}
		if f.Unknowns, err = extra.decode(w.Fields); err != nil {
			return nil, nil, resp, fmt.Errorf("decoding the fields of %s: %w", w.Key, err)
		}
		issues[i].Fields = (*jira.IssueFields)(f)
	}
	return issues, page, resp, nil
}

// extraFields reads the requested fields that jira.IssueFields has no
// struct field for, through a struct type made for them.
type extraFields struct {
	names []string
	typ   reflect.Type
}

// issueFieldNames are the JSON names of jira.IssueFields' struct fields.
var issueFieldNames = sync.OnceValue(func() map[string]bool {
	t := reflect.TypeFor[jira.IssueFields]()
	names := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
})

func newExtraFields(fields []string) *extraFields {
	x := &extraFields{}
	var sf []reflect.StructField
	for _, f := range fields {
		if issueFieldNames()[f] || f == "key" {
			continue
		}
		sf = append(sf, reflect.StructField{
			Name: "F" + strconv.Itoa(len(sf)),
			Type: reflect.TypeFor[any](),
			Tag:  reflect.StructTag(`json:` + strconv.Quote(f)),
		})
		x.names = append(x.names, f)
	}
	if len(sf) > 0 {
		x.typ = reflect.StructOf(sf)
	}
	return x
}

// decode returns the extra fields present in raw, as go-jira's Unknowns
// would hold them; nil when none were asked for.
func (x *extraFields) decode(raw []byte) (map[string]any, error) {
	if x.typ == nil {
		return nil, nil
	}
	v := reflect.New(x.typ)
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(x.names))
	for i, name := range x.names {
		out[name] = v.Elem().Field(i).Interface()
	}
	return out, nil
}
