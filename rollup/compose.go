package rollup

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
)

// Compose builds the rollup of group g for week from snapshot r. prev is what
// last week's rollup reported, nil when there was none.
func Compose(r *analysis.Report, g Group, week Week, prev *Stats) *Digest {
	c := newComposer(r)
	d := &Digest{Group: g.Name, Name: g.Team, Org: g.Org(), Week: week, Now: r.Now, First: prev == nil}
	if d.Org {
		d.Name = OrgGroup
		c.composeOrg(d, prev)
		d.Acknowledged, d.AcknowledgedMore = cut(c.acknowledged(week.Start.Location(), func(*analysis.Finding) bool { return true }))
		return d
	}
	d.Stats.Counts, _ = c.tally(func(t string) bool { return t == g.Team })
	d.Headline = figures(d.Stats.Counts, prev.total())
	d.Done, d.DoneMore, d.Started, d.StartedMore = c.moved(g.Team)
	d.Stalled = c.stalled(g.Team)
	waitsOn, waitedOnBy := c.dependencies(g.Team)
	d.Blocked = blockedBy(waitsOn)
	d.WaitsOn, d.WaitsOnMore = c.listed(waitsOn, func(e *analysis.Edge) string { return e.FromTeam })
	d.WaitedOnBy, d.WaitedOnByMore = c.listed(waitedOnBy, func(e *analysis.Edge) string { return e.ToTeam })
	concerns := func(f *analysis.Finding) bool { return f.Team == g.Team || slices.Contains(f.RelatedTeams, g.Team) }
	d.NextSteps = c.nextSteps(concerns)
	d.Acknowledged, d.AcknowledgedMore = cut(c.acknowledged(week.Start.Location(), concerns))
	return d
}

// acknowledged lists the acknowledged findings keep selects, in the
// analysis' order, with their expiry as a date in loc.
func (c *composer) acknowledged(loc *time.Location, keep func(*analysis.Finding) bool) []Acked {
	var out []Acked
	for i := range c.r.Acknowledged {
		f := &c.r.Acknowledged[i]
		if a := f.Acknowledged; a != nil && keep(f) {
			out = append(out, Acked{Issue: c.item(f.Issue), Rule: f.Rule, Reason: a.Reason, By: a.By,
				Until: a.Until.In(loc).Format(time.DateOnly)})
		}
	}
	return out
}

func (c *composer) composeOrg(d *Digest, prev *Stats) {
	org, teams := c.tally(func(string) bool { return true })
	d.Stats.Counts = org
	d.Stats.Teams = map[string]Counts{}
	d.Headline = figures(d.Stats.Counts, prev.total())
	critical := map[string]int{}
	for i := range c.r.Findings {
		if f := &c.r.Findings[i]; f.Severity == analysis.SeverityCritical {
			critical[f.Team]++
		}
	}
	for _, team := range c.r.Teams {
		n := teams[team]
		d.Stats.Teams[team] = n
		d.Teams = append(d.Teams, TeamRow{Name: team, Figures: figures(n, prev.team(team)), Critical: critical[team]})
	}
	d.Pairs = c.pairs()
	d.NextSteps = c.nextSteps(func(*analysis.Finding) bool { return true })
}

// composer holds the snapshot (its issues sorted by key) and its
// misalignment findings by issue key.
type composer struct {
	r          *analysis.Report
	misaligned map[string][]*analysis.Finding
	since      time.Time // start of "this week"
}

func newComposer(r *analysis.Report) *composer {
	c := &composer{r: r, misaligned: map[string][]*analysis.Finding{}, since: r.Now.Add(-Window)}
	for i := range r.Findings {
		if f := &r.Findings[i]; f.Kind == analysis.KindMisaligned {
			c.misaligned[f.Issue] = append(c.misaligned[f.Issue], f)
		}
	}
	return c
}

// inWeek reports whether t falls in (now-Window, now].
func (c *composer) inWeek(t time.Time) bool { return t.After(c.since) && !t.After(c.r.Now) }

func (c *composer) done(is *model.Issue) bool {
	return is.Status == model.StatusDone && c.inWeek(is.DoneAt())
}

func (c *composer) started(is *model.Issue) bool {
	return (is.Status == model.StatusInProgress || is.Status == model.StatusBlocked) && c.inWeek(is.StatusChanged)
}

