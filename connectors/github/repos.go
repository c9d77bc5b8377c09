package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/model"
)

// repoName is one repository to sync.
type repoName struct{ owner, name string }

func (r repoName) String() string { return r.owner + "/" + r.name }

// scope is the repository's cursor scope: "owner/repo", lower-cased like keys.
func (r repoName) scope() string { return strings.ToLower(r.String()) }

// prefix is the key prefix of the repository's issues.
func (r repoName) prefix() string {
	return model.KeyPrefix(model.GitHub, r.scope())
}

// orgListing is an organisation's repositories as last listed, with the ETag
// that lets the next listing be a free 304.
type orgListing struct {
	etag  string
	repos []repoName
}

// orgScope is the cursor scope keeping an organisation's listing, so that a
// new process (baton sync --once) also lists it conditionally.
func orgScope(org string) string { return "_org:" + strings.ToLower(org) }

type savedOrg struct {
	ETag  string   `json:"etag"`
	Repos []string `json:"repos"`
}

func (o orgListing) String() string {
	v := savedOrg{ETag: o.etag}
	for _, r := range o.repos {
		v.Repos = append(v.Repos, r.String())
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// parseOrgListing reads a saved listing; one that cannot be read is no
// listing, which only costs an unconditional request.
func parseOrgListing(v string) orgListing {
	var saved savedOrg
	if v == "" || json.Unmarshal([]byte(v), &saved) != nil {
		return orgListing{}
	}
	o := orgListing{etag: saved.ETag}
	for _, r := range saved.Repos {
		owner, name, ok := strings.Cut(r, "/")
		if !ok {
			return orgListing{}
		}
		o.repos = append(o.repos, repoName{owner, name})
	}
	return o
}

// repos expands the configured repositories, listing the organisation of
// each "owner/*", and returns the cursors of listings to save. An
// organisation that cannot be listed is reported and skipped; the others
// are still returned.
func (s *Source) repos(ctx context.Context, cursors map[string]string) ([]repoName, map[string]string, []error) {
	var out []repoName
	save := map[string]string{}
	var errs []error
	seen := map[string]bool{}
	add := func(r repoName) {
		if !seen[r.scope()] {
			seen[r.scope()] = true
			out = append(out, r)
		}
	}
	for _, spec := range s.specs {
		owner, name, _ := strings.Cut(spec, "/")
		if name != "*" {
			add(repoName{owner, name})
			continue
		}
		repos, saved, err := s.orgRepos(ctx, owner, cursors[orgScope(owner)])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if saved != "" {
			save[orgScope(owner)] = saved
		}
		for _, r := range repos {
			add(r)
		}
	}
	return out, save, errs
}

// orgRepos lists the repositories of org, but archived ones and those with
// issues turned off, conditionally on the last listing (this process's, else
// the saved one), and returns the listing to save when it changed.
func (s *Source) orgRepos(ctx context.Context, org, saved string) ([]repoName, string, error) {
	s.orgMu.Lock()
	prev, ok := s.orgs[org]
	s.orgMu.Unlock()
	if !ok {
		prev = parseOrgListing(saved)
	}
	var cur orgListing
	for page := 1; page != 0; {
		op := fmt.Sprintf("listing repositories of %s page %d", org, page)
		etag := ""
		if page == 1 {
			etag = prev.etag
		}
		var repos []*github.Repository
		resp, unchanged, err := s.getUnlessMatch(ctx, op, fmt.Sprintf("orgs/%s/repos?per_page=100&page=%d", org, page), etag, &repos)
		if err != nil {
			return nil, "", err
		}
		if unchanged {
			s.orgMu.Lock()
			s.orgs[org] = prev
			s.orgMu.Unlock()
			return prev.repos, "", nil
		}
		if page == 1 {
			cur.etag = resp.Header.Get("ETag")
		}
		for _, r := range repos {
			if !wildcardSyncs(r) {
				s.log.Debug("skipping repository of owner/*", "repo", r.GetFullName(), "archived", r.GetArchived(), "has_issues", r.GetHasIssues())
				continue
			}
			cur.repos = append(cur.repos, repoName{r.GetOwner().GetLogin(), r.GetName()})
		}
		if goesBack(page, resp.NextPage) {
			return nil, "", loopingLink{op: "listing repositories of " + org, page: page, next: resp.NextPage}
		}
		page = resp.NextPage
	}
	// A 304 on page 1 says nothing about later pages: remember one page only.
	if cur.etag != "" && len(cur.repos) <= 100 {
		s.orgMu.Lock()
		s.orgs[org] = cur
		s.orgMu.Unlock()
		return cur.repos, cur.String(), nil
	}
	return cur.repos, "", nil
}

// wildcardSyncs reports whether owner/* syncs r: not when it is archived
// (nothing moves there) or has its issues turned off (listing them answers
// 410). Listed by name, either is synced all the same.
func wildcardSyncs(r *github.Repository) bool {
	return !r.GetArchived() && (r.HasIssues == nil || *r.HasIssues)
}

func notModified(resp *github.Response) bool {
	return resp != nil && resp.Response != nil && resp.StatusCode == http.StatusNotModified
}

// getUnlessMatch GETs path into v for op, conditionally on etag when it is
// not empty: unchanged says the server answered 304 to that. Other failures
// are s.apiError's.
func (s *Source) getUnlessMatch(ctx context.Context, op, path, etag string, v any) (resp *github.Response, unchanged bool, err error) {
	req, err := s.client.NewRequest(http.MethodGet, path, nil)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", op, err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err = s.do(ctx, req, v)
	switch {
	case etag != "" && notModified(resp):
		return resp, true, nil
	case err != nil:
		return resp, false, s.apiError(ctx, op, resp, err)
	}
	return resp, false, nil
}
