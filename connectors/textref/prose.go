package textref

import "strings"

// prose splits text into lines with everything that is not prose blanked out:
// fenced code blocks (``` and ~~~), indented code blocks, quoted lines
// ("> …", Jira's "bq. …"), Jira {code} and {noformat} blocks, and inline code
// spans. Blanked lines stay as "" so line structure is kept.
func prose(text string) []string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var fence string   // the open Markdown fence, "" when none
	var jiraBlock bool // inside {code} or {noformat}
	prevBlank, prevCode := true, false
	for i, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		code := false
		switch {
		case fence != "":
			if indent < 4 && strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]+" \t") == "" {
				fence = ""
			}
			code = true
		case jiraBlock:
			if hasJiraBlockTag(line) {
				jiraBlock = false
			}
			code = true
		case indent < 4 && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			fence = openingFence(trimmed)
			code = true
		case hasJiraBlockTag(line):
			jiraBlock = !closesOnSameLine(line)
			code = true
		case (indent >= 4 || strings.HasPrefix(line, "\t")) && (prevBlank || prevCode) && strings.TrimSpace(line) != "":
			code = true
		case strings.HasPrefix(trimmed, ">") || strings.HasPrefix(trimmed, "bq. "):
			code = true
		}
		blank := strings.TrimSpace(line) == ""
		if code {
			lines[i] = ""
		} else {
			lines[i] = stripInlineCode(line)
		}
		prevBlank, prevCode = blank, code && !blank
	}
	return lines
}

// openingFence returns the run of backticks or tildes that opens a fence.
func openingFence(trimmed string) string {
	n := 0
	for n < len(trimmed) && trimmed[n] == trimmed[0] {
		n++
	}
	return trimmed[:n]
}

func hasJiraBlockTag(line string) bool {
	return strings.Contains(line, "{code") || strings.Contains(line, "{noformat}")
}

// closesOnSameLine reports whether a line holding a {code} or {noformat} tag
// also closes it ("{code}x = 1{code}").
func closesOnSameLine(line string) bool {
	return strings.Count(line, "{code")%2 == 0 && strings.Count(line, "{noformat}")%2 == 0
}

// stripInlineCode blanks out `code spans`: a run of backticks up to the next
// run of the same length. An unmatched run is left as it is.
func stripInlineCode(line string) string {
	if !strings.Contains(line, "`") {
		return line
	}
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := 1
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		run := line[i : i+n]
		end := closingRun(line[i+n:], n)
		if end < 0 {
			b.WriteString(run)
			i += n
			continue
		}
		b.WriteByte(' ')
		i += n + end + n
	}
	return b.String()
}

// closingRun returns the index in s of a run of exactly n backticks, or -1.
func closingRun(s string, n int) int {
	for j := 0; j < len(s); {
		if s[j] != '`' {
			j++
			continue
		}
		k := 1
		for j+k < len(s) && s[j+k] == '`' {
			k++
		}
		if k == n {
			return j
		}
		j += k
	}
	return -1
}
