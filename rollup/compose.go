// Package rollup writes the weekly email a good technical program manager
// would: what moved, what is stuck, who waits on whom, and the next steps. It
// composes a Digest from the latest analysis snapshot, renders it as text and
// HTML, sends it over SMTP, and remembers in a Ledger what was sent for each
// (group, ISO week) so that a restart never sends twice.
package rollup

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

// Window is how far back "this week" reaches from the snapshot's time: the
// seven days before it, so a rollup sent on Monday morning covers last week's
// work rather than the few hours of the new ISO week.
const Window = 7 * 24 * time.Hour

// Digest is everything one rollup says, ready for the templates.
type Digest struct {
	Group string // ledger name
	Name  string // the team, or "org"
	Org   bool
	Week  Week
	Now   time.Time
	First bool // no stats from last week: numbers have no change

	Headline []Figure
	Stats    Stats // what is saved to the ledger once sent

	// Team rollups.
	Done       []Item
	Started    []Item
	Stalled    []StalledGroup
	WaitsOn    []Dependency // this team's open issues waiting on other teams
	WaitedOnBy []Dependency // other teams' open issues waiting on this team
	Blocked    []TeamCount  // this team's waiting issues by blocking team, most first

	// Org-wide rollup.
	Teams []TeamRow
	Pairs []TeamPair

	NextSteps []Step
}

// Item is an issue as a rollup shows it.
type Item struct {
	Key    string // short form: owner/repo#N or KEY-N
	Title  string
	URL    string
	Status string
	Owner  string // assignees, or "unassigned"
}

// StalledGroup is the stalled issues found by one rule, oldest first.
type StalledGroup struct {
	Rule  string
	Items []StalledItem
}

// StalledItem is a stalled issue, how long it has been so, and why.
type StalledItem struct {
	Item
	Age     string
	Summary string
}

// Dependency is one open cross-team blocking edge and what is wrong with it.
type Dependency struct {
	Team     string // the other team
	Waiting  Item
	Blocker  Item
	Findings []Note
}

// Note is a misalignment finding on an edge.
type Note struct {
	Rule     string
	Severity string
	Summary  string
}

// TeamCount is a number of issues tied to another team.
type TeamCount struct {
	Team  string
	Count int
}

// TeamRow is one team's headline in the org-wide rollup.
type TeamRow struct {
	Name     string
	Figures  []Figure
	Critical int // critical findings on the team's issues
}

// TeamPair is how many open issues of one team wait on another.
type TeamPair struct {
	Waiting, On string
	Issues      int
	Misaligned  int
}

// Step is one next step, most urgent first.
type Step struct {
	Severity string
	Text     string
	Issue    Item
	Age      string
}

// maxSteps keeps the next steps short enough to be read.
const maxSteps = 10

// Compose builds the rollup of group g for week from snapshot r. prev is what
// last week's rollup reported, nil when there was none.
func Compose(r *analysis.Report, g Group, week Week, prev *Stats) *Digest {
	c := newComposer(r)
	d := &Digest{Group: g.Name, Name: g.Team, Org: g.Org(), Week: week, Now: r.Now, First: prev == nil}
	if d.Org {
		d.Name = OrgGroup
		c.composeOrg(d, prev)
		return d
	}
	d.Stats.Counts = c.counts(g.Team, false)
	var before *Counts
	if prev != nil {
		before = &prev.Counts
	}
	d.Headline = figures(d.Stats.Counts, before)
	d.Done, d.Started = c.moved(g.Team)
	d.Stalled = c.stalled(g.Team)
	d.WaitsOn, d.WaitedOnBy = c.dependencies(g.Team)
	d.Blocked = blockedBy(d.WaitsOn)
	d.NextSteps = c.nextSteps(func(f *analysis.Finding) bool {
		return f.Team == g.Team || slices.Contains(f.RelatedTeams, g.Team)
	})
	return d
}

func (c *composer) composeOrg(d *Digest, prev *Stats) {
	d.Stats.Counts = c.counts("", true)
	d.Stats.Teams = map[string]Counts{}
	var before *Counts
	if prev != nil {
		before = &prev.Counts
	}
	d.Headline = figures(d.Stats.Counts, before)
	for _, team := range c.r.Teams {
		n := c.counts(team, false)
		d.Stats.Teams[team] = n
		var was *Counts
		if p, ok := prev.teamCounts(team); ok {
			was = &p
		}
		row := TeamRow{Name: team, Figures: figures(n, was)}
		for i := range c.r.Findings {
			f := &c.r.Findings[i]
			if f.Team == team && f.Severity == analysis.SeverityCritical {
				row.Critical++
			}
		}
		d.Teams = append(d.Teams, row)
	}
	d.Pairs = c.pairs()
	d.NextSteps = c.nextSteps(func(*analysis.Finding) bool { return true })
}

func (s *Stats) teamCounts(team string) (Counts, bool) {
	if s == nil {
		return Counts{}, false
	}
	c, ok := s.Teams[team]
	return c, ok
}

// composer holds the snapshot and its issues by key.
type composer struct {
	r      *analysis.Report
	issues map[string]*model.Issue
	since  time.Time // start of "this week"
}

func newComposer(r *analysis.Report) *composer {
	c := &composer{r: r, issues: make(map[string]*model.Issue, len(r.Issues)), since: r.Now.Add(-Window)}
	for i := range r.Issues {
		c.issues[r.Issues[i].Key] = &r.Issues[i]
	}
	return c
}

