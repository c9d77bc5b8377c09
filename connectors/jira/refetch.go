package jira

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	jira "github.com/andygrunwald/go-jira"

	"github.com/batonhq/baton/model"
)

// Refetch reads the issues with the given keys again, for a webhook's hint
// that they changed, and emits them in one batch with the same fields,
// changelogs and conversion as a sync; cursors are not touched. Each is one
// GET of /rest/api/2/issue/{issueIdOrKey}
// (https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/#api-rest-api-2-issue-issueidorkey-get),
// with its changelog embedded on Data Center and read in bulk on Cloud.
// A key may be jira:<issue id> (link events name ids only); it is read by
// id and stored under its key. A key Jira answers 404 for goes in the
// batch's Gone; an id it answers 404 for is skipped (its key is unknown, and
// the issue's own jira:issue_deleted names it). Only issues the source's JQL
// matches are stored, as a sync stores them: one search (see inScope) tells
// which of those read still match, and the others go in the batch's Left.
func (s *Source) Refetch(ctx context.Context, keys []string, emit func(context.Context, model.Batch) error) error {
	info, err := s.learn(ctx, false)
	if err != nil {
		return err
	}
	fields := append(searchFields[:len(searchFields):len(searchFields)], info.fields.ids()...)
	b := model.Batch{Source: s.src.Name}
	var read []*issue
	for _, k := range keys {
		ref, ok := strings.CutPrefix(k, model.KeyPrefix(model.Jira, ""))
		if !ok || ref == "" {
			continue
		}
		is, found, err := s.readIssue(ctx, ref, fields)
		switch {
		case err != nil:
			return err
		case found:
			read = append(read, is)
		case !isID(ref):
			b.Gone = append(b.Gone, k)
		}
	}
	matched, err := s.inScope(ctx, read)
	if err != nil {
		return err
	}
	read = slices.DeleteFunc(read, func(is *issue) bool {
		if !matched[is.Key] {
			b.Left = append(b.Left, model.JiraKey(is.Key))
		}
		return !matched[is.Key]
	})
	histories, err := s.changelogs(ctx, read)
	if err != nil {
		return err
	}
	for _, is := range read {
		b.Issues = append(b.Issues, s.convert(is, histories[is.ID], info.fields))
	}
	if len(b.Issues) == 0 && len(b.Gone) == 0 && len(b.Left) == 0 {
		return nil
	}
	return emit(ctx, b)
}

// readIssue reads one issue by key or id; found is false when Jira answers
// 404 (deleted, or not visible to the account).
func (s *Source) readIssue(ctx context.Context, ref string, fields []string) (*issue, bool, error) {
	q := url.Values{"fields": {strings.Join(fields, ",")}}
	if !s.cloud {
		q.Set("expand", "changelog")
	}
	op := fmt.Sprintf("reading %s again", ref)
	req, err := s.client.NewRequestWithContext(ctx, http.MethodGet, "rest/api/2/issue/"+url.PathEscape(ref)+"?"+q.Encode(), nil)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", op, err)
	}
	var is jira.Issue
	resp, err := s.client.Do(req, &is)
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		// go-jira's Do leaves an error's body open: closed, the connection
		// is reused and the attempt's deadline released.
		resp.Body.Close()
		return nil, false, nil
	}
	if err != nil {
		if resp != nil && resp.StatusCode/100 != 2 {
			err = jira.NewJiraError(resp, err)
		}
		return nil, false, apiError(op, resp, err)
	}
	if is.Key == "" || is.Fields == nil {
		return nil, false, fmt.Errorf("%s: the answer carries no key or no fields", op)
	}
	read := issueOf(&is)
	return &read, true, nil
}

// inScope returns the keys of the issues read that the source's JQL
// matches, asking `(<JQL>) AND key in (…)` for keys only. The issues are
// read first, one GET each, and matched after, rather than searched for by
// key at once: Jira answers a JQL naming a key that does not exist with 400
// for the whole query, and a webhook names deleted issues. The keys asked
// for are those the GETs answered with, so they exist, and an issue deleted
// in between fails the search: nothing leaves the store on an error. The
// keys are asked for scopeChunk at a time to keep the URL short.
func (s *Source) inScope(ctx context.Context, read []*issue) (map[string]bool, error) {
	matched := make(map[string]bool, len(read))
	for chunk := range slices.Chunk(read, scopeChunk) {
		keys := make([]string, len(chunk))
		for i, is := range chunk {
			keys[i] = strconv.Quote(is.Key)
		}
		jql := keysJQL("(" + s.jql + ") AND key in (" + strings.Join(keys, ", ") + ")")
		err := s.search(ctx, jql, []string{"key"}, false, func(page []issue) error {
			for _, is := range page {
				matched[is.Key] = true
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("matching %d issues read again against the source's jql: %w", len(chunk), err)
		}
	}
	return matched, nil
}

// scopeChunk is how many keys one inScope search names.
const scopeChunk = 100

// isID reports whether ref is an issue id rather than a key.
func isID(ref string) bool {
	_, err := strconv.ParseUint(ref, 10, 64)
	return err == nil
}
