package github

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
)

const subIssuesRoute = "GET /repos/{owner}/{repo}/issues/{number}/sub_issues"

// parentLink is the link sub-issue child declares to parent.
func parentLink(parent, child string) model.Link {
	return model.Link{From: parent, To: child, Type: model.Parent, Origin: model.OriginGitHubSubIssue, RawType: "sub-issue"}
}

// checkSubIssueCalls fails unless the rounds since the last ResetStats
// asked for want sub-issue lists.
func (e *env) checkSubIssueCalls(t *testing.T, want int, when string) {
	t.Helper()
	if n := e.sim.Stats().Requests[subIssuesRoute]; n != want {
		t.Errorf("%s: %d sub_issues calls, want %d", when, n, want)
	}
}

// checkParent fails unless the stored child declares exactly parent ("" for none).
func (e *env) checkParent(t *testing.T, child, parent string) {
	t.Helper()
	var want []model.Link
	if parent != "" {
		want = []model.Link{parentLink(parent, child)}
	}
	var got []model.Link
	for _, l := range e.store.issues[child].Links {
		if l.Type == model.Parent {
			got = append(got, l)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s parent links (-want +got):\n%s", child, diff)
	}
}

// TestSubIssuesDeclareTheirParentsFromTheListingAtNoCost, one repository
// at a time: web, whose #1 has a sub-issue in core, is listed after core.
// (Listed at the same time, web#1 would ask for its sub-issues once, not
// knowing yet what core's listing shows.)
func TestSubIssuesDeclareTheirParentsFromTheListingAtNoCost(t *testing.T) {
	e := newEnv(t, []string{"acme/core", "acme/web"}, func(s *config.Source) { s.Parallel = 1 })
	e.addRepo(t, "acme/core", 10)
	e.addRepo(t, "acme/web", 5)
	must(t, e.sim.AddSubIssue(ref("acme/core", 1), ref("acme/core", 2)))
	must(t, e.sim.AddSubIssue(ref("acme/web", 1), ref("acme/core", 3))) // a parent in another repository
	e.mustSync(t)

	e.checkParent(t, "github:acme/core#2", "github:acme/core#1")
	e.checkParent(t, "github:acme/core#3", "github:acme/web#1")
	for _, k := range []string{"github:acme/core#1", "github:acme/web#1"} {
		if ls := e.store.issues[k].Links; len(ls) != 0 {
			t.Errorf("parent %s declares %v, want nothing: its sub-issues are synced", k, ls)
		}
	}
	e.checkSubIssueCalls(t, 0, "the first sync")
	e.checkRepollIsFree(t, "the first sync")
}

// TestSubIssueAddedAndRemovedUnseenIsFoundByTheReconcile: a sub-issue
// change moves neither issue's updated_at, so the incremental listing of
// a repository too long for one page does not return either; the
// reconcile's full listing shows the child's new parent_issue_url, and the
// child is converted again. (A repository listed whole in one page is
// listed again whole when its ETag no longer matches, which shows it too.)
func TestSubIssueAddedAndRemovedUnseenIsFoundByTheReconcile(t *testing.T) {
	e := coreAndWeb(t, 150, 5)
	e.mustSync(t)
	e.sim.Advance(time.Hour)
	must(t, e.sim.AddSubIssue(ref("acme/core", 1), ref("acme/core", 4)))
	if bs := e.mustSync(t); len(emittedKeys(bs)) != 0 {
		t.Fatalf("an incremental round emitted %v; the change moved no updated_at", emittedKeys(bs))
	}
	e.checkParent(t, "github:acme/core#4", "")

	e.sim.Advance(25 * time.Hour) // the reconciles are due
	e.sim.ResetStats()
	bs := e.mustSync(t)
	if diff := cmp.Diff([]string{"github:acme/core#4"}, emittedKeys(bs)); diff != "" {
		t.Errorf("the reconcile emitted (-want +got):\n%s", diff)
	}
	e.checkParent(t, "github:acme/core#4", "github:acme/core#1")
	e.checkSubIssueCalls(t, 0, "the reconcile (its listing shows the child, and the summary agrees)")

	must(t, e.sim.RemoveSubIssue(ref("acme/core", 1), ref("acme/core", 4)))
	e.sim.Advance(25 * time.Hour)
	e.mustSync(t)
	e.checkParent(t, "github:acme/core#4", "")
	e.checkRepollIsFree(t, "the reconciles")
}

// TestParentWhoseSummaryDisagreesAsksForItsSubIssuesOnce: a parent listed
// with more sub-issues than the listings showed pointing at it asks for
// them, once, and the child the book had under no parent is emitted again.
func TestParentWhoseSummaryDisagreesAsksForItsSubIssuesOnce(t *testing.T) {
	e := coreAndWeb(t, 150, 5)
	e.mustSync(t)
	e.sim.Advance(time.Hour)
	must(t, e.sim.AddSubIssue(ref("acme/core", 1), ref("acme/core", 4)))
	must(t, e.sim.Touch(ref("acme/core", 1))) // the parent is listed; the child, long unchanged, is not
	e.sim.ResetStats()

	bs := e.mustSync(t)
	e.checkSubIssueCalls(t, 1, "the round listing the parent")
	if diff := cmp.Diff([]string{"github:acme/core#1", "github:acme/core#4"}, emittedKeys(bs)); diff != "" {
		t.Errorf("emitted (-want +got):\n%s", diff)
	}
	e.checkParent(t, "github:acme/core#4", "github:acme/core#1")
	if ls := e.store.issues["github:acme/core#1"].Links; len(ls) != 0 {
		t.Errorf("the parent declares %v, want nothing", ls)
	}

	// Known now: touching the parent again costs no sub_issues call.
	e.sim.Advance(time.Hour)
	must(t, e.sim.Touch(ref("acme/core", 1)))
	e.sim.ResetStats()
	e.mustSync(t)
	e.checkSubIssueCalls(t, 0, "once the child is known")
}

// TestParentDeclaresItsSubIssuesOutsideTheSyncedRepositories: no listing
// of the source shows a child in a repository it does not sync, so the
// parent asks for its sub-issues and declares the link itself.
func TestParentDeclaresItsSubIssuesOutsideTheSyncedRepositories(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 6)
	e.addRepo(t, "acme/other", 3)
	must(t, e.sim.AddSubIssue(ref("acme/core", 1), ref("acme/other", 2)))
	must(t, e.sim.AddSubIssue(ref("acme/core", 1), ref("acme/core", 3)))
	e.mustSync(t)

	e.checkSubIssueCalls(t, 1, "the first sync")
	want := []model.Link{parentLink("github:acme/core#1", "github:acme/other#2")}
	if diff := cmp.Diff(want, e.store.issues["github:acme/core#1"].Links); diff != "" {
		t.Errorf("parent links (-want +got):\n%s", diff)
	}
	e.checkParent(t, "github:acme/core#3", "github:acme/core#1")
	e.checkRepollIsFree(t, "the first sync")
}

