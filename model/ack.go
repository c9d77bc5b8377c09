package model

import "time"

// Ack is an acknowledgement of the findings on an issue: someone has seen
// them, agreed what happens, and wants them out of alerts and rollups until a
// date. It stops applying at Until, or earlier when a finding it covers gets
// worse than it was when acknowledged (see analysis).
type Ack struct {
	ID      int64
	Issue   string // key of the issue whose findings it covers
	Rule    string // the rule it covers; "" covers every finding on the issue
	Until   time.Time
	Reason  string
	By      string
	Created time.Time
	// Severity is the most severe of the covered findings when acknowledged,
	// Related every issue they named then (sorted): a finding more severe or
	// naming another issue is not what was agreed on.
	Severity string
	Related  []string
}

// Active reports whether the ack has not yet expired at now.
func (a *Ack) Active(now time.Time) bool { return now.Before(a.Until) }
