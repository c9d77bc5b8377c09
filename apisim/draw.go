package apisim

import "time"

var (
	verbs    = []string{"Fix", "Add", "Remove", "Refactor", "Speed up", "Document", "Migrate", "Harden", "Retry", "Validate"}
	nouns    = []string{"ledger export", "login flow", "rate limiter", "push notifications", "search index", "webhook delivery", "settings page", "audit log", "session cache", "invoice PDF", "feature flags", "CSV import"}
	suffixes = []string{"", " on Android", " for EU tenants", " in staging", " under load", " after deploy", " for admins"}
	bodies   = []string{"Steps to reproduce are in the linked thread.", "Customers reported this twice this week.", "Follow-up from the last incident review.", "Part of the Q4 reliability work.", ""}
	kinds    = [][]string{{"bug"}, {"enhancement"}, {"chore"}, nil}
)

// randomDraft is a background issue of repository or project place.
func (g *generator) randomDraft(place int, jira bool) draft {
	rng := g.rng
	d := draft{place: place, created: g.now.Add(-time.Duration(1+rng.IntN(365*24)) * time.Hour)}
	d.title = verbs[rng.IntN(len(verbs))] + " " + nouns[rng.IntN(len(nouns))] + suffixes[rng.IntN(len(suffixes))]
	d.body = bodies[rng.IntN(len(bodies))]
	d.state = state(weighted(rng, 35, 15, 5, 35, 10)) // todo, in progress, blocked, done, dropped
	g.drawTimes(&d)
	if d.state == stProgress || d.state == stBlocked || rng.IntN(10) < 7 {
		team := g.l.repoTeam
		if jira {
			team = g.l.projTeam
		}
		users := g.l.teams[team[place]].users
		d.assignee = users[rng.IntN(len(users))]
	}
	for range rng.IntN(4) {
		d.comments = append(d.comments, d.created.Add(randDur(rng, d.updated.Sub(d.created))))
	}
	sortTimes(d.comments)
	if jira {
		g.jiraExtras(&d)
	} else {
		g.githubExtras(&d)
	}
	return d
}

// drawTimes sets when d was updated, moved and closed: open work was touched
// and moved recently, to-do items at any time since they were created.
func (g *generator) drawTimes(d *draft) {
	rng := g.rng
	age := g.now.Sub(d.created)
	switch d.state {
	case stTodo:
		d.updated = d.created.Add(randDur(rng, age))
	case stProgress, stBlocked:
		d.updated = maxTime(d.created, g.now.Add(-randDur(rng, 3*day)))
		from := maxTime(d.created, g.now.Add(-12*day))
		d.changed = from.Add(randDur(rng, d.updated.Sub(from)))
	default:
		d.closed = d.created.Add(randDur(rng, age))
		d.changed = d.closed
		d.updated = minTime(g.now, d.closed.Add(randDur(rng, day)))
	}
}

func (g *generator) githubExtras(d *draft) {
	rng := g.rng
	d.labels = kinds[rng.IntN(len(kinds))]
	if rng.IntN(4) > 0 {
		d.pri = weighted(rng, 10, 25, 40, 25) + 1
	}
	if rng.IntN(2) == 0 {
		if d.state.open() {
			d.iter = []int{msNext, msLater, msNoDue}[rng.IntN(3)]
		} else {
			d.iter = []int{msClosed, msNext}[rng.IntN(2)]
		}
	}
}

func (g *generator) jiraExtras(d *draft) {
	rng := g.rng
	d.pri = weighted(rng, 5, 20, 50, 20, 5) + 1
	if rng.IntN(10) < 4 {
		if d.state.open() {
			d.iter = sprintID(d.place, []int{spActive, spFuture}[rng.IntN(2)])
		} else {
			d.iter = sprintID(d.place, spClosed)
		}
	}
	switch {
	case d.state.open() && rng.IntN(100) < 15:
		d.due = g.now.Truncate(day).Add(time.Duration(5+rng.IntN(85)) * day)
	case !d.state.open() && rng.IntN(100) < 20:
		d.due = d.closed.Truncate(day).Add(time.Duration(rng.IntN(10)) * day)
	}
	switch d.state {
	case stTodo:
		d.raw = []string{"To Do", "Backlog", "Selected for Development"}[rng.IntN(3)]
	case stProgress:
		d.raw = []string{"In Progress", "In Review"}[rng.IntN(2)]
	case stDone:
		d.raw = []string{"Done", "Closed", "Resolved"}[rng.IntN(3)]
		d.reso = []string{"Done", "Fixed"}[rng.IntN(2)]
	case stDropped:
		d.raw = []string{"Won't Do", "Closed"}[rng.IntN(2)]
		d.reso = []string{"Won't Do", "Duplicate", "Cannot Reproduce"}[rng.IntN(3)]
	}
	edits := rng.IntN(3)
	if d.state == stDone && rng.IntN(100) == 0 {
		edits = 45
		g.stats.LongChangelogs++
	}
	until := d.updated
	if d.state.open() && !d.changed.IsZero() {
		until = d.changed // keep edits before the last move: no churn
	}
	for range edits {
		d.edits = append(d.edits, d.created.Add(randDur(rng, until.Sub(d.created))))
	}
}
