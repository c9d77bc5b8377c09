package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var (
	sourceName      = regexp.MustCompile(`^[a-z0-9_-]+$`)
	minInterval     = Duration(10 * time.Second)
	maxParallel     = 16
	minRoundTimeout = Duration(time.Minute)
)

// MinBytes is the least a byte limit of a source may be (max_response_bytes,
// a connector's cache): 1 MiB, well under one full page of either API.
const MinBytes = 1 << 20

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
		if s.Token != "" && strings.TrimSpace(s.Token.Reveal()) == "" {
			p.add(at("token"), "is only whitespace")
		}
		settings := s.Settings
		if settings == nil {
			settings = newSourceConfig(s.Type)
		}
		switch {
		case s.Type == "":
			p.add(at("type"), "is required (%s)", typeList())
		case settings == nil:
			p.add(at("type"), "%q is not %s", s.Type, typeList())
		default:
			settings.Validate(s, &SourceCheck{p: p, src: s, at: fmt.Sprintf("sources[%d]", i)})
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
	if s.RoundTimeout < minRoundTimeout {
		p.add(at("round_timeout"), "must be at least %v, got %v", minRoundTimeout, s.RoundTimeout)
	}
	if s.MaxResponseBytes < MinBytes {
		p.add(at("max_response_bytes"), "must be at least %d (1 MiB), got %d", MinBytes, s.MaxResponseBytes)
	}
}

// SourceCheck is what a source type's Validate reports to: each problem
// becomes "file:line: sources[i].key message", in the order reported.
type SourceCheck struct {
	p   *problems
	src *Source
	at  string // sources[i]
}

// Add reports a problem with key, a key of the source ("repos") or an
// element of one ("repos[2]").
func (c *SourceCheck) Add(key, format string, args ...any) {
	c.p.add(c.at+"."+key, format, args...)
}

// Email reports addr under key unless it is an email address.
func (c *SourceCheck) Email(key, addr string) { c.p.email(c.at+"."+key, addr) }

// URL checks the source's url, which must be set, as an API base URL.
func (c *SourceCheck) URL() { c.p.sourceURL(c.src.URL, c.at+".url") }

// OtherTypesKeys reports each key of another type that the file set on this
// source, in the order written: "sources[2].jql applies only to jira sources".
func (c *SourceCheck) OtherTypesKeys() {
	if c.p.c.origin == nil {
		return
	}
	for _, k := range c.p.c.origin.foreign[c.at] {
		c.Add(k.key, "applies only to %s sources", k.owner)
	}
}

// sourceURL checks an API base URL: https, or http to this machine only,
// with no credentials and no query string, since either would go wherever
// the URL goes and could carry a token (?access_token=). Only a parsed URL
// is echoed, without its query and with any password redacted.
func (p *problems) sourceURL(raw, path string) {
	u, err := url.Parse(raw)
	if err != nil {
		p.add(path, "is not a URL")
		return
	}
	shown := *u
	shown.RawQuery, shown.ForceQuery = "", false
	switch {
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		p.add(path, "%q is not an absolute http(s) URL", shown.Redacted())
	case u.User != nil:
		p.add(path, "%q carries credentials; put them in token/token_file (and email for Jira Cloud), which are kept secret", shown.Redacted())
	case u.RawQuery != "" || u.ForceQuery:
		p.add(path, "%q has a query string (not shown); leave it out: credentials go in token/token_file", shown.Redacted())
	case u.Scheme == "http" && !loopback(u.Hostname()):
		p.add(path, "%q is plain http to another machine, which would send the token in clear text; use https (http is for 127.0.0.1, ::1 and localhost)", shown.Redacted())
	}
}

// loopback reports whether host names this machine: localhost, 127.0.0.0/8
// or ::1.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
