package github

import (
	"context"
	"fmt"

	"github.com/batonhq/baton/model"
)

// reconcileRepo lists the number of every issue of r, in any state, and
// emits them as the keys present under r's prefix, with r's reconcile time:
// the store drops the rest (deleted issues, and transferred ones, which
// answer under their new repository).
func (s *Source) reconcileRepo(ctx context.Context, r repoName, emit func(context.Context, model.Batch) error) error {
	keys := []string{}
	op := fmt.Sprintf("listing all issue numbers of %s", r)
	err := pages(ctx, s, op, fmt.Sprintf("repos/%s/%s/issues?state=all&sort=created&direction=asc", r.owner, r.name), 1<<30, false,
		func(got []*item) {
			for _, it := range got {
				if !it.IsPullRequest() {
					keys = append(keys, model.GitHubKey(r.owner, r.name, it.GetNumber()))
				}
			}
		})
	if err != nil {
		return err
	}
	return emit(ctx, model.Batch{Source: s.src.Name, Present: &model.KeySet{Prefix: r.prefix(), Keys: keys}, Cursors: s.reconciledNow(r)})
}
