package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // timezone must load on images without /usr/share/zoneinfo

	"github.com/robfig/cron/v3"
)

var (
	teamRepo    = regexp.MustCompile(`^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$`)
	projectKey  = regexp.MustCompile(`^[A-Z][A-Z0-9_]+$`)
	githubLogin = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$`)
	smtpModes   = []string{"none", "starttls", "tls"}
	maxPriority = 5
)

// problems collects what Validate finds.
type problems struct {
	c    *Config
	errs []error
}

// add records "file:line: path message".
func (p *problems) add(path, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s%s %s", p.c.where(path), path, fmt.Sprintf(format, args...)))
}

func (p *problems) email(path, addr string) {
	if _, err := mail.ParseAddress(addr); err != nil {
		p.add(path, "%q is not an email address", addr)
	}
}

// Validate checks the configuration without touching the network and
// returns every problem it finds, joined, each as "file:line: message" when
// the Config was read from a file. It also loads the timezone for Location.
func (c *Config) Validate() error {
	p := &problems{c: c}
	if c.Storage.Path == "" {
		p.add("storage.path", "is required")
	}
	p.address("listen", c.Listen)
	if c.Webhooks.Listen != "" {
		p.address("webhooks.listen", c.Webhooks.Listen)
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		p.add("timezone", "%q is not a known IANA time zone", c.Timezone)
	}
	c.loc = loc
	p.sources()
	for i, r := range c.Status.GitHub.DroppedReasons {
		if !slices.Contains(GitHubCloseReasons, r) {
			p.add(fmt.Sprintf("status.github.dropped_reasons[%d]", i), "%q is not a GitHub close reason (%s)", r, strings.Join(GitHubCloseReasons, ", "))
		}
	}
	p.projects()
	p.priorities("priority.github_labels", c.Priority.GitHubLabels)
	p.priorities("priority.jira_names", c.Priority.JiraNames)
	p.rules("rules", c.Rules, c.Rules, false)
	p.teams()
	p.rollup()
	p.slackWebhooks()
	p.externalURL()
	return errors.Join(p.errs...)
}

func (p *problems) teams() {
	names := map[string]int{}
	for i, t := range p.c.Teams {
		at := func(key string) string { return fmt.Sprintf("teams[%d].%s", i, key) }
		switch j, dup := names[t.Name]; {
		case t.Name == "":
			p.add(at("name"), "is required")
		case dup:
			p.add(at("name"), "%q is already used by teams[%d]", t.Name, j)
		default:
			names[t.Name] = i
		}
		p.each(at("github_repos"), t.GitHubRepos, teamRepo, "is not owner/repo")
		p.each(at("jira_projects"), t.JiraProjects, projectKey, "is not a Jira project key (like PAY)")
		p.each(at("jira_components"), t.JiraComponents, nil, "")
		p.each(at("labels"), t.Labels, nil, "")
		if len(t.GitHubRepos)+len(t.JiraProjects)+len(t.JiraComponents)+len(t.Labels) == 0 {
			p.add(fmt.Sprintf("teams[%d]", i), "claims no issues: give github_repos, jira_projects, jira_components or labels")
		}
		for j, e := range t.Email {
			p.email(fmt.Sprintf("%s[%d]", at("email"), j), e)
		}
		p.rules(at("rules"), t.Rules, p.c.Rules, true)
	}
}

// projects checks the boards read for GitHub status: who owns them, their
// number, no board twice, and option names that are not empty. Whether the
// board, its field and options exist is the connector's to check at start.
func (p *problems) projects() {
	seen := map[string]int{}
	for i, b := range p.c.Status.GitHub.Projects {
		at := func(key string) string { return fmt.Sprintf("status.github.projects[%d].%s", i, key) }
		if !githubLogin.MatchString(b.Owner) {
			p.add(at("owner"), "%q is not a GitHub organisation or user", b.Owner)
		}
		if b.Number < 1 {
			p.add(at("number"), "must be a project number (1 or more), got %d", b.Number)
		}
		if j, dup := seen[strings.ToLower(b.String())]; dup {
			p.add(fmt.Sprintf("status.github.projects[%d]", i), "%s is already listed as status.github.projects[%d]", b, j)
		} else {
			seen[strings.ToLower(b.String())] = i
		}
		p.each(at("in_progress"), b.InProgress, nil, "")
		p.each(at("blocked"), b.Blocked, nil, "")
		p.each(at("done"), b.Done, nil, "")
		if len(b.InProgress)+len(b.Blocked)+len(b.Done) == 0 {
			p.add(fmt.Sprintf("status.github.projects[%d]", i), "maps no option: give in_progress, blocked or done")
		}
	}
}

// each checks that every element of a selector list is non-empty and, when
// re is given, matches it.
func (p *problems) each(path string, list []string, re *regexp.Regexp, msg string) {
	for j, v := range list {
		at := fmt.Sprintf("%s[%d]", path, j)
		switch {
		case v == "":
			p.add(at, "is empty")
		case re != nil && !re.MatchString(v):
			p.add(at, "%q %s", v, msg)
		}
	}
}

func (p *problems) priorities(path string, m map[string]int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if v := m[k]; v < 1 || v > maxPriority {
			p.add(path+"."+k, "must be between 1 (highest) and %d (lowest), got %d", maxPriority, v)
		}
	}
}

// rules checks thresholds. A team's rules (team set) are checked only where
// they differ from the global ones, so that a bad global value is reported
// once.
func (p *problems) rules(path string, r, global Rules, team bool) {
	own := func(v, g any) bool { return !team || v != g }
	for _, d := range []struct {
		key  string
		v, g Duration
	}{
		{"idle_after", r.IdleAfter, global.IdleAfter},
		{"churn_window", r.ChurnWindow, global.ChurnWindow},
		{"schedule_horizon", r.ScheduleHorizon, global.ScheduleHorizon},
		{"drift_after", r.DriftAfter, global.DriftAfter},
	} {
		if d.v <= 0 && own(d.v, d.g) {
			p.add(path+"."+d.key, "must be positive, got %v", d.v)
		}
	}
	if r.ChurnEvents < 1 && own(r.ChurnEvents, global.ChurnEvents) {
		p.add(path+".churn_events", "must be at least 1, got %d", r.ChurnEvents)
	}
	if (r.PriorityGap < 1 || r.PriorityGap > 4) && own(r.PriorityGap, global.PriorityGap) {
		p.add(path+".priority_gap", "must be between 1 and 4, got %d", r.PriorityGap)
	}
	for i, l := range r.ExemptLabels {
		if strings.TrimSpace(l) == "" && (!team || !slices.Equal(r.ExemptLabels, global.ExemptLabels)) {
			p.add(fmt.Sprintf("%s.exempt_labels[%d]", path, i), "must not be empty")
		}
	}
}

func (p *problems) rollup() {
	r := &p.c.Rollup
	if sched, err := cron.ParseStandard(r.Schedule); err != nil {
		p.add("rollup.schedule", "%q is not a cron schedule (minute hour day-of-month month day-of-week, or @weekly): %v", r.Schedule, err)
	} else if sched.Next(time.Now().In(p.c.Location())).IsZero() {
		p.add("rollup.schedule", "%q never fires: no date matches it", r.Schedule)
	}
	mailing := len(r.To) > 0
	for j, e := range r.To {
		p.email(fmt.Sprintf("rollup.to[%d]", j), e)
	}
	for _, t := range p.c.Teams {
		mailing = mailing || len(t.Email) > 0
	}
	s := &r.SMTP
	if mailing && s.Host == "" {
		p.add("rollup.smtp.host", "is required to send rollup emails (rollup.to or a team email is set)")
	}
	if mailing && s.From == "" {
		p.add("rollup.smtp.from", "is required to send rollup emails (rollup.to or a team email is set)")
	}
	if s.From != "" {
		p.email("rollup.smtp.from", s.From)
	}
	if !slices.Contains(smtpModes, s.TLS) {
		p.add("rollup.smtp.tls", "%q is not none, starttls or tls", s.TLS)
	}
	if s.TLS == "none" && s.Password != "" {
		p.add("rollup.smtp.tls", "none would send the SMTP password in clear text; use starttls or tls")
	}
	if s.Port < 1 || s.Port > 65535 {
		p.add("rollup.smtp.port", "must be between 1 and 65535, got %d", s.Port)
	}
	if s.Timeout <= 0 {
		p.add("rollup.smtp.timeout", "must be positive, got %v", s.Timeout)
	}
}

// address checks that the value at path is a host:port to listen on.
func (p *problems) address(path, v string) {
	if _, port, err := net.SplitHostPort(v); err != nil {
		p.add(path, "%q is not host:port", v)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		p.add(path, "%q: the port must be a number from 0 (any free port) to 65535", v)
	}
}
