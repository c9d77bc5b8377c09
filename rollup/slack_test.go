package rollup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/internal/golden"
	"github.com/batonhq/baton/model"
)

// payload is a posted webhook body as Slack reads it.
type payload struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"text"`
		Fields []struct {
			Text string `json:"text"`
		} `json:"fields"`
		Elements []struct {
			Text string `json:"text"`
		} `json:"elements"`
	} `json:"blocks"`
}

func decodePayload(t *testing.T, body []byte) payload {
	t.Helper()
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("payload is not JSON: %v\n%s", err, body)
	}
	return p
}

// texts returns every text of p's blocks by block type: "header",
// "section", "field", "context".
func (p payload) texts() map[string][]string {
	out := map[string][]string{}
	for _, b := range p.Blocks {
		if b.Text != nil {
			out[b.Type] = append(out[b.Type], b.Text.Text)
		}
		for _, f := range b.Fields {
			out["field"] = append(out["field"], f.Text)
		}
		for _, e := range b.Elements {
			out[b.Type] = append(out[b.Type], e.Text)
		}
	}
	return out
}

func slackJSON(t *testing.T, d *Digest, dashboard string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writeSlackJSON(&b, SlackMessage(d, dashboard)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSlackPayloadMatchesGolden(t *testing.T) {
	for _, c := range []struct {
		name, team string
		prev       *Stats
	}{
		{"payments", "payments", lastWeek},
		{"org", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := digest(t, snapshot(), c.team, c.prev)
			golden.Check(t, "testdata/"+c.name+".slack.json.golden", slackJSON(t, d, "https://baton.example.com/"))
		})
	}
}

// crowded is payments' rollup with n stalled issues and n next steps whose
// titles are long and full of Slack's control characters.
func crowded(t *testing.T, n, titleLen int) *Digest {
	t.Helper()
	r := snapshot()
	hostile := "<!channel> & <https://evil.example|click> "
	for i := range n {
		key := fmt.Sprintf("jira:PAY-%d", 100+i)
		is := r.Issues[3] // PAY-1's shape
		is.Key, is.URL = key, fmt.Sprintf("https://jira.example.com/browse/PAY-%d?a=1&b=2|x", 100+i)
		is.Title = strings.Repeat(hostile, titleLen/len(hostile)+1)[:titleLen]
		r.Issues = append(r.Issues, is)
		r.Findings = append(r.Findings, analysis.Finding{Kind: analysis.KindStalled, Rule: analysis.RuleIdle, Issue: key,
			Team: "payments", Severity: analysis.SeverityWarning, Since: day(11, 1), Summary: "idle",
			NextStep: fmt.Sprintf("%s: chase %s", hostile, key)})
	}
	slices.SortFunc(r.Issues, func(a, b model.Issue) int { return strings.Compare(a.Key, b.Key) }) // as a Report keeps them
	return digest(t, r, "payments", lastWeek)
}

func TestSlackPayloadStaysWithinSlacksLimits(t *testing.T) {
	for _, c := range []struct{ n, titleLen int }{{0, 0}, {5, 10}, {6, 10}, {40, 5000}, {200, 300}} {
		t.Run(fmt.Sprintf("%d issues, titles of %d", c.n, c.titleLen), func(t *testing.T) {
			d := crowded(t, c.n, c.titleLen)
			long := "https://baton.example.com/" + strings.Repeat("x", 2000) + "/"
			p := decodePayload(t, slackJSON(t, d, long))
			if len(p.Blocks) > slackMaxBlocks || len(p.Blocks) < 5 {
				t.Errorf("%d blocks, want 5 to %d", len(p.Blocks), slackMaxBlocks)
			}
			texts := p.texts()
			for kind, limit := range map[string]int{"header": slackMaxHeader, "section": slackMaxSection, "field": slackMaxField, "context": slackMaxSection} {
				for _, s := range texts[kind] {
					if n := slackLen(s); n > limit {
						t.Errorf("%s text of %d characters, over Slack's %d: %.80q…", kind, n, limit, s)
					}
				}
			}
			if len(texts["header"]) != 1 || !strings.Contains(texts["header"][0], "week 48") {
				t.Errorf("headers %q, want one naming week 48", texts["header"])
			}
		})
	}
}

func TestSlackPayloadListsFiveAndLinksTheRest(t *testing.T) {
	d := crowded(t, 9, 40)
	p := decodePayload(t, slackJSON(t, d, "https://baton.example.com/dash/"))
	sections := p.texts()["section"]
	if len(sections) != 2 {
		t.Fatalf("sections %q, want stalled and next steps", sections)
	}
	stalled, steps := sections[0], sections[1]
	// payments has 3 stalled findings of its own besides the 9 added.
	if got := strings.Count(stalled, "\n• "); got != slackListed {
		t.Errorf("stalled lists %d items, want %d:\n%s", got, slackListed, stalled)
	}
	if want := "<https://baton.example.com/dash/findings?kind=stalled&amp;team=payments|and 7 more>"; !strings.Contains(stalled, want) {
		t.Errorf("stalled section has no %q:\n%s", want, stalled)
	}
	if got := strings.Count(steps, "\n• "); got != slackListed {
		t.Errorf("next steps list %d, want %d:\n%s", got, slackListed, steps)
	}
	if want := "<https://baton.example.com/dash/findings?team=payments|and 5 more>"; !strings.Contains(steps, want) {
		t.Errorf("next steps have no %q:\n%s", want, steps)
	}

	plain := decodePayload(t, slackJSON(t, d, ""))
	if s := plain.texts()["section"][0]; !strings.Contains(s, "_and 7 more_") || strings.Contains(s, "findings?") {
		t.Errorf("without web.external_url the more line should be plain text:\n%s", s)
	}
}

func TestSlackPayloadEscapesTrackerText(t *testing.T) {
	d := crowded(t, 1, 60)
	p := decodePayload(t, slackJSON(t, d, ""))
	all := strings.Join(p.texts()["section"], "\n")
	if strings.Contains(all, "<!channel>") || strings.Contains(all, "<https://evil") {
		t.Errorf("tracker text reached Slack unescaped:\n%s", all)
	}
	for _, want := range []string{
		"&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;",         // the title, inert
		"<https://jira.example.com/browse/PAY-100?a=1&amp;b=2%7Cx|PAY-100>", // the issue link, its | encoded
		"Settle in EUR &amp; GBP",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("sections have no %q:\n%s", want, all)
		}
	}
}

func TestClipCountsUTF16AndEndsInAnEllipsis(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"a😀b", 3, "a😀b"[:1] + "…"}, // the emoji is two UTF-16 units
		{"a😀b", 4, "a😀b"},
	} {
		if got := clip(c.in, c.max); got != c.want {
			t.Errorf("clip(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}
