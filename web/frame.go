package web

import (
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/batonhq/baton/rollup"
)

// frame is what every page shows around its content: the navigation and
// when the snapshot was taken.
type frame struct {
	Page  string    // the page's template, to mark it in the navigation
	Teams []string  // configured teams, in order
	Now   time.Time // of the snapshot
	clock time.Time // of the request: how old the sources' syncs are
	loc   *time.Location
}

// When is t in the configured zone, to the minute; "" when unknown.
func (f *frame) When(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(f.loc).Format("Mon 2 Jan 2006 15:04 MST")
}

// Date is the day of t in the configured zone; "" when unknown.
func (f *frame) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(f.loc).Format("2 Jan 2006")
}

// Ago says how long before the snapshot t was, as the rollup does.
func (f *frame) Ago(t time.Time) string { return rollup.Age(f.Now, t) }

// Since says how long before this request t was: a sync's age goes on
// growing after the snapshot. Under an hour it says so in words.
func (f *frame) Since(t time.Time) string {
	if f.clock.Sub(t) < time.Hour {
		return "less than an hour"
	}
	return rollup.Age(f.clock, t)
}

var funcs = template.FuncMap{
	"issueURL":  issueURL,
	"teamURL":   teamURL,
	"short":     rollup.ShortKey,
	"ruleTitle": rollup.RuleTitle,
	"join":      strings.Join,
}

// issueURL is the dashboard page of the issue with key. Slashes stay as
// they are, to keep the address readable; '#' and the rest are escaped.
func issueURL(key string) string {
	return "/issues/" + strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
}

// teamURL is the dashboard page of team.
func teamURL(team string) string { return "/teams/" + url.PathEscape(team) }
