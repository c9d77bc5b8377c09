package web

import (
	"net/http"

	"github.com/batonhq/baton/rollup"
)

// overviewPage is the org at a glance: a card per team, the most urgent
// next steps, who waits on whom and how fresh each source is.
type overviewPage struct {
	frame
	Cards     []card
	Steps     []rollup.Step
	Pairs     []rollup.TeamPair
	PairsMore int
	Sources   []SourceState
	Failing   int
	Issues    int // analysed issues
	Findings  int
}

// card is one team's headline.
type card struct {
	Team                                        string
	Open, InProgress, Stalled, Misaligned, Crit int
}

// maxPairs keeps "who waits on whom" to the pairs that matter most.
const maxPairs = 12

func (s *Site) overview(v *view, f frame, _ *http.Request) (any, error) {
	d := v.digest("")
	p := &overviewPage{frame: f, Steps: d.NextSteps, Issues: len(v.r.Issues), Findings: len(v.r.Findings)}
	for _, row := range d.Teams {
		n := d.Stats.Teams[row.Name]
		p.Cards = append(p.Cards, card{Team: row.Name, Open: n.Open, InProgress: v.progress[row.Name],
			Stalled: n.Stalled, Misaligned: n.Misaligned, Crit: row.Critical})
	}
	p.Pairs = d.Pairs
	if len(p.Pairs) > maxPairs {
		p.Pairs, p.PairsMore = p.Pairs[:maxPairs], len(p.Pairs)-maxPairs
	}
	if s.opts.Sources != nil {
		p.Sources = s.opts.Sources()
	}
	for _, src := range p.Sources {
		if src.Failing {
			p.Failing++
		}
	}
	return p, nil
}
