package rollup

import (
	"fmt"
	"strings"
)

// Subject is the mail subject, e.g.
// "baton weekly: payments — 3 stalled, 1 blocked on core (week 48)".
func (d *Digest) Subject() string {
	var parts []string
	if d.Org {
		parts = d.orgSubject()
	} else {
		parts = d.teamSubject()
	}
	if len(parts) == 0 {
		parts = []string{"nothing stalled"}
	}
	return fmt.Sprintf("baton weekly: %s — %s (week %d)", d.Name, strings.Join(parts, ", "), d.Week.Num)
}

// maxSubjectTeams keeps the subject to the teams blocking the most.
const maxSubjectTeams = 2

func (d *Digest) teamSubject() []string {
	var parts []string
	if n := d.Stats.Stalled; n > 0 {
		parts = append(parts, fmt.Sprintf("%d stalled", n))
	}
	for i, b := range d.Blocked {
		if i == maxSubjectTeams {
			parts = append(parts, fmt.Sprintf("blocked on %d more teams", len(d.Blocked)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%d blocked on %s", b.Count, b.Team))
	}
	return parts
}

func (d *Digest) orgSubject() []string {
	var parts []string
	if n := d.Stats.Stalled; n > 0 {
		parts = append(parts, fmt.Sprintf("%d stalled", n))
	}
	if n := d.Stats.Misaligned; n > 0 {
		parts = append(parts, fmt.Sprintf("%d misaligned", n))
	}
	waits := 0
	for _, p := range d.Pairs {
		waits += p.Issues
	}
	if waits > 0 {
		parts = append(parts, fmt.Sprintf("%d waiting across teams", waits))
	}
	return parts
}
