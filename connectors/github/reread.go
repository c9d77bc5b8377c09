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
		is, found, _, err := s.readAgain(ctx, k)
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, is)
		}
	}
	return out, nil
}

// Refetch reads the issues with the given keys again as Reread does, for a
// webhook's hint that they changed, and emits them in one batch; the keys
// GitHub answers 404 or 410 for go in the batch's Gone. A transferred issue
// (301 to another key) is neither: its repository's reconcile removes it.
// A pull request or a key of another system is skipped.
func (s *Source) Refetch(ctx context.Context, keys []string, emit func(context.Context, model.Batch) error) error {
	b := model.Batch{Source: s.src.Name}
	for _, k := range keys {
		is, found, gone, err := s.readAgain(ctx, k)
		switch {
		case err != nil:
			return err
		case found:
			b.Issues = append(b.Issues, is)
		case gone:
			b.Gone = append(b.Gone, k)
		}
	}
	if len(b.Issues) == 0 && len(b.Gone) == 0 {
		return nil
	}
	return emit(ctx, b)
}

// readAgain reads the issue k names, converted as a listing would. found is
// false when k is not a GitHub issue key, names a pull request, was
// transferred elsewhere, or is gone: deleted, or not visible to the token
// (GitHub answers 404 or 410, and gone is true).
func (s *Source) readAgain(ctx context.Context, k string) (is model.Issue, found, gone bool, err error) {
	key, ok := model.ParseKey(k)
	owner, name, _ := strings.Cut(key.Place, "/")
	if !ok || key.System != model.GitHub {
		return is, false, false, nil
	}
	r, n := repoName{owner: owner, name: name}, key.Number
	op := fmt.Sprintf("reading %s#%d again", r, n)
	var it item
	resp, _, err := s.getUnlessMatch(ctx, op, fmt.Sprintf("repos/%s/%s/issues/%d", r.owner, r.name, n), "", &it)
	if resp != nil && resp.Response != nil && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone) {
		return is, false, true, nil
	}
	if err != nil {
		return is, false, false, err
	}
	if at, ok := keyOf(&it.Issue); !ok || at != k || it.IsPullRequest() {
		return is, false, false, nil
	}
	if is, err = s.issue(ctx, r, &it, nil); err != nil {
		return is, false, false, err
	}
	err = s.addOutsideChildren(ctx, r, &it, &is)
	return is, err == nil, false, err
}

// addOutsideChildren adds to is, read again, the links to its sub-issues
// outside the synced repositories, as a listing's settleParents would,
// asking for its sub-issues only when its summary counts other children than
// the book knows. Before the first round has read the book it adds none.
func (s *Source) addOutsideChildren(ctx context.Context, r repoName, it *item, is *model.Issue) error {
	if it.Subs == nil || it.Subs.Total == 0 || !s.book.loaded() || len(s.book.children(r, nil)[is.Key]) == it.Subs.Total {
		return nil
	}
	got, err := s.subIssues(ctx, r, it.GetNumber())
	is.Links = append(is.Links, s.outsideLinks(is.Key, got)...)
	return err
}
