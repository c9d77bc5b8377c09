package apisim

import (
	"fmt"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/model"
)

// Background issues are the bulk of the organisation. They are generated so
// that they trigger no finding: in-progress and blocked issues are assigned and
// were updated and moved within the last days, open issues with a target date
// have it in the future, blocked issues wait on an open issue of their own team,
// dropped and mirrored issues block nothing, blocking links go from an older
// issue to a newer one (so they form no cycle), and a link between two teams
// has a dependent without a target date and a blocker at least as urgent.

const day = 24 * time.Hour

// cand is a background issue that later issues may depend on.
type cand struct {
	ref     issueRef
	st      state
	pri     int8
	updated time.Time
}

var (
	verbs    = []string{"Fix", "Add", "Remove", "Refactor", "Speed up", "Document", "Migrate", "Harden", "Retry", "Validate"}
	nouns    = []string{"ledger export", "login flow", "rate limiter", "push notifications", "search index", "webhook delivery", "settings page", "audit log", "session cache", "invoice PDF", "feature flags", "CSV import"}
	suffixes = []string{"", " on Android", " for EU tenants", " in staging", " under load", " after deploy", " for admins"}
	bodies   = []string{"Steps to reproduce are in the linked thread.", "Customers reported this twice this week.", "Follow-up from the last incident review.", "Part of the Q4 reliability work.", ""}
	kinds    = [][]string{{"bug"}, {"enhancement"}, {"chore"}, nil}
)

type bgState struct {
	cands    [][]cand // per team
	ghWant   int
	jiraWant int
	ghTurn   int
	jiraTurn int
}

