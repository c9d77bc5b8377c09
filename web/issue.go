package web

import (
	"net/http"
	"slices"

	"github.com/batonhq/baton/model"
)

// issuePage is one issue: its fields, what blocks it and what it blocks,
// its findings and next steps, its twin.
type issuePage struct {
	frame
	Key        string
	Team       string
	Issue      *model.Issue // nil for a link end outside the synced scope
	Blockers   []neighbour  // issues this one waits on
	Dependents []neighbour  // issues waiting on this one
	Findings   []findingRow
	Acked      []findingRow // acknowledged findings on the issue
	Exempt     bool         // it has an exempt label, so no findings of its own
	Twins      []neighbour
}

// neighbour is an issue at the other end of an edge, or a twin.
type neighbour struct {
	Key    string
	Team   string
	Title  string
	Status model.Status // "" outside the synced scope
	Open   bool         // the edge: both ends not done
	Rules  []string     // of the findings about the edge
}

func (s *Site) issuePage(v *view, f frame, r *http.Request) (any, error) {
	key := r.PathValue("key")
	p := &issuePage{frame: f, Key: key, Issue: v.issue(key)}
	for _, e := range v.blockedBy(key) {
		p.Blockers = append(p.Blockers, v.neighbour(e, v.r.Edges[e].From, v.r.Edges[e].FromTeam))
		p.Team = v.r.Edges[e].ToTeam
	}
	for _, e := range v.blocking(key) {
		p.Dependents = append(p.Dependents, v.neighbour(e, v.r.Edges[e].To, v.r.Edges[e].ToTeam))
		p.Team = v.r.Edges[e].FromTeam
	}
	if p.Issue == nil && p.Blockers == nil && p.Dependents == nil {
		return nil, errNotFound{"issue " + key}
	}
	if is := p.Issue; is != nil {
		p.Team = is.Team
		for _, m := range is.Mirrors {
			n := neighbour{Key: m}
			if tw := v.issue(m); tw != nil {
				n.Team, n.Title, n.Status = tw.Team, tw.Title, tw.Status
			}
			p.Twins = append(p.Twins, n)
		}
	}
	for _, i := range v.findings[key] {
		p.Findings = append(p.Findings, rowOf(v, &v.r.Findings[i]))
	}
	for i := range v.r.Acknowledged {
		if f := &v.r.Acknowledged[i]; f.Issue == key {
			p.Acked = append(p.Acked, rowOf(v, f))
		}
	}
	_, p.Exempt = slices.BinarySearch(v.r.Exempt, key)
	return p, nil
}

// neighbour describes the end key of edge e.
func (v *view) neighbour(e int32, key, team string) neighbour {
	n := neighbour{Key: key, Team: team, Open: v.r.Edges[e].Open, Rules: v.rules[e]}
	if is := v.issue(key); is != nil {
		n.Title, n.Status = is.Title, is.Status
	}
	return n
}
