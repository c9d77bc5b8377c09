package rollup

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/slack-go/slack"
)

// Slack's Block Kit limits, from https://api.slack.com/reference/block-kit/blocks
// (a message holds at most 50 blocks; a header's text at most 150
// characters; a section's text at most 3,000, each of its fields 2,000).
const (
	slackMaxBlocks  = 50
	slackMaxHeader  = 150
	slackMaxSection = 3000
	slackMaxField   = 2000
)

// slackListed is how many stalled items and next steps a Slack rollup shows:
// a channel message is read at a glance, the email and the dashboard hold
// the rest.
const slackListed = 5

// maxTitle bounds an issue title in a Slack line, so that one long title
// cannot push the other items out of a section.
const maxTitle = 120

// SlackMessage builds the Block Kit message of d: a header with the week,
// the headline figures with their change, up to five stalled items and five
// next steps linking to the issues, and "and N more" lines that link to the
// dashboard at dashboard (web.external_url; no link when ""). Tracker text
// is escaped, so a title can neither format the message nor mention
// @channel.
func SlackMessage(d *Digest, dashboard string) *slack.WebhookMessage {
	links := dashboardLinks{base: strings.TrimSuffix(dashboard, "/"), team: d.Name, org: d.Org}
	blocks := []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType,
			clip(fmt.Sprintf("baton weekly: %s · week %d, from %s", d.Name, d.Week.Num, d.Week.Start.Format("Mon 2 Jan 2006")),
				slackMaxHeader), false, false)),
		slack.NewSectionBlock(nil, headlineFields(d.Headline), nil),
	}
	if d.Org {
		blocks = append(blocks, section("*Teams*", teamLines(d.Teams), 0, links.page()))
	} else {
		lines, more := stalledLines(d.Stalled)
		blocks = append(blocks, section("*Stalled*", lines, more, links.findings("stalled")))
	}
	steps, more := stepLines(d.NextSteps)
	blocks = append(blocks,
		section("*Next steps*", steps, more, links.findings("")),
		slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, footer(d, links.page()), false, false)))
	return &slack.WebhookMessage{
		Text:   d.Subject(), // the notification's text; Slack shows the blocks
		Blocks: &slack.Blocks{BlockSet: blocks[:min(len(blocks), slackMaxBlocks)]},
	}
}

// footer says when the data was current, linking to the dashboard page
// when there is one.
func footer(d *Digest, page string) string {
	text := escape("baton · data as of " + d.Snapshot())
	if page != "" {
		text += " · <" + slackURL(page) + "|dashboard>"
	}
	return text
}

func headlineFields(fs []Figure) []*slack.TextBlockObject {
	var out []*slack.TextBlockObject
	for _, f := range fs {
		text := "*" + f.Label + "*\n" + f.String()
		out = append(out, slack.NewTextBlockObject(slack.MarkdownType, clip(text, slackMaxField), false, false))
	}
	return out
}

// section is a mrkdwn section: title, then lines, as many as fit in
// slackMaxSection with the "and N more" line; more counts lines left out
// before. The more line links to moreURL when there is one.
func section(title string, lines []string, more int, moreURL string) *slack.SectionBlock {
	if len(lines) == 0 && more == 0 {
		lines = []string{"_none_"}
	}
	for kept := len(lines); ; kept-- {
		text := title + "\n" + strings.Join(lines[:kept], "\n")
		if n := more + len(lines) - kept; n > 0 {
			text += "\n" + moreLine(n, moreURL)
		}
		if slackLen(text) <= slackMaxSection || kept == 0 {
			return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, clip(text, slackMaxSection), false, false), nil, nil)
		}
	}
}

func moreLine(n int, link string) string {
	text := "and " + strconv.Itoa(n) + " more"
	if link == "" {
		return "_" + text + "_"
	}
	return "<" + slackURL(link) + "|" + text + ">"
}

// stalledLines lists the first slackListed stalled items across rules, in
// the rollup's order, and how many more there are.
func stalledLines(gs []StalledGroup) (lines []string, more int) {
	for _, g := range gs {
		for _, it := range g.Items {
			if len(lines) == slackListed {
				more++
				continue
			}
			lines = append(lines, fmt.Sprintf("• %s %s — %s, %s (%s)", issueLink(it.Item), escape(clip(it.Title, maxTitle)),
				escape(clip(it.Owner, maxTitle)), escape(it.Age), escape(RuleTitle(g.Rule))))
		}
		more += g.More
	}
	return lines, more
}

// stepLines lists the first slackListed next steps and how many more there
// are.
func stepLines(steps []Step) (lines []string, more int) {
	for i, s := range steps {
		if i == slackListed {
			return lines, len(steps) - i
		}
		lines = append(lines, fmt.Sprintf("• *%s* %s — %s", escape(s.Severity), escape(clip(s.Text, 2*maxTitle)), issueLink(s.Issue)))
	}
	return lines, 0
}

func teamLines(rows []TeamRow) []string {
	var lines []string
	for _, r := range rows {
		var figs []string
		for _, f := range r.Figures {
			figs = append(figs, f.Label+" "+f.String())
		}
		line := "• *" + escape(r.Name) + "* " + strings.Join(figs, ", ")
		if r.Critical > 0 {
			line += fmt.Sprintf(", %d critical", r.Critical)
		}
		lines = append(lines, line)
	}
	return lines
}

// issueLink is the issue's key linking to the issue, or the bare key when
// its URL is unknown.
func issueLink(it Item) string {
	if it.URL == "" {
		return escape(it.Key)
	}
	return "<" + slackURL(it.URL) + "|" + escape(it.Key) + ">"
}

// dashboardLinks are the pages of the web dashboard a rollup links to.
type dashboardLinks struct {
	base string // web.external_url without its trailing slash; "" for none
	team string
	org  bool
}

// page is the rollup's page: the team's, or the overview.
func (l dashboardLinks) page() string {
	switch {
	case l.base == "":
		return ""
	case l.org:
		return l.base + "/"
	}
	return l.base + "/teams/" + url.PathEscape(l.team)
}

// findings is the findings page filtered to the team, and to kind when set.
func (l dashboardLinks) findings(kind string) string {
	if l.base == "" {
		return ""
	}
	q := url.Values{}
	if kind != "" {
		q.Set("kind", kind)
	}
	if !l.org {
		q.Set("team", l.team)
	}
	if len(q) == 0 {
		return l.base + "/findings"
	}
	return l.base + "/findings?" + q.Encode()
}

// mrkdwnEscaper replaces Slack's control characters with the entities Slack
// decodes (https://api.slack.com/reference/surfaces/formatting#escaping):
// only &, < and >.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return mrkdwnEscaper.Replace(s) }

// slackURL makes u safe inside <url|text>: the control characters as
// entities, and the | that would end the URL percent-encoded.
func slackURL(u string) string { return escape(strings.ReplaceAll(u, "|", "%7C")) }

// slackLen counts characters the way Slack's limits do (UTF-16 code units,
// as in JavaScript), so that text within it is within Slack's.
func slackLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// clip shortens s to at most max characters by slackLen, ending in "…".
func clip(s string, max int) string {
	if slackLen(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		if n+utf16.RuneLen(r) > max-1 {
			return s[:i] + "…"
		}
		n += utf16.RuneLen(r)
	}
	return s
}
