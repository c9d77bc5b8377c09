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
// struct type made at run time for the requested fields: jira.IssueFields'
// own fields, then one for each requested field it has no place for (the
// sprint field), and copied from there into jira.Issue values. Only the
// requested fields of jira.IssueFields are in that type: convert reads no
// other, and one a site sends unasked is skipped rather than copied. Those
// that are objects are decoded as lean types of only what convert reads of
// them (lean.go).

// pageDecoder decodes search pages asking for one list of fields.
type pageDecoder struct {
	page   reflect.Type // {Issues []{ID, Key, Self, Fields *fields}, NextPageToken, IsLast}
	from   []int        // the jira.IssueFields field each leading field of fields is
	lean   []leanCopy   // for each leading field decoded as a lean type, what copies it (else nil)
	extras []string     // the requested fields after them, by id
}

// Positions of the run-time types' fields.
const (
	pageIssues, pageNextToken, pageIsLast     = 0, 1, 2
	issueID, issueKey, issueSelf, issueFields = 0, 1, 2, 3
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
	var fields []reflect.StructField
	ift := reflect.TypeFor[jira.IssueFields]()
	for i := range ift.NumField() {
		f := ift.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		known[name] = true
		if !asked[name] {
			continue
		}
		typ := f.Type
		lean, ok := leanFields[name]
		if ok {
			typ = lean.typ
		}
		fields = append(fields, reflect.StructField{Name: f.Name, Type: typ, Tag: f.Tag})
		d.from = append(d.from, i)
		d.lean = append(d.lean, lean.copy)
	}
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
		{Name: "Self", Type: str, Tag: `json:"self"`},
		{Name: "Fields", Type: reflect.PointerTo(reflect.StructOf(fields)), Tag: `json:"fields"`},
	})
	d.page = reflect.StructOf([]reflect.StructField{
		{Name: "Issues", Type: reflect.SliceOf(issue), Tag: `json:"issues"`},
		{Name: "NextPageToken", Type: str, Tag: `json:"nextPageToken"`},
		{Name: "IsLast", Type: reflect.TypeFor[bool](), Tag: `json:"isLast"`},
	})
	return d
}

// searchPageV2 is one page of the enhanced search.
type searchPageV2 struct {
	Issues        []jira.Issue
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
	raw := reflect.New(d.page)
	resp, err := s.do(req, raw.Interface())
	if err != nil {
		return nil, resp, jira.NewJiraError(resp, err)
	}
	return d.convert(raw.Elem()), resp, nil
}

// convert copies a decoded run-time page into go-jira's types.
func (d *pageDecoder) convert(v reflect.Value) *searchPageV2 {
	issues := v.Field(pageIssues)
	out := &searchPageV2{
		Issues:        make([]jira.Issue, issues.Len()),
		NextPageToken: v.Field(pageNextToken).String(),
		IsLast:        v.Field(pageIsLast).Bool(),
	}
	for i := range issues.Len() {
		iv := issues.Index(i)
		is := &out.Issues[i]
		is.ID, is.Key, is.Self = iv.Field(issueID).String(), iv.Field(issueKey).String(), iv.Field(issueSelf).String()
		fp := iv.Field(issueFields)
		if fp.IsNil() {
			continue
		}
		src := fp.Elem()
		is.Fields = new(jira.IssueFields)
		dst := reflect.ValueOf(is.Fields).Elem()
		for j, k := range d.from {
			if c := d.lean[j]; c != nil {
				c(is.Fields, src.Field(j))
				continue
			}
			dst.Field(k).Set(src.Field(j))
		}
		if len(d.extras) > 0 {
			is.Fields.Unknowns = make(map[string]any, len(d.extras))
			for j, id := range d.extras {
				is.Fields.Unknowns[id] = src.Field(len(d.from) + j).Interface()
			}
		}
	}
	return out
}
