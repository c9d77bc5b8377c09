package apisim

import (
	"fmt"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/model"
)

// blockersFor picks what a background issue of team t waits on: a blocked
// issue an open issue of its own team and system (which Mutate then never
// closes); others sometimes any issue of their own team, rarely one of
// another team (see crossTeamBlocker). A blocked issue with nothing to wait
// on is in progress instead.
func (g *generator) blockersFor(b *bgState, t int, d *draft, jira bool) []cand {
	switch {
	case d.state == stBlocked:
		c, ok := g.pickCand(b, t, func(c cand) bool { return c.ref.jira == jira && c.st.open() })
		if !ok {
			d.state, d.raw = stProgress, "In Progress"
			return nil
		}
		g.org.holding[c.ref] = true
		return []cand{c}
	case g.rng.IntN(100) < 6:
		if c, ok := g.pickCand(b, t, func(cand) bool { return true }); ok {
			return []cand{c}
		}
	case d.state.open() && g.rng.IntN(100) < 2:
		if c, ok := g.crossTeamBlocker(b, t, d); ok {
			return []cand{c}
		}
	}
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