func (g *generator) background() error {
	ghTotal := (g.spec.Issues + 1) / 2
	b := &bgState{
		cands:    make([][]cand, len(g.l.teams)),
		ghWant:   max(0, ghTotal-g.stats.GitHub.Issues),
		jiraWant: max(0, g.spec.Issues-ghTotal-g.stats.Jira.Issues),
	}
	for i := 0; b.ghWant > 0 || b.jiraWant > 0; i++ {
		var err error
		switch {
		case b.ghWant > 0 && (b.jiraWant == 0 || i%2 == 0):
			r := b.ghTurn % len(g.l.repos)
			b.ghTurn++
			err = g.bgGitHubSlot(b, r)
		default:
			p := b.jiraTurn % len(g.l.projects)
			b.jiraTurn++
			err = g.bgJira(b, p)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// bgGitHubSlot writes pull requests as they fall, then one issue of repository
// r, or a GitHub/Jira mirror pair.
func (g *generator) bgGitHubSlot(b *bgState, r int) error {
	if g.rng.IntN(100) < g.spec.PullRequestsPercent {
		d := g.randomDraft(r, false)
		d.pr, d.blocked, d.body = true, nil, "Implements the change discussed in the issue."
		if _, err := g.addGitHub(&d); err != nil {
			return err
		}
	}
	t := g.l.repoTeam[r]
	if b.jiraWant > 0 && len(g.l.teams[t].projects) > 0 && g.rng.IntN(100) < 3 {
		return g.bgMirror(b, r)
	}
	return g.bgGitHub(b, r)
}

// randomDraft is a background issue of repository or project place.
func (g *generator) randomDraft(place int, jira bool) draft {
	rng := g.rng
	d := draft{place: place, created: g.now.Add(-time.Duration(1+rng.IntN(365*24)) * time.Hour)}
	d.title = verbs[rng.IntN(len(verbs))] + " " + nouns[rng.IntN(len(nouns))] + suffixes[rng.IntN(len(suffixes))]
	d.body = bodies[rng.IntN(len(bodies))]
	switch n := rng.IntN(100); {
	case n < 35:
		d.state = stTodo
	case n < 50:
		d.state = stProgress
	case n < 55:
		d.state = stBlocked
	case n < 90:
		d.state = stDone
	default:
		d.state = stDropped
	}
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

// bgGitHub writes one background issue of repository r with its links.
func (g *generator) bgGitHub(b *bgState, r int) error {
	t := g.l.repoTeam[r]
	d := g.randomDraft(r, false)
	var blockers []cand
	switch {
	case d.state == stBlocked:
		c, ok := g.pickCand(b, t, func(c cand) bool { return !c.ref.jira && c.st.open() })
		if !ok {
			d.state = stProgress
			break
		}
		d.blocked = []githubsim.IssueRef{g.ghRef(c.ref)}
		g.count(model.OriginGitHubDependency, false)
		g.org.holding[c.ref] = true
	case g.rng.IntN(100) < 6:
		if c, ok := g.pickCand(b, t, func(c cand) bool { return true }); ok {
			blockers = append(blockers, c)
		}
	case d.state.open() && d.state != stBlocked && g.rng.IntN(100) < 2:
		if c, ok := g.crossTeamBlocker(b, t, &d); ok {
			blockers = append(blockers, c)
		}
	}
	for _, c := range blockers {
		g.githubDependsOn(&d, r, c, g.teamOf(c.ref) != t)
	}
	if g.rng.IntN(100) < 3 {
		for range 1 + g.rng.IntN(3) {
			if c, ok := g.pickCand(b, t, func(c cand) bool { return !c.ref.jira && int(c.ref.place) == r }); ok {
				d.subs = append(d.subs, g.ghRef(c.ref))
				g.count(model.OriginGitHubSubIssue, false)
			}
		}
	}
	ref, err := g.addGitHub(&d)
	if err != nil {
		return err
	}
	g.remember(b, t, issueRef{place: int32(r), num: int32(ref.Number)}, &d)
	return nil
}

// githubDependsOn makes the GitHub draft d of repository r wait on c, by a
// native dependency or a text reference in each of the usual spellings.
func (g *generator) githubDependsOn(d *draft, r int, c cand, cross bool) {
	if !c.ref.jira && g.rng.IntN(2) == 0 {
		g.count(model.OriginGitHubDependency, cross)
		d.blocked = append(d.blocked, g.ghRef(c.ref))
		return
	}
	g.count(model.OriginTextReference, cross)
	switch {
	case c.ref.jira:
		d.body += fmt.Sprintf("\n\nBlocked by %s-%d", g.l.projects[c.ref.place], c.ref.num)
	case int(c.ref.place) == r:
		d.body += fmt.Sprintf("\n\nBlocked by #%d", c.ref.num)
	case g.rng.IntN(2) == 0:
		d.body += fmt.Sprintf("\n\nThis depends on %s#%d.", g.l.fullRepo(int(c.ref.place)), c.ref.num)
	default:
		d.body += "\n\nblocked by " + g.l.githubURL(int(c.ref.place), int(c.ref.num))
	}
}

// bgJira writes one background issue of project p with its links.
func (g *generator) bgJira(b *bgState, p int) error {
	t := g.l.projTeam[p]
	d := g.randomDraft(p, true)
	var blockers []cand
	switch {
	case d.state == stBlocked:
		c, ok := g.pickCand(b, t, func(c cand) bool { return c.ref.jira && c.st.open() })
		if !ok {
			d.state, d.raw = stProgress, "In Progress"
			break
		}
		blockers = append(blockers, c)
		g.org.holding[c.ref] = true
	case g.rng.IntN(100) < 6:
		if c, ok := g.pickCand(b, t, func(c cand) bool { return true }); ok {
			blockers = append(blockers, c)
		}
	case d.state.open() && g.rng.IntN(100) < 2:
		if c, ok := g.crossTeamBlocker(b, t, &d); ok {
			blockers = append(blockers, c)
		}
	}
	for _, c := range blockers {
		if !c.ref.jira {
			d.body += fmt.Sprintf("\n\nBlocked by %s#%d", g.l.fullRepo(int(c.ref.place)), c.ref.num)
			g.count(model.OriginTextReference, g.teamOf(c.ref) != t)
		}
	}
	key, err := g.addJira(&d)
	if err != nil {
		return err
	}
	for _, c := range blockers {
		if c.ref.jira {
			if err := g.jiraLink("Blocks", g.jiraIssueKey(c.ref), key, maxTime(c.updated, d.updated)); err != nil {
				return err
			}
			g.count(model.OriginJiraLink, g.teamOf(c.ref) != t)
		}
	}
	if g.rng.IntN(100) < 3 {
		if c, ok := g.pickCand(b, g.rng.IntN(len(g.l.teams)), func(c cand) bool { return c.ref.jira }); ok {
			if err := g.jiraLink("Relates", g.jiraIssueKey(c.ref), key, maxTime(c.updated, d.updated)); err != nil {
				return err
			}
			g.stats.Relates++
		}
	}
	g.remember(b, t, issueRef{jira: true, place: int32(p), num: int32(g.jiraNext[p] - 1)}, &d)
	return nil
}

// crossTeamBlocker picks a blocker on another team for d and makes the edge
// consistent: d gets no target date and a priority no more urgent than one
// level above its blocker's.
func (g *generator) crossTeamBlocker(b *bgState, t int, d *draft) (cand, bool) {
	if len(g.l.teams) < 2 {
		return cand{}, false
	}
	other := (t + 1 + g.rng.IntN(len(g.l.teams)-1)) % len(g.l.teams)
	if d.pri == 0 {
		d.pri = 3
	}
	c, ok := g.pickCand(b, other, func(c cand) bool { return c.pri > 0 && int(c.pri) <= d.pri+1 })
	if ok {
		d.iter, d.due = 0, time.Time{}
	}
	return c, ok
}

// bgMirror writes a GitHub issue of repository r and its Jira twin, in the
// same state, linked by the "[KEY]" title prefix and the URL in the Jira
// description. Twins block nothing and wait on nothing.
func (g *generator) bgMirror(b *bgState, r int) error {
	t := g.l.repoTeam[r]
	projects := g.l.teams[t].projects
	p := projects[g.rng.IntN(len(projects))]
	jd := g.randomDraft(p, true)
	if jd.state == stBlocked {
		jd.state, jd.raw = stProgress, "In Progress"
	}
	key := fmt.Sprintf("%s-%d", g.l.projects[p], g.jiraNext[p])
	gd := draft{
		place: r, title: "[" + key + "] " + jd.title, body: "Mirrors " + key + " in Jira.",
		state: jd.state, pri: min(jd.pri, 4), assignee: jd.assignee, created: jd.created,
		updated: jd.updated, changed: jd.changed, closed: jd.closed,
	}
	jd.body = "GitHub issue: " + g.l.githubURL(r, g.ghNext[r])
	if _, err := g.addGitHub(&gd); err != nil {
		return err
	}
	if _, err := g.addJira(&jd); err != nil {
		return err
	}
	g.stats.Mirrors++
	b.ghWant--
	b.jiraWant--
	return nil
}

// remember records a background issue for later links and for Mutate.
func (g *generator) remember(b *bgState, t int, ref issueRef, d *draft) {
	if ref.jira {
		b.jiraWant--
	} else {
		b.ghWant--
	}
	g.org.background = append(g.org.background, ref)
	if d.state == stDropped {
		return
	}
	b.cands[t] = append(b.cands[t], cand{ref: ref, st: d.state, pri: int8(d.pri), updated: d.updated})
}

// pickCand tries a few random earlier issues of team t for one that ok accepts.
func (g *generator) pickCand(b *bgState, t int, ok func(cand) bool) (cand, bool) {
	cs := b.cands[t]
	if len(cs) == 0 {
		return cand{}, false
	}
	for range 8 {
		if c := cs[g.rng.IntN(len(cs))]; ok(c) {
			return c, true
		}
	}
	return cand{}, false
}

func (g *generator) count(o model.Origin, cross bool) {
	g.stats.Links[o]++
	if cross {
		g.stats.CrossTeamLinks++
	}
}

func (g *generator) teamOf(r issueRef) int {
	if r.jira {
		return g.l.projTeam[r.place]
	}
	return g.l.repoTeam[r.place]
}

func (g *generator) ghRef(r issueRef) githubsim.IssueRef {
	return githubsim.IssueRef{Repo: g.l.fullRepo(int(r.place)), Number: int(r.num)}
}

func (g *generator) jiraIssueKey(r issueRef) string {
	return fmt.Sprintf("%s-%d", g.l.projects[r.place], r.num)
}
