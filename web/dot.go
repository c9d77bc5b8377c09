package web

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/model"
	"github.com/batonhq/baton/report"
	"github.com/batonhq/baton/rollup"
)

// The picture's colours, from the rollup's palette.
const (
	colText     = "#1f2328"
	colMuted    = "#57606a"
	colBorder   = "#8c959f"
	colCluster  = "#d0d7de"
	colPanel    = "#f6f8fa"
	colFinding  = "#b91c1c"
	colBlocked  = "#f8d7da"
	colStalled  = "#fff3cd"
	colDone     = "#eaeef2"
	colOutScope = "#ffffff"
	colClosed   = "#c4ccd4"
)

// dot writes the selection for Graphviz: a cluster per team linking to its
// page, issues as nodes linking to theirs and filled by status, edges with
// findings red, thick and labelled with their rules.
func (sel *selection) dot(v *view) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "digraph baton {\n  rankdir=LR; nodesep=0.25; ranksep=0.6; bgcolor=\"transparent\"; fontname=\"Helvetica\";\n")
	fmt.Fprintf(&b, "  node [shape=box, style=\"rounded,filled\", fillcolor=%q, color=%q, fontcolor=%q, fontname=\"Helvetica\", fontsize=10, margin=\"0.12,0.05\"];\n", colOutScope, colBorder, colText)
	fmt.Fprintf(&b, "  edge [color=%q, fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n", colBorder)
	teams := slices.Concat(v.r.Teams, []string{""})
	for _, t := range teams {
		indent := "  "
		if t != "" {
			if !slices.ContainsFunc(sel.order, func(k string) bool { return v.teamOf(k) == t }) {
				continue
			}
			fmt.Fprintf(&b, "  subgraph %s {\n    label=%s; URL=%s; tooltip=%s; style=\"rounded,filled\"; color=%q; fillcolor=%q; fontcolor=%q; fontsize=12;\n",
				report.DOTString("cluster_"+t), report.DOTString(t), report.DOTString(teamURL(t)), report.DOTString("team "+t), colCluster, colPanel, colMuted)
			indent = "    "
		}
		for _, k := range sel.order {
			if v.teamOf(k) == t {
				fmt.Fprintf(&b, "%s%s [%s];\n", indent, report.DOTString(k), v.nodeAttrs(k))
			}
		}
		if t != "" {
			b.WriteString("  }\n")
		}
	}
	for _, i := range sel.edges {
		e := &v.r.Edges[i]
		fmt.Fprintf(&b, "  %s -> %s [%s];\n", report.DOTString(e.From), report.DOTString(e.To), edgeAttrs(e, v.rules[i]))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// teamOf is the team of key as the edges know it.
func (v *view) teamOf(key string) string {
	if is := v.issue(key); is != nil {
		return is.Team
	}
	if es := v.blocking(key); len(es) > 0 {
		return v.r.Edges[es[0]].FromTeam
	}
	if es := v.blockedBy(key); len(es) > 0 {
		return v.r.Edges[es[0]].ToTeam
	}
	return ""
}

func (v *view) nodeAttrs(key string) string {
	is := v.issue(key)
	label, tip := rollup.ShortKey(key), rollup.ShortKey(key)+": outside the synced scope"
	attrs := []string{}
	switch {
	case is == nil:
		attrs = append(attrs, `style="rounded,dashed"`, "class=outside")
	case is.Status == model.StatusDone:
		attrs = append(attrs, "fillcolor="+report.DOTString(colDone), "fontcolor="+report.DOTString(colMuted), "class=done")
	case is.Status == model.StatusBlocked:
		attrs = append(attrs, "fillcolor="+report.DOTString(colBlocked), "class=blocked")
	case v.stalled[key]:
		attrs = append(attrs, "fillcolor="+report.DOTString(colStalled), "class=stalled")
	}
	if is != nil {
		label += "\n" + report.Shorten(is.Title, 28)
		tip = rollup.ShortKey(key) + ": " + is.Title + " (" + string(is.Status) + ")"
	}
	return strings.Join(append(attrs, "label="+report.DOTString(label), "URL="+report.DOTString(issueURL(key)), "tooltip="+report.DOTString(tip)), ", ")
}

func edgeAttrs(e *analysis.Edge, rules []string) string {
	attrs := []string{"tooltip=" + report.DOTString(rollup.ShortKey(e.From)+" blocks "+rollup.ShortKey(e.To))}
	if !e.Open {
		attrs = append(attrs, "style=dashed", "color="+report.DOTString(colClosed))
	}
	if len(rules) > 0 {
		width := "1.6"
		if slices.Contains(rules, analysis.RuleCycle) {
			width = "3" // cycles stand out from the other findings
		}
		attrs = append(attrs, "color="+report.DOTString(colFinding), "fontcolor="+report.DOTString(colFinding), "penwidth="+width,
			"label="+report.DOTString(strings.Join(rules, "\n")), "class="+report.DOTString("finding "+strings.Join(rules, " ")))
	}
	return strings.Join(attrs, ", ")
}
