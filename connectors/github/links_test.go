package github

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// A Link header that names as next page the page just read, or an earlier
// one, would have a listing read pages forever, a request each time. These
// tests serve such a Link to each listing that follows page numbers.

// TestIssueListingWhoseLinkGoesBackFailsTheRepository: the repository fails
// on its own with an error naming it and the page, after one read of each
// page; page 1's issue stays committed, page 2's waits.
func TestIssueListingWhoseLinkGoesBackFailsTheRepository(t *testing.T) {
	const issues = "/repos/acme/core/issues"
	issue := func(n int, ago time.Duration) string {
		at := t0.Add(-ago).Format(time.RFC3339)
		return fmt.Sprintf(`[{"number":%d,"state":"open","title":"t","repository_url":"https://api.github.com/repos/acme/core","created_at":%q,"updated_at":%q}]`, n, at, at)
	}
	for _, next := range []string{"2", "1"} {
		as := &answerServer{answers: map[string]servedAnswer{
			issues + "?":  {body: issue(1, 2*time.Hour), link: "2"},
			issues + "?2": {body: issue(2, time.Hour), link: next},
		}}
		src := newAnswerSource(t, as)
		store := newMemStore()
		must(t, src.Sync(context.Background(), nil, store.emit))
		want := "listing issues of acme/core page 2: the Link header names page " + next + ", already read, as the next page"
		if f := src.FailingScopes(); len(f) != 1 || f[0].Scope != "acme/core" || !strings.HasPrefix(f[0].Err, want) {
			t.Errorf("next page %s: failing %+v; want acme/core with %q", next, f, want)
		}
		if n := as.requests.Load(); n != 2 {
			t.Errorf("next page %s: %d requests, want 2 (each page once)", next, n)
		}
		_, one := store.issues["github:acme/core#1"]
		_, two := store.issues["github:acme/core#2"]
		if !one || two {
			t.Errorf("next page %s: #1 stored %v, #2 stored %v; want page 1's issue only", next, one, two)
		}
	}
}

func TestOrganisationListingWhoseLinkGoesBackFails(t *testing.T) {
	as := &answerServer{answers: map[string]servedAnswer{"/orgs/acme/repos?1": {body: "[]", link: "1"}}}
	src := newAnswerSource(t, as)
	_, _, err := src.orgRepos(context.Background(), "acme", "")
	if !errors.As(err, new(loopingLink)) || !strings.HasPrefix(err.Error(), "listing repositories of acme page 1:") {
		t.Errorf("err %v; want a loopingLink naming acme and page 1", err)
	}
	if n := as.requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestReconcileListingWhoseLinkGoesBackFails: the reconcile's listing reads
// every page there is (no page limit): a Link going back fails it.
func TestReconcileListingWhoseLinkGoesBackFails(t *testing.T) {
	const issues = "/repos/acme/core/issues"
	as := &answerServer{answers: map[string]servedAnswer{
		issues + "?1": {body: "[]", link: "2"},
		issues + "?2": {body: "[]", link: "2"},
	}}
	src := newAnswerSource(t, as)
	err := src.reconcileRepo(context.Background(), repoName{owner: "acme", name: "core"}, nil)
	want := "listing all issue numbers of acme/core page 2: the Link header names page 2"
	if !ownFailure(err) || !strings.HasPrefix(fmt.Sprint(err), want) {
		t.Errorf("err %v; want the repository's own failure, %q", err, want)
	}
	if n := as.requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}
