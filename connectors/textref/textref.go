// Package textref finds references between issues written in free text: the
// "blocked by #12" and "depends on PAY-14" of issue bodies, the "[PAY-3]" that
// marks a GitHub issue mirroring a Jira one, and GitHub issue URLs in Jira
// descriptions. It knows GitHub-flavoured Markdown well enough to ignore code
// and quotes, and Jira wiki markup's {code} and {noformat} blocks.
package textref

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/batonhq/baton/model"
)

// Ref is one referenced issue.
type Ref struct {
	Key string // model key, e.g. "github:acme/core#7" or "jira:PAY-14"
	Raw string // the text that said so, e.g. "Blocked by #12"
}

// DefaultHost is the web host of github.com issue URLs, always recognised.
const DefaultHost = "github.com"

var (
	// trigger finds the phrases that introduce blockers.
	trigger = regexp.MustCompile(`(?i)\b(blocked\s+by|depends\s+on)\b[*_]*\s*:?[*_]*\s*`)
	// refAt matches one reference at the start of the remaining text.
	refAt = regexp.MustCompile(`^(?:` +
		`https?://([A-Za-z0-9.-]+(?::\d+)?)/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)/issues/(\d+)` +
		`|([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)#(\d+)` +
		`|#(\d+)` +
		`|([A-Z][A-Z0-9_]+-\d+)` +
		`)`)
	// separator is what may stand between two references of one list.
	separator = regexp.MustCompile(`(?i)^(?:[\s,;&]|\band\b|\bor\b)+`)
	// listItem is the marker of a Markdown list item.
	listItem = regexp.MustCompile(`^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?`)
	// issueURL finds GitHub issue URLs anywhere.
	issueURL = regexp.MustCompile(`https?://([A-Za-z0-9.-]+(?::\d+)?)/([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)/issues/(\d+)`)
	// titleMirror is a Jira key in brackets at the start of a title.
	titleMirror = regexp.MustCompile(`^\s*\[([A-Za-z][A-Za-z0-9_]+-\d+)\]`)
)

// Blockers returns the issues text says its issue is blocked by or depends on,
// deduplicated, in order of appearance. "#N" resolves in owner/repo (and is
// ignored when owner is empty, as in Jira text); issue URLs count on
// github.com and on the extra hosts given (GitHub Enterprise). Code blocks,
// inline code and quoted lines are ignored.
func Blockers(text, owner, repo string, hosts ...string) []Ref {
	if !mayHaveTrigger(text) {
		return nil
	}
	p := parser{owner: owner, repo: repo, hosts: hosts, seen: map[string]bool{}}
	lines := prose(text)
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		for _, m := range trigger.FindAllStringIndex(line, -1) {
			phrase := strings.TrimSpace(line[m[0]:m[1]])
			rest := line[m[1]:]
			if strings.TrimSpace(rest) == "" && strings.HasSuffix(strings.TrimRight(phrase, "*_"), ":") {
				i += p.list(phrase, lines[i+1:])
				continue
			}
			p.refs(phrase, rest)
		}
	}
	return p.out
}

// mayHaveTrigger reports whether text can hold a trigger phrase, which
// begins with "bloc" or "depe" in some case: most issue texts have neither,
// and running the case-insensitive trigger on every line of every text was
// most of Blockers' time. No letter but their own capitals folds to these.
func mayHaveTrigger(text string) bool {
	for i := 0; i+4 <= len(text); i++ {
		switch w := text[i : i+4]; w[0] | 0x20 {
		case 'b':
			if w[1]|0x20 == 'l' && w[2]|0x20 == 'o' && w[3]|0x20 == 'c' {
				return true
			}
		case 'd':
			if w[1]|0x20 == 'e' && w[2]|0x20 == 'p' && w[3]|0x20 == 'e' {
				return true
			}
		}
	}
	return false
}

type parser struct {
	owner, repo string
	hosts       []string
	seen        map[string]bool
	out         []Ref
}

// refs reads the references that follow phrase in rest.
func (p *parser) refs(phrase, rest string) {
	for {
		rest = strings.TrimLeft(rest, "*_")
		m := refAt.FindStringSubmatch(rest)
		if m == nil || !boundary(rest[len(m[0]):]) {
			return
		}
		p.add(phrase, m)
		rest = rest[len(m[0]):]
		rest = strings.TrimLeft(rest, "*_")
		sep := separator.FindString(rest)
		if sep == "" {
			return
		}
		rest = rest[len(sep):]
	}
}

// list reads the list items under a "Blocked by:" line and returns how many
// lines it consumed.
func (p *parser) list(phrase string, lines []string) int {
	n := 0
	for ; n < len(lines); n++ {
		marker := listItem.FindString(lines[n])
		if marker == "" {
			break
		}
		p.refs(phrase, lines[n][len(marker):])
	}
	return n
}

func (p *parser) add(phrase string, m []string) {
	var key string
	switch {
	case m[1] != "":
		if !p.knownHost(m[1]) {
			return
		}
		key = githubKey(m[2], m[3], m[4])
	case m[5] != "":
		key = githubKey(m[5], m[6], m[7])
	case m[8] != "":
		if p.owner == "" || p.repo == "" {
			return
		}
		key = githubKey(p.owner, p.repo, m[8])
	default:
		key = model.JiraKey(m[9])
	}
	if key == "" || p.seen[key] {
		return
	}
	p.seen[key] = true
	p.out = append(p.out, Ref{Key: key, Raw: phrase + " " + m[0]})
}

func (p *parser) knownHost(host string) bool {
	return knownHost(host, p.hosts)
}

func knownHost(host string, hosts []string) bool {
	host = strings.ToLower(host)
	if host == DefaultHost || host == "www."+DefaultHost {
		return true
	}
	for _, h := range hosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// githubKey builds a key from matched text; "" when the number is unusable.
func githubKey(owner, repo, num string) string {
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return ""
	}
	return model.GitHubKey(owner, repo, n)
}

// boundary reports whether a reference may end right before s: a reference
// glued to more word characters ("#12abc", "PAY-1x") is not one.
func boundary(s string) bool {
	if s == "" {
		return true
	}
	c := s[0]
	return !(c == '_' || c == '-' || c == '/' || c == '#' ||
		'0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z')
}

// TitleMirror returns the key of the Jira issue a GitHub title mirrors:
// "[PAY-3] Fix x" mirrors jira:PAY-3.
func TitleMirror(title string) (jiraKey string, ok bool) {
	m := titleMirror.FindStringSubmatch(title)
	if m == nil {
		return "", false
	}
	return model.JiraKey(m[1]), true
}

// GitHubIssueURLs returns the keys of the GitHub issues whose URLs appear
// anywhere in text (on github.com or the extra hosts), deduplicated, in order
// of appearance. Jira descriptions name their GitHub twins this way.
func GitHubIssueURLs(text string, hosts ...string) []string {
	var keys []string
	seen := map[string]bool{}
	for _, m := range issueURL.FindAllStringSubmatchIndex(text, -1) {
		if !boundary(text[m[1]:]) || !knownHost(text[m[2]:m[3]], hosts) {
			continue
		}
		key := githubKey(text[m[4]:m[5]], text[m[6]:m[7]], text[m[8]:m[9]])
		if key != "" && !seen[key] {
			seen[key] = true
			keys = append(keys, key)
		}
	}
	return keys
}
