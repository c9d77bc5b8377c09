package apisim

import (
	"fmt"
	"time"

	"github.com/batonhq/baton/apisim/jirasim"
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

// bgGitHub writes one background issue of repository r with its links.
func (g *generator) bgGitHub(b *bgState, r int) error {
	t := g.l.repoTeam[r]
	d := g.randomDraft(r, false)
	for _, c := range g.blockersFor(b, t, &d, false) {
		if d.state == stBlocked {
			d.blocked = append(d.blocked, g.ghRef(c.ref))
			g.count(model.OriginGitHubDependency, false)
			continue
		}
		g.githubDependsOn(&d, r, c, g.teamOf(c.ref) != t)
	}
	if g.rng.IntN(100) < 3 {
		for range 1 + g.rng.IntN(3) {
			// An issue has one parent at most on GitHub; one picked again is
			// skipped after the pick, so the random sequence stays the same.
			if c, ok := g.pickCand(b, t, func(c cand) bool { return !c.ref.jira && int(c.ref.place) == r }); ok && !g.subIssue[c.ref] {
				if g.subIssue == nil {
					g.subIssue = map[issueRef]bool{}
				}
				g.subIssue[c.ref] = true
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

// bgJira writes one background issue of project p with its links: Blocks
// links to Jira blockers, text references to GitHub ones, sometimes a
// Relates link to any Jira issue.
func (g *generator) bgJira(b *bgState, p int) error {
	t := g.l.projTeam[p]
	d := g.randomDraft(p, true)
	blockers := g.blockersFor(b, t, &d, true)
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
			if err := g.jiraLink(jirasim.LinkBlocks, g.jiraIssueKey(c.ref), key, maxTime(c.updated, d.updated)); err != nil {
				return err
			}
			g.count(model.OriginJiraLink, g.teamOf(c.ref) != t)
		}
	}
	if g.rng.IntN(100) < 3 {
		if c, ok := g.pickCand(b, g.rng.IntN(len(g.l.teams)), func(c cand) bool { return c.ref.jira }); ok {
			if err := g.jiraLink(jirasim.LinkRelates, g.jiraIssueKey(c.ref), key, maxTime(c.updated, d.updated)); err != nil {
				return err
			}
			g.stats.Relates++
		}
	}
	g.remember(b, t, issueRef{jira: true, place: int32(p), num: int32(g.jiraNext[p] - 1)}, &d)
	return nil
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