// tally computes, in one pass over the issues and the findings, the
// headline numbers of every team that keep selects and their sum: the
// org-wide rollup needs them all, and a pass per team is slow at 200,000
// issues.
func (c *composer) tally(keep func(team string) bool) (sum Counts, teams map[string]Counts) {
	byTeam := map[string]*Counts{}
	at := func(team string) *Counts {
		n := byTeam[team]
		if n == nil {
			n = &Counts{}
			byTeam[team] = n
		}
		return n
	}
	for i := range c.r.Issues {
		is := &c.r.Issues[i]
		if !keep(is.Team) {
			continue
		}
		n := at(is.Team)
		if c.done(is) {
			n.Done++
			sum.Done++
		}
		if c.started(is) {
			n.Started++
			sum.Started++
		}
		if is.Open() {
			n.Open++
			sum.Open++
		}
	}
	stalled := make(map[string]bool, len(c.r.Findings)) // an issue's stalled findings all name its team
	for i := range c.r.Findings {
		f := &c.r.Findings[i]
		switch {
		case !keep(f.Team):
		case f.Kind == analysis.KindStalled && !stalled[f.Issue]:
			stalled[f.Issue] = true
			at(f.Team).Stalled++
			sum.Stalled++
		case f.Kind == analysis.KindMisaligned:
			at(f.Team).Misaligned++
			sum.Misaligned++
		}
	}
	teams = make(map[string]Counts, len(byTeam))
	for team, n := range byTeam {
		teams[team] = *n
	}
	return sum, teams
}

// moved lists the team's issues done and started this week, newest first.
func (c *composer) moved(team string) (done []Item, doneMore int, started []Item, startedMore int) {
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
	slices.SortStableFunc(d, func(a, b *model.Issue) int { return b.DoneAt().Compare(a.DoneAt()) })
	slices.SortStableFunc(s, func(a, b *model.Issue) int { return b.StatusChanged.Compare(a.StatusChanged) })
	d, doneMore = cut(d)
	s, startedMore = cut(s)
	for _, is := range d {
		done = append(done, itemOf(is, is.Key))
	}
	for _, is := range s {
		started = append(started, itemOf(is, is.Key))
	}
	return done, doneMore, started, startedMore
}

// stalled groups the team's stalled findings by rule, in the analysis' rule
// order (rules it does not list after, by name), oldest first within a rule.
func (c *composer) stalled(team string) []StalledGroup {
	byRule := map[string][]*analysis.Finding{}
	var unlisted []string
	for i := range c.r.Findings {
		f := &c.r.Findings[i]
		if f.Kind != analysis.KindStalled || f.Team != team {
			continue
		}
		if byRule[f.Rule] == nil && !slices.Contains(analysis.StalledRules, f.Rule) {
			unlisted = append(unlisted, f.Rule)
		}
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	slices.Sort(unlisted)
	var gs []StalledGroup
	for _, rule := range append(slices.Clone(analysis.StalledRules), unlisted...) {
		fs := byRule[rule]
		if len(fs) == 0 {
			continue
		}
		slices.SortStableFunc(fs, func(a, b *analysis.Finding) int { return compareSince(a.Since, b.Since) })
		g := StalledGroup{Rule: rule}
		fs, g.More = cut(fs)
		for _, f := range fs {
			g.Items = append(g.Items, StalledItem{Item: c.item(f.Issue), Age: Age(c.r.Now, f.Since), Summary: f.Summary})
		}
		gs = append(gs, g)
	}
	return gs
}

// maxListed keeps each list of a rollup short enough to be read: a rollup
// points at the work, the trackers hold all of it.
const maxListed = 20

// cut keeps the first maxListed of xs and says how many it left out.
func cut[T any](xs []T) ([]T, int) {
	if len(xs) <= maxListed {
		return xs, 0
	}
	return xs[:maxListed], len(xs) - maxListed
}

// item describes the issue with key; the report's issues are sorted by key.
func (c *composer) item(key string) Item {
	i, ok := slices.BinarySearchFunc(c.r.Issues, key, func(is model.Issue, k string) int { return strings.Compare(is.Key, k) })
	if !ok {
		return itemOf(nil, key)
	}
	return itemOf(&c.r.Issues[i], key)
}

// itemOf describes an issue; is is nil for a link end outside the snapshot.
func itemOf(is *model.Issue, key string) Item {
	it := Item{Key: ShortKey(key), Issue: key}
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

// ShortKey drops the system prefix: "acme/core#12", "PAY-3".
func ShortKey(key string) string {
	if k, ok := model.ParseKey(key); ok {
		return k.Local()
	}
	return key
}

// Age says how long before now since was, in days (hours under a day).
func Age(now, since time.Time) string {
	if since.IsZero() {
		return "unknown"
	}
	d := now.Sub(since)
	if d < 24*time.Hour {
		return strconv.Itoa(max(int(d/time.Hour), 0)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}
