package jira

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	jira "github.com/andygrunwald/go-jira"
)

// Cloud's enhanced search is decoded here rather than by go-jira's
// SearchV2JQL: go-jira's IssueFields.UnmarshalJSON decodes every issue twice,
// the second time into a map of all its fields only to keep those it has no
// struct field for (Unknowns). On a 100,000-issue sync that was 6 of the
// connector's 14 CPU seconds. Here a page is decoded in one pass into a
// struct type made at run time for the requested fields: issueFields, with
// the fields not requested skipped (`json:"-"`), then one field for each
// requested field it has no place for (the sprint field). The issues' fields
// are read where they were decoded, as issueFields: a sync asks for all of
// them, and a type made with some skipped differs from it only in its tags,
// so a pointer to it converts (at a cost: the conversion compares the two
// types). One a site sends unasked is skipped.

// pageDecoder decodes search pages asking for one list of fields.
type pageDecoder struct {
	page   reflect.Type // {Issues []{ID, Key, Fields *{issueFields; extras}}, NextPageToken, IsLast}
	extras []string     // the requested fields without a place in issueFields, by id
}

// Positions of the run-time types' fields.
const (
	pageIssues, pageNextToken, pageIsLast = 0, 1, 2
	issueID, issueKey, issueFieldsAt      = 0, 1, 2
)

// pageDecoder returns the decoder of pages asking for fields, made once:
// searchUpdated asks afresh after every page, and making the type each time
// cost a third of reading the page.
func (s *Source) pageDecoder(fields []string) *pageDecoder {
	key := strings.Join(fields, ",")
	if d, ok := s.decoders.Load(key); ok {
		return d.(*pageDecoder)
	}
	d, _ := s.decoders.LoadOrStore(key, newPageDecoder(fields))
	return d.(*pageDecoder)
}

func newPageDecoder(requested []string) *pageDecoder {
	d := &pageDecoder{}
	known := map[string]bool{"key": true}
	asked := make(map[string]bool, len(requested))
	for _, id := range requested {
		asked[id] = true
	}
	ift := reflect.TypeFor[issueFields]()
	lean := make([]reflect.StructField, ift.NumField())
	all := true // every field of issueFields asked for: it is decoded as it is
	for i := range lean {
		f := ift.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "-" {
			known[name] = true
		}
		if !asked[name] {
			f.Tag = `json:"-"`
			all = all && name == "-"
		}
		lean[i] = f
	}
	leanType := ift
	if !all {
		leanType = reflect.StructOf(lean)
	}
	fields := []reflect.StructField{{Name: "Lean", Type: leanType, Anonymous: true}}
	for _, id := range requested {
		if known[id] {
			continue
		}
		known[id] = true
		fields = append(fields, reflect.StructField{Name: "Extra" + strconv.Itoa(len(d.extras)),
			Type: reflect.TypeFor[any](), Tag: reflect.StructTag(`json:` + strconv.Quote(id))})
		d.extras = append(d.extras, id)
	}
	str := reflect.TypeFor[string]()
	issue := reflect.StructOf([]reflect.StructField{
		{Name: "ID", Type: str, Tag: `json:"id"`},
		{Name: "Key", Type: str, Tag: `json:"key"`},
		{Name: "Fields", Type: reflect.PointerTo(reflect.StructOf(fields)), Tag: `json:"fields"`},
	})
	d.page = reflect.StructOf([]reflect.StructField{
		{Name: "Issues", Type: reflect.SliceOf(issue), Tag: `json:"issues"`},
		{Name: "NextPageToken", Type: str, Tag: `json:"nextPageToken"`},
		{Name: "IsLast", Type: reflect.TypeFor[bool](), Tag: `json:"isLast"`},
	})
	return d
}

// newPage returns a page to decode into, its issues' array made for size
// issues: decoded into in place, not grown.
func (d *pageDecoder) newPage(size int) reflect.Value {
	raw := reflect.New(d.page)
	issues := raw.Elem().Field(pageIssues)
	issues.Set(reflect.MakeSlice(issues.Type(), 0, size))
	return raw
}

// searchPageV2 is one page of the enhanced search: Atlassian's
// SearchAndReconcileResults, whose nextPageToken "will be null" on the last
// or only page and whose isLast "indicates whether this is the last page"
// (the search/jql response schema of the Jira Cloud platform REST API).
type searchPageV2 struct {
	Issues        []issue
	NextPageToken string
	IsLast        bool
}

// searchV2 reads one page of GET rest/api/2/search/jql
// (https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-search/#api-rest-api-2-search-jql-get).
func (s *Source) searchV2(ctx context.Context, jql string, opts *jira.SearchOptionsV2, d *pageDecoder) (*searchPageV2, *jira.Response, error) {
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
		return nil, nil, err
	}
	raw := d.newPage(opts.MaxResults)
	resp, err := s.do(req, raw.Interface())
	if err != nil {
		return nil, resp, jira.NewJiraError(resp, err)
	}
	return d.convert(raw.Elem()), resp, nil
}

// convert reads a decoded run-time page as issues.
func (d *pageDecoder) convert(v reflect.Value) *searchPageV2 {
	issues := v.Field(pageIssues)
	out := &searchPageV2{
		Issues:        make([]issue, issues.Len()),
		NextPageToken: v.Field(pageNextToken).String(),
		IsLast:        v.Field(pageIsLast).Bool(),
	}
	leanPtr := reflect.TypeFor[*issueFields]()
	for i := range issues.Len() {
		iv := issues.Index(i)
		is := &out.Issues[i]
		is.ID, is.Key = iv.Field(issueID).String(), iv.Field(issueKey).String()
		fp := iv.Field(issueFieldsAt)
		if fp.IsNil() {
			continue
		}
		src := fp.Elem()
		lean := src.Field(0).Addr()
		if lean.Type() != leanPtr {
			lean = lean.Convert(leanPtr) // a type made with some fields skipped
		}
		is.Fields = lean.Interface().(*issueFields)
		if len(d.extras) > 0 {
			is.Fields.Unknowns = make(map[string]any, len(d.extras))
			for j, id := range d.extras {
				is.Fields.Unknowns[id] = src.Field(1 + j).Interface()
			}
		}
	}
	return out
}