// inWeek reports whether t falls in (now-Window, now].
func (c *composer) inWeek(t time.Time) bool { return t.After(c.since) && !t.After(c.r.Now) }

func (c *composer) mine(is *model.Issue, team string, all bool) bool { return all || is.Team == team }

func (c *composer) done(is *model.Issue) bool {
	return is.Status == model.StatusDone && c.inWeek(is.Closed)
}

func (c *composer) started(is *model.Issue) bool {
	return (is.Status == model.StatusInProgress || is.Status == model.StatusBlocked) && c.inWeek(is.StatusChanged)
}

// counts computes the headline numbers of one team, or of every issue.
func (c *composer) counts(team string, all bool) Counts {
	var n Counts
	for i := range c.r.Issues {
		is := &c.r.Issues[i]
		if !c.mine(is, team, all) {
			continue
		}
		if c.done(is) {
			n.Done++
		}
		if c.started(is) {
			n.Started++
		}
		if is.Open() {
			n.Open++
		}
	}
	stalled := map[string]bool{}
	for i := range c.r.Findings {
		f := &c.r.Findings[i]
		if !all && f.Team != team {
			continue
		}
		switch f.Kind {
		case analysis.KindStalled:
			stalled[f.Issue] = true
		case analysis.KindMisaligned:
			n.Misaligned++
		}
	}
	n.Stalled = len(stalled)
	return n
}

// moved lists the team's issues done and started this week, newest first.
func (c *composer) moved(team string) (done, started []Item) {
	var d, s []*model.Issue
	for i := range c.r.Issues {
		is := &c.r.Issues[i]
		switch {
		case is.Team != team:
		case c.done(is):
			d = append(d, is)
		case c.started(is):
			s = append(s, is)
		}
	}
	slices.SortStableFunc(d, func(a, b *model.Issue) int { return b.Closed.Compare(a.Closed) })
	slices.SortStableFunc(s, func(a, b *model.Issue) int { return b.StatusChanged.Compare(a.StatusChanged) })
	for _, is := range d {
		done = append(done, itemOf(is, is.Key))
	}
	for _, is := range s {
		started = append(started, itemOf(is, is.Key))
	}
	return done, started
}

// stalled groups the team's stalled findings by rule, in the analysis' rule
// order, oldest first within a rule.
func (c *composer) stalled(team string) []StalledGroup {
	var gs []StalledGroup
	for _, rule := range analysis.StalledRules {
		var fs []*analysis.Finding
		for i := range c.r.Findings {
			f := &c.r.Findings[i]
			if f.Kind == analysis.KindStalled && f.Rule == rule && f.Team == team {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		slices.SortStableFunc(fs, func(a, b *analysis.Finding) int { return a.Since.Compare(b.Since) })
		g := StalledGroup{Rule: rule}
		for _, f := range fs {
			g.Items = append(g.Items, StalledItem{Item: c.item(f.Issue), Age: age(c.r.Now, f.Since), Summary: f.Summary})
		}
		gs = append(gs, g)
	}
	return gs
}

func (c *composer) item(key string) Item { return itemOf(c.issues[key], key) }

// itemOf describes an issue; is is nil for a link end outside the snapshot.
func itemOf(is *model.Issue, key string) Item {
	it := Item{Key: shortKey(key)}
	if is == nil {
		return it
	}
	it.Title, it.URL, it.Status = is.Title, is.URL, string(is.Status)
	it.Owner = "unassigned"
	if len(is.Assignees) > 0 {
		it.Owner = strings.Join(is.Assignees, ", ")
	}
	return it
}

// shortKey drops the system prefix: "acme/core#12", "PAY-3".
func shortKey(key string) string {
	if _, rest, ok := strings.Cut(key, ":"); ok {
		return rest
	}
	return key
}

// age says how long ago since was, in days (hours under a day).
func age(now, since time.Time) string {
	if since.IsZero() {
		return "unknown"
	}
	d := now.Sub(since)
	if d < 24*time.Hour {
		return strconv.Itoa(max(int(d/time.Hour), 0)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

// severityRank orders severities most urgent first; unknown ones last.
func severityRank(s string) int {
	switch s {
	case analysis.SeverityCritical:
		return 0
	case analysis.SeverityWarning:
		return 1
	case analysis.SeverityInfo:
		return 2
	}
	return 3
}

// nextSteps is the deduplicated next steps of the findings keep selects, by
// severity then age (oldest first), at most maxSteps.
func (c *composer) nextSteps(keep func(*analysis.Finding) bool) []Step {
	var fs []*analysis.Finding
	for i := range c.r.Findings {
		if f := &c.r.Findings[i]; keep(f) && strings.TrimSpace(f.NextStep) != "" {
			fs = append(fs, f)
		}
	}
	slices.SortStableFunc(fs, func(a, b *analysis.Finding) int {
		return cmp.Or(cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)), compareSince(a.Since, b.Since))
	})
	var steps []Step
	seen := map[string]bool{}
	for _, f := range fs {
		text := strings.TrimSpace(f.NextStep)
		if seen[text] {
			continue
		}
		seen[text] = true
		steps = append(steps, Step{Severity: f.Severity, Text: text, Issue: c.item(f.Issue), Age: age(c.r.Now, f.Since)})
		if len(steps) == maxSteps {
			break
		}
	}
	return steps
}

// compareSince orders older first, unknown (zero) times last.
func compareSince(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}
