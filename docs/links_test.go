// Package docs holds no code: its tests check README.md and the pages under
// docs/ against the repository and the code they describe, so that a link,
// a metric, a configuration key or an alert cannot drift from what baton
// has.
package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// pages returns README.md, every page under docs/ and the READMEs beside
// the code they describe, relative to this directory.
func pages(t *testing.T) []string {
	t.Helper()
	md, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(md) == 0 {
		t.Fatal("no pages under docs/")
	}
	connectors, err := filepath.Glob("../connectors/*/README.md")
	if err != nil {
		t.Fatal(err)
	}
	return slices.Concat([]string{"../README.md", "../deploy/README.md"}, md, connectors)
}

// prose returns the lines of a Markdown page outside fenced code blocks,
// with inline code spans blanked, so that neither yields links or headings.
func prose(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fenced := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			out = append(out, codeSpan.ReplaceAllString(line, "``"))
		}
	}
	return out
}

var (
	codeSpan = regexp.MustCompile("`[^`]*`")
	link     = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	heading  = regexp.MustCompile(`^#{1,6} +(.*?) *$`)
)

// anchors returns the anchors GitHub gives the headings of a page: lower
// case, punctuation dropped, spaces as hyphens, a repeat suffixed -1, -2.
func anchors(t *testing.T, path string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		m := heading.FindStringSubmatch(line)
		if fenced || m == nil {
			continue
		}
		slug := strings.Map(func(r rune) rune {
			switch {
			case r == ' ':
				return '-'
			case r == '-', r == '_', unicode.IsLetter(r), unicode.IsDigit(r):
				return unicode.ToLower(r)
			}
			return -1
		}, m[1])
		if n := seen[slug]; n > 0 {
			out[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}

func TestEveryRelativeLinkResolves(t *testing.T) {
	for _, page := range pages(t) {
		for i, line := range prose(t, page) {
			for _, m := range link.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				if err := resolve(t, page, target); err != nil {
					t.Errorf("%s:%d: link %s: %v", page, i+1, target, err)
				}
			}
		}
	}
}

// resolve checks that target, a link on page, names a file or directory of
// the repository and, for a Markdown page, one of its headings.
func resolve(t *testing.T, page, target string) error {
	path, anchor, _ := strings.Cut(target, "#")
	file := page
	if path != "" {
		file = filepath.Join(filepath.Dir(page), path)
		if _, err := os.Stat(file); err != nil {
			return err
		}
	}
	if anchor == "" {
		return nil
	}
	if !strings.HasSuffix(file, ".md") {
		return fmt.Errorf("an anchor into %s, which is not a Markdown page", file)
	}
	if !anchors(t, file)[anchor] {
		return fmt.Errorf("%s has no heading with the anchor #%s", file, anchor)
	}
	return nil
}

func TestAnchorsAreGitHubs(t *testing.T) {
	page := filepath.Join(t.TempDir(), "p.md")
	text := "# baton\n## `baton deps`\n```\n# not a heading\n```\n## Webhooks: edit to published (issue 17)\n## Metrics\n## Metrics\n"
	if err := os.WriteFile(page, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	got := anchors(t, page)
	for _, want := range []string{"baton", "baton-deps", "webhooks-edit-to-published-issue-17", "metrics", "metrics-1"} {
		if !got[want] {
			t.Errorf("anchors %v lack %s", got, want)
		}
	}
	if got["not-a-heading"] {
		t.Error("a line in a code block counted as a heading")
	}
}
