package rollup

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Counts are a rollup's headline numbers.
type Counts struct {
	Done       int `json:"done"`
	Started    int `json:"started"`
	Open       int `json:"open"`
	Stalled    int `json:"stalled"`    // issues with at least one stalled finding
	Misaligned int `json:"misaligned"` // misalignment findings where the group waits
}

// Stats are what a sent rollup reported, kept in the ledger so next week's
// rollup can show the change.
type Stats struct {
	Counts
	Teams map[string]Counts `json:"teams,omitempty"` // org-wide rollup only
}

// total is what s reported overall; nil when there is no s.
func (s *Stats) total() *Counts {
	if s == nil {
		return nil
	}
	return &s.Counts
}

// team is what s reported for team; nil when unknown.
func (s *Stats) team(name string) *Counts {
	if s == nil {
		return nil
	}
	c, ok := s.Teams[name]
	if !ok {
		return nil
	}
	return &c
}

func (s *Stats) marshal() ([]byte, error) { return json.Marshal(s) }

func unmarshalStats(data []byte, group, week string) (*Stats, error) {
	var s Stats
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("reading stats of %s for %s: %w", group, week, err)
	}
	return &s, nil
}

// Figure is one headline number with its change since last week ("" when
// there is nothing to compare with).
type Figure struct {
	Label string
	Value int
	Delta string
}

// figures lays out c in display order, with deltas against prev when known.
func figures(c Counts, prev *Counts) []Figure {
	fs := []Figure{
		{Label: "done", Value: c.Done},
		{Label: "started", Value: c.Started},
		{Label: "open", Value: c.Open},
		{Label: "stalled", Value: c.Stalled},
		{Label: "misaligned", Value: c.Misaligned},
	}
	if prev == nil {
		return fs
	}
	before := []int{prev.Done, prev.Started, prev.Open, prev.Stalled, prev.Misaligned}
	for i := range fs {
		fs[i].Delta = delta(fs[i].Value - before[i])
	}
	return fs
}

func delta(d int) string {
	switch {
	case d > 0:
		return "+" + strconv.Itoa(d)
	case d < 0:
		return strconv.Itoa(d)
	}
	return "±0"
}

// String is the number with its change: "3 (+1)", or "3".
func (f Figure) String() string {
	if f.Delta == "" {
		return strconv.Itoa(f.Value)
	}
	return strconv.Itoa(f.Value) + " (" + f.Delta + ")"
}