func TestVendorSubIssueNamesItsParent(t *testing.T) {
	s := vendorSource(t, t0)
	var got item
	testtool.VendorDecode(t, "sub_issue.json", vendorDocs, &got)
	is := s.convert(helloWorld, &got)
	if err := s.nativeLinks(t.Context(), helloWorld, &got, &is); err != nil {
		t.Fatal(err)
	}
	want := []model.Link{parentLink("github:octocat/hello-world#1347", "github:octocat/hello-world#1350")}
	if diff := cmp.Diff(want, is.Links); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
}

// TestParentKeyOfOddParentIssueURLs: a parent_issue_url of another shape
// than …/repos/{owner}/{repo}/issues/{n} names no parent rather than a
// wrong one.
func TestParentKeyOfOddParentIssueURLs(t *testing.T) {
	for u, want := range map[string]string{
		"https://api.github.com/repos/octocat/Hello-World/issues/1347": "github:octocat/hello-world#1347",
		"": "",
		"https://api.github.com/repos/octocat/Hello-World":           "",
		"https://api.github.com/repos/octocat/Hello-World/issues/":   "",
		"https://api.github.com/repos/octocat/Hello-World/issues/x":  "",
		"https://api.github.com/repos/octocat/Hello-World/issues/-1": "",
		"https://api.github.com/repos/octocat/Hello-World/issues/0":  "",
		"/issues/7": "",
		"https://api.github.com/octocat/issues/7": "",
	} {
		if got := parentKey(&item{Parent: u}); got != want {
			t.Errorf("parentKey(%q) = %q, want %q", u, got, want)
		}
	}
}

