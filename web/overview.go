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
	Compared  bool // a rollup was sent: the cards show the change since
}

// card is one team's headline; the figures the rollup reports carry their
// change since the latest rollup.
type card struct {
	Team                      string
	Open, Stalled, Misaligned rollup.Figure
	InProgress, Crit          int
}

// maxPairs keeps "who waits on whom" to the pairs that matter most.
const maxPairs = 12

func (s *Site) overview(v *view, f frame, _ *http.Request) (any, error) {
	d := v.digest("")
	p := &overviewPage{frame: f, Steps: d.NextSteps, Issues: len(v.r.Issues), Findings: len(v.r.Findings), Compared: !d.First}
	for _, row := range d.Teams {
		c := card{Team: row.Name, InProgress: v.progress[row.Name], Crit: row.Critical}
		for _, fig := range row.Figures {
			switch fig.Label {
			case "open":
				c.Open = fig
			case "stalled":
				c.Stalled = fig
			case "misaligned":
				c.Misaligned = fig
			}
		}
		p.Cards = append(p.Cards, c)
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
