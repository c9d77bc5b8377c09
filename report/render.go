package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Colours of marked nodes and edges with findings, shared by both formats.
const (
	blockedFill = "#f8d7da"
	stalledFill = "#fff3cd"
	findingLine = "#c0392b"
	closedLine  = "#999999"
)

// writeDOT renders the graph for Graphviz: a cluster per team, blocked nodes
// filled red, stalled ones yellow, issues outside the synced scope dashed,
// closed edges dashed (grey unless a finding is about them), edges with
// findings red and labelled with their rules.
func (d *deps) writeDOT(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString("digraph baton {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=Helvetica];\n  edge [fontname=Helvetica, fontsize=10];\n")
	for _, t := range slices.Concat(d.Teams, []string{""}) {
		indent := "  "
		if t != "" {
			fmt.Fprintf(b, "  subgraph %s {\n    label=%s;\n", DOTString("cluster_"+t), DOTString(t))
			indent = "    "
		}
		for _, n := range d.Nodes {
			if n.Team == t {
				fmt.Fprintf(b, "%s%s [label=%s%s];\n", indent, DOTString(n.Key), DOTString(nodeLabel(n, "\n")), dotNodeStyle(n))
			}
		}
		if t != "" {
			b.WriteString("  }\n")
		}
	}
	for _, e := range d.Edges {
		var attrs []string
		if !e.Open {
			attrs = append(attrs, "style=dashed")
		}
		switch {
		case len(e.Rules) > 0:
			attrs = append(attrs, "label="+DOTString(strings.Join(e.Rules, "\n")), `color="`+findingLine+`"`, `fontcolor="`+findingLine+`"`)
		case !e.Open:
			attrs = append(attrs, `color="`+closedLine+`"`)
		}
		fmt.Fprintf(b, "  %s -> %s", DOTString(e.From), DOTString(e.To))
		if len(attrs) > 0 {
			fmt.Fprintf(b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.Flush()
}

func dotNodeStyle(n depsNode) string {
	switch {
	case !n.InScope:
		return `, style="rounded,dashed"`
	case n.Blocked:
		return `, style="rounded,filled", fillcolor="` + blockedFill + `"`
	case n.Stalled:
		return `, style="rounded,filled", fillcolor="` + stalledFill + `"`
	}
	return ""
}

// DOTString quotes s as a DOT string: a backslash stays a backslash (no
// label escapes), a newline becomes a centred line break. The dashboard's
// graph quotes with it too.
func DOTString(s string) string { return `"` + dotEscaper.Replace(s) + `"` }

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")

// nodeLabel is a node's key, title and marks, joined by br.
func nodeLabel(n depsNode, br string) string {
	parts := []string{n.Key}
	if n.Title != "" {
		parts = append(parts, Shorten(n.Title, 40))
	}
	var marks []string
	if !n.InScope {
		marks = append(marks, "not synced")
	}
	if n.Blocked {
		marks = append(marks, "blocked")
	}
	if n.Stalled {
		marks = append(marks, "stalled")
	}
	if len(marks) > 0 {
		parts = append(parts, "["+strings.Join(marks, ", ")+"]")
	}
	return strings.Join(parts, br)
}

// Shorten puts s on one line and cuts it to n runes, the last an ellipsis.
func Shorten(s string, n int) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// writeMermaid renders the graph as a Mermaid flowchart: a subgraph per
// team, nodes by number with their keys as labels, classes for blocked,
// stalled and out-of-scope nodes, closed edges dotted, findings as labels.
func (d *deps) writeMermaid(w io.Writer) error {
	b := bufio.NewWriter(w)
	b.WriteString("flowchart LR\n")
	id := make(map[string]string, len(d.Nodes))
	for i, n := range d.Nodes {
		id[n.Key] = fmt.Sprintf("n%d", i)
	}
	classes := map[string][]string{}
	for ti, t := range slices.Concat(d.Teams, []string{""}) {
		indent := "  "
		if t != "" {
			fmt.Fprintf(b, "  subgraph t%d[\"%s\"]\n", ti, mermaidText(t))
			indent = "    "
		}
		for _, n := range d.Nodes {
			if n.Team != t {
				continue
			}
			fmt.Fprintf(b, "%s%s[\"%s\"]\n", indent, id[n.Key], mermaidLabel(n))
			if c := mermaidClass(n); c != "" {
				classes[c] = append(classes[c], id[n.Key])
			}
		}
		if t != "" {
			b.WriteString("  end\n")
		}
	}
	for _, e := range d.Edges {
		arrow := "-->"
		if !e.Open {
			arrow = "-.->"
		}
		label := ""
		if len(e.Rules) > 0 {
			label = `|"` + strings.Join(e.Rules, "<br/>") + `"|`
		}
		fmt.Fprintf(b, "  %s %s%s %s\n", id[e.From], arrow, label, id[e.To])
	}
	fmt.Fprintf(b, "  classDef blocked fill:%s,stroke:%s\n", blockedFill, findingLine)
	fmt.Fprintf(b, "  classDef stalled fill:%s,stroke:#b7950b\n", stalledFill)
	b.WriteString("  classDef placeholder stroke-dasharray:5 5\n")
	for _, c := range []string{"blocked", "stalled", "placeholder"} {
		if len(classes[c]) > 0 {
			fmt.Fprintf(b, "  class %s %s\n", strings.Join(classes[c], ","), c)
		}
	}
	return b.Flush()
}

func mermaidClass(n depsNode) string {
	switch {
	case !n.InScope:
		return "placeholder"
	case n.Blocked:
		return "blocked"
	case n.Stalled:
		return "stalled"
	}
	return ""
}

func mermaidLabel(n depsNode) string {
	parts := strings.Split(nodeLabel(n, "\n"), "\n")
	for i, p := range parts {
		parts[i] = mermaidText(p)
	}
	return strings.Join(parts, "<br/>")
}

// mermaidText escapes text for a quoted Mermaid label with entity codes, so
// that '#', quotes and angle brackets in keys and titles show as themselves.
func mermaidText(s string) string {
	r := strings.NewReplacer("#", "#35;", `"`, "#quot;", "<", "#lt;", ">", "#gt;", "`", "#96;")
	return r.Replace(oneLine(s))
}
