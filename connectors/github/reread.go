package github

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/batonhq/baton/model"
)

// Reread reads the issues with the given keys again, one GET of
// /repos/{owner}/{repo}/issues/{number} each (plus their blockers,
// sub-issues and timeline as a listing would), for the sync engine: their
// links changed without their being edited. An issue that is gone is left
// out: deleted (410 Gone, or 404 when the token cannot see where it went) or
// transferred (301 Moved Permanently, which the client follows to another
// key); its own repository's reconcile removes it. GitHub documents the
// three answers at https://docs.github.com/en/rest/issues/issues#get-an-issue.
func (s *Source) Reread(ctx context.Context, keys []string) ([]model.Issue, error) {
	var out []model.Issue
	for _, k := range keys {
		key, ok := model.ParseKey(k)
		owner, name, _ := strings.Cut(key.Place, "/")
		if !ok || key.System != model.GitHub {
			continue
		}
		r, n := repoName{owner: owner, name: name}, key.Number
		op := fmt.Sprintf("reading %s#%d again", r, n)
		req, err := s.client.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/issues/%d", r.owner, r.name, n), nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		var it item
		resp, err := s.client.Do(ctx, req, &it)
		if resp != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone) {
			continue
		}
		if err != nil {
			return nil, s.apiError(ctx, op, resp, err)
		}
		if at, ok := keyOf(&it.Issue); !ok || at != k || it.IsPullRequest() {
			continue
		}
		is, err := s.issue(ctx, r, &it)
		if err != nil {
			return nil, err
		}
		out = append(out, is)
	}
	return out, nil
}
