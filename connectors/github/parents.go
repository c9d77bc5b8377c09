package github

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/model"
)

// Sub-issue links come from the child: each issue GitHub lists carries its
// parent_issue_url, so the child declares its Parent link at no cost. A
// parent asks for its sub-issues (…/sub_issues) only when its
// sub_issues_summary counts more or fewer than the children the listings
// have shown pointing at it: then some are outside the synced repositories
// (the parent declares the links to those), or a child's parent changed
// without its updated_at moving, which GitHub does not promise (see
// README), and the answer settles it.

// parentsScope is the cursor scope holding the parent of each sub-issue of
// r as r's listings last showed it: child number → parent key.
func parentsScope(r repoName) string { return "_parents:" + r.scope() }

// parentBook is what the source knows of the sub-issues in its
// repositories, by repository scope: child number → parent key, as
// committed with the repository's last complete listing. Every synced
// repository has an entry, so it also tells which keys are in scope.
type parentBook struct {
	mu     sync.Mutex
	byRepo map[string]map[int]string
}

// load replaces the book with the cursors of repos.
func (b *parentBook) load(repos []repoName, cursors map[string]string) error {
	byRepo := make(map[string]map[int]string, len(repos))
	for _, r := range repos {
		m := map[int]string{}
		if v := cursors[parentsScope(r)]; v != "" {
			if err := json.Unmarshal([]byte(v), &m); err != nil {
				return fmt.Errorf("reading the sub-issue cursor of %s: %w", r, err)
			}
		}
		byRepo[r.scope()] = m
	}
	b.mu.Lock()
	b.byRepo = byRepo
	b.mu.Unlock()
	return nil
}

// of returns a copy of r's entry, for a listing to update.
func (b *parentBook) of(r repoName) map[int]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.byRepo[r.scope()])
}

// set records r's entry once the listing that made it is committed.
func (b *parentBook) set(r repoName, m map[int]string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.byRepo != nil {
		b.byRepo[r.scope()] = m
	}
}

// children returns the in-scope children the book names for each parent,
// with mine standing for r's entry (nil: the book's own).
func (b *parentBook) children(r repoName, mine map[int]string) map[string][]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string][]string{}
	for scope, m := range b.byRepo {
		if scope == r.scope() && mine != nil {
			m = mine
		}
		owner, name, _ := strings.Cut(scope, "/")
		for n, p := range m {
			out[p] = append(out[p], model.GitHubKey(owner, name, n))
		}
	}
	return out
}

// loaded reports whether a round has read the book from the cursors.
func (b *parentBook) loaded() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.byRepo != nil
}

// synced reports whether the issue key names is in a synced repository.
func (b *parentBook) synced(key string) bool {
	k, ok := model.ParseKey(key)
	b.mu.Lock()
	defer b.mu.Unlock()
	_, in := b.byRepo[k.Place]
	return ok && in
}

// parentKey is the key of the parent it's parent_issue_url names, "" for
// an issue that is no sub-issue. The URL is the parent's API URL,
// …/repos/{owner}/{repo}/issues/{number}.
func parentKey(it *item) string {
	repoURL, n, ok := splitIssueURL(it.Parent)
	if !ok {
		return ""
	}
	k, _ := keyOf(&github.Issue{Number: &n, RepositoryURL: &repoURL})
	return k
}

// splitIssueURL splits an issue's API URL, …/repos/{owner}/{repo}/issues/{n},
// into its repository's URL and its number; ok is false for another shape.
func splitIssueURL(u string) (repoURL string, n int, ok bool) {
	i := strings.LastIndex(u, "/issues/")
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(u[i+len("/issues/"):])
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return u[:i], n, true
}

// noteParent records it's parent in m (r's entry) and reports whether
// that changed it.
func noteParent(m map[int]string, it *item) bool {
	return setParent(m, it.GetNumber(), parentKey(it))
}

// setParent records that issue n's parent is p ("" for none) and reports
// whether that changed m.
func setParent(m map[int]string, n int, p string) bool {
	if m[n] == p {
		return false
	}
	if p == "" {
		delete(m, n)
	} else {
		m[n] = p
	}
	return true
}

// ownParent is the parent is declares through its parent_issue_url.
func ownParent(is model.Issue) string {
	for _, l := range is.Links {
		if l.Type == model.Parent && l.Origin == model.OriginGitHubSubIssue && l.To == is.Key {
			return l.From
		}
	}
	return ""
}

// listedParent is an issue listed with sub-issues: what the listing gave,
// and its conversion when the round made one.
type listedParent struct {
	it item
	is *model.Issue
}

// settleParents checks each listed parent's sub_issues_summary against the
// children known to point at it (mine standing for r's entry of the book)
// and, where they differ, asks GitHub for its sub-issues: it returns the
// parents that declare links to children outside the synced repositories
// and the children whose parent the book had wrong, converted again, and
// updates mine for r's own.
func (s *Source) settleParents(ctx context.Context, r repoName, mine map[int]string, listed []listedParent) ([]model.Issue, error) {
	var out []model.Issue
	var known map[string][]string
	for _, lp := range listed {
		key, _ := keyOf(&lp.it.Issue)
		if known == nil {
			known = s.book.children(r, mine)
		}
		if len(known[key]) == lp.it.Subs.Total {
			continue
		}
		got, err := s.subIssues(ctx, r, lp.it.GetNumber())
		if err != nil {
			return nil, err
		}
		fixed, err := s.fixChildren(ctx, r, got, known[key], mine)
		if err != nil {
			return nil, err
		}
		if len(fixed) > 0 {
			out, known = append(out, fixed...), nil // mine changed
		}
		outside := s.outsideLinks(key, got)
		if len(outside) == 0 {
			continue
		}
		if lp.is == nil {
			is, err := s.issue(ctx, r, &lp.it, nil)
			if err != nil {
				return nil, err
			}
			lp.is = &is
		}
		is := *lp.is
		is.Links = append(slices.Clip(is.Links), outside...)
		out = append(out, is)
	}
	return out, nil
}

