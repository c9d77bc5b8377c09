package analysis

import (
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/model"
)

// text writes a finding's sentences into one reused buffer, then copies
// each into a shared block of text. Concatenating what helpers returned
// allocated every part (an assignee with its team, a key with its team, a
// count of days) before the whole: a tenth of an analysis of 200,000
// issues; and one allocation per sentence was another 350,000 of them.
type text struct {
	b []byte
	// block holds the sentences written so far. A Builder never changes
	// bytes it has handed out, so every sentence can be a slice of its
	// String; a full block is left to the sentences in it.
	block strings.Builder
}

// textBlock is the size of a block of sentences: a few hundred at 200,000
// issues, a small fixed cost for a small analysis.
const textBlock = 64 << 10

// add writes parts. It stores t.b's pointer only when the buffer grows:
// while the collector marks, every store of a pointer into the heap goes
// through a write barrier, and storing it at every part was half of those
// of an analysis of 200,000 issues.
func (t *text) add(parts ...string) *text {
	for _, p := range parts {
		n := len(t.b)
		if n+len(p) > cap(t.b) {
			t.b = append(t.b, p...)
			continue
		}
		t.b = t.b[:n+len(p)] // the length alone
		copy(t.b[n:], p)
	}
	return t
}

// String returns what was written and empties t for the next sentence.
func (t *text) String() string {
	if t.block.Cap()-t.block.Len() < len(t.b) {
		t.block = strings.Builder{}
		t.block.Grow(max(textBlock, len(t.b)))
	}
	start := t.block.Len()
	t.block.Write(t.b)
	t.b = t.b[:0]
	return t.block.String()[start:]
}

// who writes the people to ask about an issue, n (nil for a placeholder):
// its first assignee and team when known ("@alice (payments)"), else its
// team, else its owners.
func (t *text) who(n *nodeInfo, team string) *text {
	switch {
	case n != nil && n.assignee != "":
		// Not ContainsAny, which builds a set of the bytes at every call.
		if strings.IndexByte(n.assignee, ' ') < 0 && strings.IndexByte(n.assignee, '@') < 0 {
			t.add("@") // the "@" a handle is written with
		}
		return t.ofTeam(n.assignee, team)
	case n != nil:
		return t.teamOrOwners(team, n.key)
	case team != "":
		return t.add(team)
	}
	return t.add("its owners")
}

// ofTeam writes a key (or a person) with its team, "github:acme/core#7 (core)".
func (t *text) ofTeam(key, team string) *text {
	if team == "" {
		return t.add(key)
	}
	return t.add(key, " (", team, ")")
}

// day writes the day of tm in UTC, "2026-12-01".
func (t *text) day(tm time.Time) *text {
	t.b = tm.UTC().AppendFormat(t.b, time.DateOnly)
	return t
}

// days writes d in whole days, "1 day", "12 days".
func (t *text) days(d time.Duration) *text {
	n := int(d / (24 * time.Hour))
	t.number(n)
	if n == 1 {
		return t.add(" day")
	}
	return t.add(" days")
}

// number writes n.
func (t *text) number(n int) *text {
	t.b = strconv.AppendInt(t.b, int64(n), 10)
	return t
}

// prio writes a priority, "P2".
func (t *text) prio(p int) *text { return t.add("P").number(p) }

// target writes an issue's target date: "due 2026-12-01" or "planned for
// Sprint 5, ending 2026-12-01".
func (t *text) target(is *model.Issue) *text {
	if !is.Due.IsZero() {
		return t.add("due ").day(is.Due)
	}
	return t.add("planned for ", is.Iteration.Name, ", ending ").day(is.Iteration.End)
}

// teamOrOwners writes team, or the owners of the issue key when no team
// claims it.
func (t *text) teamOrOwners(team, key string) *text {
	if team != "" {
		return t.add(team)
	}
	return t.add("the owners of ", key)
}
