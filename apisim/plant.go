package apisim

import (
	"fmt"
	"slices"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
)

// Case is a planted situation: a finding analysis must report (a positive) or
// must not report (a near miss), computed with the default rules (idle_after
// 7d, churn_window 14d, churn_events 5, priority_gap 2, schedule_horizon 30d,
// drift_after 2d) at the organisation's Now (or up to a day later).
type Case struct {
	Rule     string   `json:"rule"`    // an analysis rule, e.g. "idle"
	Issue    string   `json:"issue"`   // model key the finding is (not) reported on
	Related  []string `json:"related"` // model keys of the other issues involved
	NearMiss bool     `json:"near_miss"`
	Note     string   `json:"note"`
}

// Planted returns the planted cases: every finding the organisation's planted
// issues produce, and the near misses that must not fire. Background issues
// produce no finding.
func (o *Org) Planted() []Case { return slices.Clone(o.planted) }

// plantedIssues is the smallest Spec.Issues that planting accepts.
const plantedIssues = 200

// Team indexes planted cases use.
const (
	tPay = iota
	tCore
	tPlat
	tMob
)

// planter writes planted issues into the first repository or project of a
// team and records the cases. After the first error it writes nothing more
// and keeps that error, so that the case code reads as a plain sequence.
type planter struct {
	g       *generator
	err     error
	cases   []Case
	links   [][2]string          // Jira Blocks links: blocker, dependent (Jira keys)
	updated map[string]time.Time // intended updated time of linked Jira issues
}

func (p *planter) ago(days float64) time.Time {
	return p.g.now.Add(-time.Duration(days * float64(day)))
}

// date is midnight UTC n days from today.
func (p *planter) date(n int) time.Time { return p.g.now.Truncate(day).AddDate(0, 0, n) }

// todo is a planted issue's starting point: to do, medium priority, assigned,
// created a month ago, updated yesterday, no target date.
func (p *planter) todo(t int, title string) draft {
	return draft{
		title: title, body: "Planted case.", state: stTodo, pri: 3,
		assignee: p.g.l.teams[t].users[0], created: p.ago(30), updated: p.ago(1),
	}
}

// progress is an assigned issue in progress since changedAgo, updated updatedAgo.
func (p *planter) progress(t int, title string, changedAgo, updatedAgo float64) draft {
	d := p.todo(t, title)
	d.state, d.changed, d.updated = stProgress, p.ago(changedAgo), p.ago(updatedAgo)
	return d
}

// closed is an issue done (or dropped) closedAgo days ago.
func (p *planter) closed(t int, title string, s state, closedAgo float64) draft {
	d := p.todo(t, title)
	d.state, d.closed, d.changed, d.updated = s, p.ago(closedAgo), p.ago(closedAgo), p.ago(closedAgo)
	return d
}

// gh writes d into team t's first repository and returns its reference and
// model key.
func (p *planter) gh(t int, d draft) (githubsim.IssueRef, string) {
	d.place = p.g.l.teams[t].repos[0]
	if p.err != nil {
		return githubsim.IssueRef{}, ""
	}
	ref, err := p.g.addGitHub(&d)
	p.err = err
	return ref, githubModelKey(ref)
}

// jr writes d into team t's first project and returns its Jira and model keys.
func (p *planter) jr(t int, d draft) (string, string) {
	d.place = p.g.l.teams[t].projects[0]
	if p.err != nil {
		return "", ""
	}
	key, err := p.g.addJira(&d)
	p.err = err
	p.updated[key] = d.updated
	return key, jiraModelKey(key)
}

// nextGH is the reference the next issue of team t's first repository gets.
func (p *planter) nextGH(t int) githubsim.IssueRef {
	r := p.g.l.teams[t].repos[0]
	return githubsim.IssueRef{Repo: p.g.l.fullRepo(r), Number: p.g.ghNext[r]}
}

// milestone adds an open milestone due in dueIn days to team t's first
// repository and returns its number.
func (p *planter) milestone(t int, title string, dueIn int) int {
	repo := p.g.l.fullRepo(p.g.l.teams[t].repos[0])
	if p.err != nil {
		return 0
	}
	n, err := p.g.gh.AddMilestone(repo, githubsim.Milestone{Title: title, State: "open", DueOn: p.date(dueIn), CreatedAt: p.ago(40)})
	p.err = err
	return n
}

func (p *planter) block(blocker, dependent string) {
	p.links = append(p.links, [2]string{blocker, dependent})
}

func (p *planter) hit(rule, issue, note string, related ...string) {
	p.cases = append(p.cases, Case{Rule: rule, Issue: issue, Related: related, Note: note})
}

func (p *planter) miss(rule, issue, note string, related ...string) {
	p.cases = append(p.cases, Case{Rule: rule, Issue: issue, Related: related, NearMiss: true, Note: note})
}

// plant writes every planted case, then the Jira links between them.
func (g *generator) plant() error {
	p := &planter{g: g, updated: map[string]time.Time{}}
	for _, f := range []func(*planter){
		plantIdle, plantChurning, plantUnowned, plantOverdue, plantBlockerResolved, plantBlockedByStalled,
		plantPriorityInversion, plantScheduleConflict, plantUnscheduledBlocker, plantStatusDrift,
		plantDeadDependency, plantCycle,
	} {
		f(p)
	}
	if p.err != nil {
		return p.err
	}
	if err := p.linkJira(); err != nil {
		return err
	}
	g.org.planted = p.cases
	return nil
}

// linkJira adds the planted Jira links as made before either end's last
// update, then restores each linked issue's intended updated time with a
// trivial edit at that time.
func (p *planter) linkJira() error {
	touch := map[string]bool{}
	for _, l := range p.links {
		at := minTime(p.updated[l[0]], p.updated[l[1]]).Add(-time.Hour)
		if err := p.g.jiraLink("Blocks", l[0], l[1], at); err != nil {
			return err
		}
		p.g.count("jira_link", p.g.l.projTeam[p.g.projectIndex(l[0])] != p.g.l.projTeam[p.g.projectIndex(l[1])])
		touch[l[0]], touch[l[1]] = true, true
	}
	keys := make([]string, 0, len(touch))
	for k := range touch {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		p.g.jira.SetNow(p.updated[k])
		if err := p.g.jira.Touch(k); err != nil {
			return fmt.Errorf("restoring updated time of %s: %w", k, err)
		}
	}
	return nil
}

// projectIndex is the index of the project of a Jira key.
func (g *generator) projectIndex(key string) int {
	for i, p := range g.l.projects {
		if len(key) > len(p) && key[:len(p)] == p && key[len(p)] == '-' {
			return i
		}
	}
	return -1
}

// smallest is the lexicographically smallest key and the others, in order.
func smallest(keys ...string) (string, []string) {
	s := slices.Sorted(slices.Values(keys))
	return s[0], s[1:]
}