// outsideLinks are the links parent declares: to its sub-issues (got)
// outside the synced repositories, which no listing of baton's shows.
func (s *Source) outsideLinks(parent string, got []item) []model.Link {
	var out []model.Link
	for i := range got {
		if k, ok := keyOf(&got[i].Issue); ok && !s.book.synced(k) {
			out = append(out, model.Link{From: parent, To: k, Type: model.Parent,
				Origin: model.OriginGitHubSubIssue, RawType: "sub-issue"})
		}
	}
	return out
}

// subIssues lists the sub-issues of r's issue n, as a listing gives issues.
func (s *Source) subIssues(ctx context.Context, r repoName, n int) ([]item, error) {
	var got []item
	op := fmt.Sprintf("listing sub_issues of %s#%d", r, n)
	err := keptPages(ctx, s, s.answers, op, fmt.Sprintf("repos/%s/%s/issues/%d/sub_issues", r.owner, r.name, n), maxRelatedPages, false,
		func(page []listed) ([]listed, int64) { return page, listedSize(page) },
		func(page []listed) {
			for _, l := range page { // a copy: the items point into it, not into the kept page
				got = append(got, l.item())
			}
		})
	return got, err
}

// fixChildren converts again the synced sub-issues in got that the book
// did not know under their parent (known), from the answer, which lists
// them as a listing would, and reads again those known that are no longer
// there; mine, r's entry, is updated for r's own. The book of another
// repository is left to that repository's listings (its cursor is theirs
// to write), so until one shows the child there, the parent's next
// listing asks again.
func (s *Source) fixChildren(ctx context.Context, r repoName, got []item, known []string, mine map[int]string) ([]model.Issue, error) {
	var fixed []model.Issue
	stale := map[string]bool{}
	for _, k := range known {
		stale[k] = true
	}
	for i := range got {
		k, ok := keyOf(&got[i].Issue)
		switch {
		case !ok || !s.book.synced(k):
		case stale[k]:
			delete(stale, k) // known, and still there
		default:
			is, err := s.reconvert(ctx, k, &got[i], mine, r)
			if err != nil {
				return nil, err
			}
			fixed = append(fixed, is)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(stale)) {
		is, found, _, err := s.readAgain(ctx, k)
		if err != nil {
			return nil, err
		}
		if found {
			fixed = append(fixed, is)
		}
		if key, _ := model.ParseKey(k); key.Place == r.scope() {
			setParent(mine, key.Number, ownParent(is)) // "" when gone
		}
	}
	return fixed, nil
}

// reconvert converts the issue k as another listing gave it, noting its
// parent in mine when it is one of r's.
func (s *Source) reconvert(ctx context.Context, k string, it *item, mine map[int]string, r repoName) (model.Issue, error) {
	key, _ := model.ParseKey(k)
	owner, name, _ := strings.Cut(key.Place, "/")
	if key.Place == r.scope() {
		noteParent(mine, it)
	}
	return s.issue(ctx, repoName{owner: owner, name: name}, it, nil)
}

// appendParent adds it, converted as is when the round converted it, to
// the issues listed with sub-issues.
func appendParent(ps []listedParent, it item, is *model.Issue) []listedParent {
	if it.Subs == nil || it.Subs.Total == 0 {
		return ps
	}
	lp := listedParent{it: it}
	if is != nil {
		// A copy: pointing at the caller's issue would move every issue
		// converted onto the heap, not only the few with sub-issues.
		c := *is
		lp.is = &c
	}
	return append(ps, lp)
}

// parentsCursor is the sub-issue cursor recording m.
func parentsCursor(m map[int]string) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// saveParents adds r's sub-issue cursor to cursors when m changed it from
// was ("" for none), and returns the cursor as it will be stored.
func (s *Source) saveParents(r repoName, was string, m map[int]string, cursors map[string]string) string {
	v := parentsCursor(m)
	if v != was {
		cursors[parentsScope(r)] = v
	}
	return v
}

// parentDeclared reports whether r was synced by a version before
// child-declared sub-issue links: it has a listing cursor but no sub-issue
// cursor. Its store holds a Parent link declared by each parent to each
// child, which stay until the parent changes again; so r is listed whole
// once, as on a first sync, and every issue, converted again, replaces the
// links it declared: then the store is what a full sync gives.
func parentDeclared(r repoName, cursors map[string]string) bool {
	return cursors[r.scope()] != "" && cursors[parentsScope(r)] == ""
}

// noteParentDeclared logs, once a round, the repositories parentDeclared
// lists whole.
func (s *Source) noteParentDeclared(repos []repoName, cursors map[string]string) {
	n := 0
	for _, r := range repos {
		if parentDeclared(r, cursors) {
			n++
		}
	}
	if n > 0 {
		s.log.Info("re-reading every issue once: sub-issue links are now declared by the child", "repos", n)
	}
}