// TestStoreWithParentDeclaredLinksIsAFullSyncsAfterOneRound: a version
// before child-declared sub-issue links left each Parent link declared by
// the parent and no sub-issue cursors; one round lists every repository
// whole and leaves the store as a fresh full sync does, and the next round
// is free again.
func TestStoreWithParentDeclaredLinksIsAFullSyncsAfterOneRound(t *testing.T) {
	e := newEnv(t, []string{"acme/core", "acme/web", "acme/docs"})
	e.addRepo(t, "acme/core", 150)
	e.addRepo(t, "acme/web", 5)
	e.addRepo(t, "acme/docs", 3) // no sub-issues
	e.addRepo(t, "acme/other", 3)
	must(t, e.sim.AddSubIssue(ref("acme/core", 1), ref("acme/core", 2)))
	must(t, e.sim.AddSubIssue(ref("acme/core", 1), ref("acme/other", 2))) // outside the synced repositories
	must(t, e.sim.AddSubIssue(ref("acme/web", 1), ref("acme/core", 3)))
	e.mustSync(t)
	e.store = parentDeclaredStore(t, e.store)

	e.mustSync(t)
	fresh := connect(t, e.sim, e.src.src)
	fresh.mustSync(t)
	if diff := cmp.Diff(fresh.store.issues, e.store.issues); diff != "" {
		t.Errorf("the store after the upgrade round (-full sync +got):\n%s", diff)
	}
	e.checkRepollIsFree(t, "the upgrade round")
}

// parentDeclaredStore is the store the version before child-declared
// sub-issue links would have left with the issues of m: each parent
// declares a Parent link to each of its sub-issues, and there are no
// sub-issue cursors.
func parentDeclaredStore(t *testing.T, m *memStore) *memStore {
	t.Helper()
	issues := maps.Clone(m.issues)
	moved := 0
	for _, k := range slices.Sorted(maps.Keys(issues)) {
		p := ownParent(issues[k])
		if p == "" {
			continue
		}
		child, parent := issues[k], issues[p]
		child.Links = slices.DeleteFunc(slices.Clone(child.Links), func(l model.Link) bool { return l.Type == model.Parent })
		parent.Links = append(slices.Clone(parent.Links), parentLink(p, k))
		issues[k], issues[p] = child, parent
		moved++
	}
	if moved != 2 {
		t.Fatalf("moved %d parent links to their parents, want 2", moved)
	}
	b := model.Batch{Source: "gh", Issues: slices.Collect(maps.Values(issues)), Cursors: map[string]string{}}
	for scope, v := range m.cursors {
		if !strings.HasPrefix(scope, "_parents:") {
			b.Cursors[scope] = v
		}
	}
	old := newMemStore()
	must(t, old.emit(t.Context(), b))
	return old
}

// TestFirstSyncEndingBeforeItsLastPageResumesWhereItStopped: the pages a
// first round committed carry the sub-issue cursor, so the next round is
// not taken for one after a version before child-declared links and
// resumes instead of listing everything again.
func TestFirstSyncEndingBeforeItsLastPageResumesWhereItStopped(t *testing.T) {
	e := newEnv(t, []string{"acme/core"})
	e.addRepo(t, "acme/core", 250)
	e.afterResponse = func(req *http.Request) {
		if strings.HasSuffix(req.URL.Path, "/issues") && req.URL.Query().Get("page") == "2" {
			e.afterResponse = nil
			must(t, e.sim.InjectFault(githubsim.Fault{Kind: githubsim.FaultTruncate, PathPrefix: "/repos/acme/core/issues"}))
		}
	}
	if _, err := e.sync(t); err == nil {
		t.Fatal("first round succeeded, want page 3 to fail it")
	}
	second := e.mustSync(t)
	if keys := emittedKeys(second); slices.Contains(keys, "github:acme/core#1") {
		t.Errorf("the second round emitted #1, committed by the first round's page 1: it listed everything again")
	}
	if got := len(e.store.issues); got != 200 {
		t.Errorf("stored %d issues, want all 200", got)
	}
}
