package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/batonhq/baton/model"
)

// Ack is an acknowledgement as `baton ack list` shows it.
type Ack struct {
	ID      int64     `json:"id"`
	Issue   string    `json:"issue"`
	Rule    string    `json:"rule"` // "" for every rule
	State   string    `json:"state"`
	Until   time.Time `json:"until"`
	Reason  string    `json:"reason"`
	By      string    `json:"by"`
	Created time.Time `json:"created"`
	// What the findings looked like when acknowledged.
	Severity string   `json:"severity"`
	Related  []string `json:"related"`
}

// NewAck is ack a as listed, with its state (analysis.AckState).
func NewAck(a model.Ack, state string) Ack {
	related := a.Related
	if related == nil {
		related = []string{}
	}
	return Ack{ID: a.ID, Issue: a.Issue, Rule: a.Rule, State: state, Until: a.Until, Reason: a.Reason, By: a.By,
		Created: a.Created, Severity: a.Severity, Related: related}
}

// WriteAcksJSON writes acks as an indented JSON array, [] when there are none.
func WriteAcksJSON(w io.Writer, acks []Ack) error {
	if acks == nil {
		acks = []Ack{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(acks); err != nil {
		return fmt.Errorf("writing acks as JSON: %w", err)
	}
	return nil
}

// WriteAcksTable writes acks as an aligned table, times in loc.
func WriteAcksTable(w io.Writer, acks []Ack, loc *time.Location) error {
	if len(acks) == 0 {
		_, err := fmt.Fprintln(w, "No acknowledgements.")
		return err
	}
	tw := newTable(w, "ID", "STATE", "ISSUE", "RULE", "UNTIL", "BY", "REASON")
	for _, a := range acks {
		rule := a.Rule
		if rule == "" {
			rule = "(all)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.State, a.Issue, rule,
			a.Until.In(loc).Format("2006-01-02 15:04 MST"), orDash(a.By), oneLine(a.Reason))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing acks table: %w", err)
	}
	return nil
}
