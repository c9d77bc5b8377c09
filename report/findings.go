// Package report writes what an analysis found for people and tools:
// findings as a table or JSON, the dependency graph as Graphviz DOT, Mermaid
// or JSON. The formats are contracts (golden files pin them); what is found
// is analysis' business.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/batonhq/baton/analysis"
)

// WriteJSON writes the findings as an indented JSON array, [] when there are
// none: the stable contract described by analysis/findings.schema.json.
func WriteJSON(w io.Writer, fs []analysis.Finding) error {
	if fs == nil {
		fs = []analysis.Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(fs); err != nil {
		return fmt.Errorf("writing findings as JSON: %w", err)
	}
	return nil
}

// WriteTable writes the findings as an aligned table, each followed by its
// next step on a line of its own and, if acknowledged, by who, until when and
// why on another.
func WriteTable(w io.Writer, fs []analysis.Finding) error {
	if len(fs) == 0 {
		_, err := fmt.Fprintln(w, "No findings.")
		return err
	}
	tw := newTable(w, "SEVERITY", "TEAM", "RULE", "ISSUE", "SINCE", "SUMMARY")
	for _, f := range fs {
		since := "-"
		if !f.Since.IsZero() {
			since = f.Since.UTC().Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n",
			f.Severity, orDash(f.Team), f.Rule, f.Issue, since, oneLine(f.Summary))
		fmt.Fprintf(tw, "\t\t\t\t\t→ %s\n", oneLine(f.NextStep))
		if a := f.Acknowledged; a != nil {
			fmt.Fprintf(tw, "\t\t\t\t\t✓ acknowledged by %s until %s: %s\n", orDash(a.By), a.Until.UTC().Format(time.DateOnly), oneLine(a.Reason))
		}
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing findings table: %w", err)
	}
	return nil
}

// newTable starts an aligned table on w with its header row: every table
// baton prints is spaced alike.
func newTable(w io.Writer, header ...string) *tabwriter.Writer {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	return tw
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps tabs and newlines of free text from breaking table rows.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
