package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var (
	sourceName  = regexp.MustCompile(`^[a-z0-9_-]+$`)
	repoPattern = regexp.MustCompile(`^[A-Za-z0-9-]+/([A-Za-z0-9._-]+|\*)$`)
	minInterval = Duration(10 * time.Second)
	maxParallel = 16
)

func (p *problems) sources() {
	if len(p.c.Sources) == 0 {
		p.add("sources", "must list at least one source")
	}
	names := map[string]int{}
	for i := range p.c.Sources {
		s := &p.c.Sources[i]
		at := func(key string) string { return fmt.Sprintf("sources[%d].%s", i, key) }
		switch j, dup := names[s.Name]; {
		case s.Name == "":
			p.add(at("name"), "is required")
		case !sourceName.MatchString(s.Name):
			p.add(at("name"), "%q may use only a-z, 0-9, _ and -", s.Name)
		case dup:
			p.add(at("name"), "%q is already used by sources[%d]", s.Name, j)
		default:
			names[s.Name] = i
		}
		p.sourceTuning(s, at)
		switch s.Type {
		case "github":
			p.githubSource(s, at)
		case "jira":
			p.jiraSource(s, at)
		case "":
			p.add(at("type"), "is required (github or jira)")
		default:
			p.add(at("type"), "%q is not github or jira", s.Type)
		}
	}
}

func (p *problems) sourceTuning(s *Source, at func(string) string) {
	if s.Interval < minInterval {
		p.add(at("interval"), "must be at least %v, got %v", minInterval, s.Interval)
	}
	if s.Parallel < 1 || s.Parallel > maxParallel {
		p.add(at("parallel"), "must be between 1 and %d, got %d", maxParallel, s.Parallel)
	}
	if s.Overlap < 0 {
		p.add(at("overlap"), "must not be negative, got %v", s.Overlap)
	}
	if s.ReconcileInterval <= 0 {
		p.add(at("reconcile_interval"), "must be positive, got %v", s.ReconcileInterval)
	}
	if g := s.DeletionGuard; g.Percent < 0 || g.Percent > 100 {
		p.add(at("deletion_guard.percent"), "must be between 0 and 100, got %d", g.Percent)
	}
	if s.DeletionGuard.Issues < 0 {
		p.add(at("deletion_guard.issues"), "must not be negative, got %d", s.DeletionGuard.Issues)
	}
}

func (p *problems) githubSource(s *Source, at func(string) string) {
	p.sourceURL(s.URL, at("url"))
	p.githubAuth(s, at)
	if len(s.Repos) == 0 {
		p.add(at("repos"), "must list at least one owner/repo or owner/*")
	}
	for j, r := range s.Repos {
		if !repoPattern.MatchString(r) {
			p.add(fmt.Sprintf("%s[%d]", at("repos"), j), "%q is not owner/repo or owner/*", r)
		}
	}
	for _, f := range []struct{ key, value string }{{"jql", s.JQL}, {"email", s.Email}, {"deployment", s.Deployment}} {
		if f.value != "" {
			p.add(at(f.key), "applies only to jira sources")
		}
	}
}

func (p *problems) jiraSource(s *Source, at func(string) string) {
	if s.URL == "" {
		p.add(at("url"), "is required for jira sources")
	} else {
		p.sourceURL(s.URL, at("url"))
	}
	if s.JQL == "" {
		p.add(at("jql"), "is required for jira sources")
	} else if strings.Contains(strings.ToUpper(s.JQL), "ORDER BY") {
		p.add(at("jql"), "must not have an ORDER BY: baton orders by updated and key to page safely")
	}
	if len(s.Repos) > 0 {
		p.add(at("repos"), "applies only to github sources")
	}
	for _, f := range []struct {
		key string
		set bool
	}{{"app_id", s.AppID != 0}, {"installation_id", s.InstallationID != 0}, {"private_key_file", s.PrivateKeyFile != ""}} {
		if f.set {
			p.add(at(f.key), "applies only to github sources")
		}
	}
	p.token(s, at)
	switch s.Deployment {
	case "cloud":
		if s.Email == "" {
			p.add(at("email"), "is required for Jira Cloud (the account the API token belongs to)")
		} else {
			p.email(at("email"), s.Email)
		}
	case "server":
		if s.Email != "" {
			p.add(at("email"), "applies only to deployment: cloud (Jira Server and Data Center use a personal access token)")
		}
	default:
		p.add(at("deployment"), "%q is not cloud or server", s.Deployment)
	}
}

// githubAuth checks that a github source has exactly one credential: a
// token (or token_file), or a GitHub App (app_id, installation_id and
// private_key_file, all three).
func (p *problems) githubAuth(s *Source, at func(string) string) {
	token := s.Token != "" || s.TokenFile != ""
	app := s.AppID != 0 || s.InstallationID != 0 || s.PrivateKeyFile != ""
	switch {
	case token && app:
		p.add(at("token"), "and a GitHub App (app_id, installation_id, private_key_file) are both set; keep one")
		return
	case !app:
		if !token {
			p.add(at("token"), "is required (or token_file, or a GitHub App: app_id, installation_id and private_key_file)")
		}
		return
	}
	for _, id := range []struct {
		key string
		v   int64
	}{{"app_id", s.AppID}, {"installation_id", s.InstallationID}} {
		switch {
		case id.v == 0:
			p.add(at(id.key), "is required for a GitHub App (app_id, installation_id and private_key_file go together)")
		case id.v < 0:
			p.add(at(id.key), "must be positive, got %d", id.v)
		}
	}
	if s.PrivateKeyFile == "" {
		p.add(at("private_key_file"), "is required for a GitHub App (app_id, installation_id and private_key_file go together)")
	}
}

func (p *problems) token(s *Source, at func(string) string) {
	if s.Token == "" && s.TokenFile == "" {
		p.add(at("token"), "is required (or token_file)")
	}
}

// sourceURL checks an API base URL. Only a parsed URL is echoed, with any
// password redacted.
func (p *problems) sourceURL(raw, path string) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		p.add(path, "is not a URL")
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		p.add(path, "%q is not an absolute http(s) URL", u.Redacted())
	case u.User != nil:
		p.add(path, "%q carries credentials; put them in token/token_file (and email for Jira Cloud), which are kept secret", u.Redacted())
	}
}
