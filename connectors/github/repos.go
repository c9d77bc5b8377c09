package github

import (
	"context"
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
	return strings.TrimSuffix(model.GitHubKey(r.owner, r.name, 0), "0")
}

// orgListing is an organisation's repositories as last listed, with the ETag
// that lets the next listing be a free 304.
type orgListing struct {
	etag  string
	repos []repoName
}

// repos expands the configured repositories, listing the organisation of
// each "owner/*". An organisation that cannot be listed is reported and
// skipped; the others are still returned.
func (s *Source) repos(ctx context.Context) ([]repoName, []error) {
	var out []repoName
	var errs []error
	seen := map[string]bool{}
	add := func(r repoName) {
		if !seen[r.scope()] {
			seen[r.scope()] = true
			out = append(out, r)
		}
	}
	for _, spec := range s.src.Repos {
		owner, name, _ := strings.Cut(spec, "/")
		if name != "*" {
			add(repoName{owner, name})
			continue
		}
		repos, err := s.orgRepos(ctx, owner)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, r := range repos {
			add(r)
		}
	}
	return out, errs
}

// orgRepos lists the repositories of org, conditionally on the last listing.
func (s *Source) orgRepos(ctx context.Context, org string) ([]repoName, error) {
	s.orgMu.Lock()
	prev := s.orgs[org]
	s.orgMu.Unlock()
	var cur orgListing
	for page := 1; page != 0; {
		op := fmt.Sprintf("listing repositories of %s page %d", org, page)
		req, err := s.client.NewRequest(http.MethodGet, fmt.Sprintf("orgs/%s/repos?per_page=100&page=%d", org, page), nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		if page == 1 && prev.etag != "" {
			req.Header.Set("If-None-Match", prev.etag)
		}
		var repos []*github.Repository
		resp, err := s.client.Do(ctx, req, &repos)
		if notModified(resp) {
			return prev.repos, nil
		}
		if err != nil {
			return nil, s.apiError(ctx, op, resp, err)
		}
		if page == 1 {
			cur.etag = resp.Header.Get("ETag")
		}
		for _, r := range repos {
			cur.repos = append(cur.repos, repoName{r.GetOwner().GetLogin(), r.GetName()})
		}
		page = resp.NextPage
	}
	// A 304 on page 1 says nothing about later pages: remember one page only.
	if cur.etag != "" && len(cur.repos) <= 100 {
		s.orgMu.Lock()
		s.orgs[org] = cur
		s.orgMu.Unlock()
	}
	return cur.repos, nil
}

func notModified(resp *github.Response) bool {
	return resp != nil && resp.Response != nil && resp.StatusCode == http.StatusNotModified
}
