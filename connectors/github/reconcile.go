package github

import (
	"context"
	"fmt"
	"maps"

	"github.com/batonhq/baton/model"
)

// reconcileRepo lists every issue of r, in any state, and emits their keys
// as the keys present under r's prefix, with r's reconcile time: the store
// drops the rest (deleted issues, and transferred ones, which answer under
// their new repository). The listing also shows every sub-issue's parent:
// an issue whose parent changed since r's sub-issue cursor without its
// updated_at moving is converted and emitted again, the cursor forgets
// issues no longer there, and each parent's sub_issues_summary is checked
// as a sync's listing checks it.
func (s *Source) reconcileRepo(ctx context.Context, r repoName, c *commits) error {
	keys := []string{}
	mine := s.book.of(r)
	was := parentsCursor(mine)
	present := map[int]bool{}
	var changed []item
	var withSubs []listedParent
	op := fmt.Sprintf("listing all issue numbers of %s", r)
	err := pages(ctx, s, op, fmt.Sprintf("repos/%s/%s/issues?state=all&sort=created&direction=asc", r.owner, r.name), 1<<30, false,
		func(got []listed) {
			for i := range got {
				it := got[i].item()
				if got[i].Number == 0 || it.IsPullRequest() {
					continue
				}
				keys = append(keys, model.GitHubKey(r.owner, r.name, it.GetNumber()))
				present[it.GetNumber()] = true
				if noteParent(mine, &it) {
					changed = append(changed, it)
				}
				withSubs = appendParent(withSubs, it, nil)
			}
		})
	if err != nil {
		return err
	}
	maps.DeleteFunc(mine, func(n int, _ string) bool { return !present[n] }) // deleted or transferred
	b := model.Batch{Source: s.src.Name, Present: &model.KeySet{Prefix: r.prefix(), Keys: keys}, Cursors: s.reconciledNow(r)}
	for i := range changed {
		is, err := s.issue(ctx, r, &changed[i], nil)
		if err != nil {
			return err
		}
		b.Issues = append(b.Issues, is)
	}
	settled, err := s.settleParents(ctx, r, mine, withSubs)
	if err != nil {
		return err
	}
	b.Issues = append(b.Issues, settled...)
	s.saveParents(r, was, mine, b.Cursors)
	if err := c.commit(ctx, b); err != nil {
		return err
	}
	s.book.set(r, maps.Clone(mine))
	return nil
}
