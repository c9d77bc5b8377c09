package rollup

import (
	"embed"
	htmltemplate "html/template"
	"io"
	"strings"
	texttemplate "text/template"

	"github.com/batonhq/baton/analysis"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

var funcs = map[string]any{
	"ruleTitle": RuleTitle,
	"inc":       func(i int) int { return i + 1 },
}

var (
	textTemplate = texttemplate.Must(texttemplate.New("rollup.txt.tmpl").Funcs(funcs).ParseFS(templateFS, "templates/rollup.txt.tmpl"))
	htmlTemplate = htmltemplate.Must(htmltemplate.New("rollup.html.tmpl").Funcs(funcs).ParseFS(templateFS, "templates/rollup.html.tmpl"))
)

// RenderText writes the plain-text part of the rollup.
func RenderText(w io.Writer, d *Digest) error { return textTemplate.Execute(w, d) }

// RenderHTML writes the HTML part of the rollup: inline CSS and table layout
// for mail clients, every title escaped.
func RenderHTML(w io.Writer, d *Digest) error { return htmlTemplate.Execute(w, d) }

// Snapshot is when the analysed data was current, in the rollup's zone.
func (d *Digest) Snapshot() string {
	return d.Now.In(d.Week.Start.Location()).Format("Mon 2 Jan 2006 15:04 MST")
}

// Quiet reports whether the team's rollup has nothing moved.
func (d *Digest) Quiet() bool { return len(d.Done) == 0 && len(d.Started) == 0 }

var ruleTitles = map[string]string{
	analysis.RuleIdle:             "Idle: no activity",
	analysis.RuleChurning:         "Churning: activity without progress",
	analysis.RuleUnowned:          "Unowned",
	analysis.RuleOverdue:          "Overdue",
	analysis.RuleBlockerResolved:  "Blocker done, still waiting",
	analysis.RuleBlockedByStalled: "Blocked by stalled work",
}

// RuleTitle names a rule for readers: a heading for stalled rules, the rule
// in words otherwise.
func RuleTitle(rule string) string {
	if t, ok := ruleTitles[rule]; ok {
		return t
	}
	return strings.ReplaceAll(rule, "_", " ")
}
