package analysis

import (
	"strings"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// now is the fixed time every test analyses at.
var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

const day1 = 24 * time.Hour

func daysAgo(n int) time.Time { return now.Add(-time.Duration(n) * day1) }

// date is midnight UTC of a day, as connectors store due dates.
func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

var testRules = config.Rules{
	IdleAfter:       config.Duration(7 * day1),
	ChurnWindow:     config.Duration(14 * day1),
	ChurnEvents:     5,
	PriorityGap:     2,
	ScheduleHorizon: config.Duration(30 * day1),
	DriftAfter:      config.Duration(2 * day1),
}

// testTeams: core owns acme/core and Jira CORE; payments owns Jira PAY and
// acme/pay; slow is payments' label-split sibling with a longer idle_after.
func testTeams() []config.Team {
	slow := testRules
	slow.IdleAfter = config.Duration(14 * day1)
	return []config.Team{
		{Team: model.Team{Name: "slow", Labels: []string{"slow"}}, Rules: slow},
		{Team: model.Team{Name: "core", GitHubRepos: []string{"acme/core"}, JiraProjects: []string{"CORE"}}, Rules: testRules},
		{Team: model.Team{Name: "payments", GitHubRepos: []string{"acme/pay"}, JiraProjects: []string{"PAY"}}, Rules: testRules},
	}
}

// issue is an open, assigned, unscheduled issue created two months ago and
// updated yesterday; opts change it.
func issue(key string, opts ...func(*model.Issue)) model.Issue {
	is := model.Issue{
		Key: key, System: systemOf(key), Title: "Work on " + key, Status: model.StatusTodo,
		Assignees: []string{"alice"}, Created: daysAgo(60), Updated: daysAgo(1),
	}
	for _, o := range opts {
		o(&is)
	}
	return is
}

func status(s model.Status) func(*model.Issue) {
	return func(is *model.Issue) { is.Status = s }
}

func updated(t time.Time) func(*model.Issue) {
	return func(is *model.Issue) { is.Updated = t }
}

func done(closed time.Time, res model.Resolution) func(*model.Issue) {
	return func(is *model.Issue) {
		is.Status, is.Resolution, is.Closed, is.Updated = model.StatusDone, res, closed, closed
	}
}

func priority(p int) func(*model.Issue) {
	return func(is *model.Issue) { is.Priority = p }
}

func due(s string) func(*model.Issue) {
	return func(is *model.Issue) { is.Due = date(s) }
}

func sprint(name string, end time.Time) func(*model.Issue) {
	return func(is *model.Issue) { is.Iteration = &model.Iteration{Name: name, End: end} }
}

func unassigned(is *model.Issue) { is.Assignees = nil }

func labels(ls ...string) func(*model.Issue) {
	return func(is *model.Issue) { is.Labels = ls }
}

func mirrors(keys ...string) func(*model.Issue) {
	return func(is *model.Issue) { is.Mirrors = keys }
}

// blockedBy declares links on the issue: each blocker blocks it.
func blockedBy(origin model.Origin, blockers ...string) func(*model.Issue) {
	return func(is *model.Issue) {
		for _, b := range blockers {
			is.Links = append(is.Links, model.Link{From: b, To: is.Key, Type: model.Blocks, Origin: origin})
		}
	}
}

// blocks declares links on the issue: it blocks each dependent.
func blocks(origin model.Origin, dependents ...string) func(*model.Issue) {
	return func(is *model.Issue) {
		for _, d := range dependents {
			is.Links = append(is.Links, model.Link{From: is.Key, To: d, Type: model.Blocks, Origin: origin})
		}
	}
}

func events(ts ...time.Time) func(*model.Issue) {
	return func(is *model.Issue) { is.ActivityEvents = ts }
}

func statusChanged(t time.Time) func(*model.Issue) {
	return func(is *model.Issue) { is.StatusChanged = t }
}

func analyze(issues ...model.Issue) *Report {
	return Analyze(Input{Issues: issues, Teams: testTeams(), Rules: testRules, Now: now})
}

// Keys used across tests.
const (
	core1 = "github:acme/core#1"
	core2 = "github:acme/core#2"
	core9 = "github:acme/core#9"
	pay1  = "jira:PAY-1"
	pay2  = "jira:PAY-2"
)

// rulesAtIssues lists the findings as "rule@issue", space-separated.
func rulesAtIssues(fs []Finding) string {
	var ks []string
	for _, f := range fs {
		ks = append(ks, f.Rule+"@"+f.Issue)
	}
	return strings.Join(ks, " ")
}
