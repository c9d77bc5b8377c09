package config

import (
	"fmt"
	"net/url"
)

// slackWebhooks checks every Slack incoming-webhook URL. A webhook URL is a
// credential (whoever has it can post to the channel), so no message echoes
// it.
func (p *problems) slackWebhooks() {
	for i, t := range p.c.Teams {
		p.slackWebhook(fmt.Sprintf("teams[%d].slack_webhook", i), t.SlackWebhook)
	}
	p.slackWebhook("rollup.slack_webhook", p.c.Rollup.SlackWebhook)
}

// slackWebhook accepts https, and plain http to this machine only, where a
// test stands in for Slack: anywhere else the URL would cross the network in
// clear text.
func (p *problems) slackWebhook(path string, s Secret) {
	if s == "" {
		return
	}
	u, err := url.Parse(s.Reveal())
	switch {
	case err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http":
		p.add(path, "is not an absolute https URL (not shown: it is a secret); Slack's look like https://hooks.slack.com/services/…")
	case u.User != nil:
		p.add(path, "carries credentials (not shown); a Slack webhook URL needs none")
	case u.Scheme == "http" && !loopback(u.Hostname()):
		p.add(path, "is plain http to another machine (not shown: it is a secret), which would send it in clear text; use https (http is for 127.0.0.1, ::1 and localhost)")
	}
}

// externalURL checks web.external_url, the base of the dashboard links in
// rollups: an absolute http(s) URL without credentials, query or fragment,
// since page paths are appended to it.
func (p *problems) externalURL() {
	raw := p.c.Web.ExternalURL
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		p.add("web.external_url", "is not a URL")
		return
	}
	shown := *u
	shown.RawQuery, shown.ForceQuery, shown.Fragment = "", false, ""
	switch {
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "":
		p.add("web.external_url", "%q is not an absolute http(s) URL", shown.Redacted())
	case u.User != nil:
		p.add("web.external_url", "%q carries credentials; links in rollups must not", shown.Redacted())
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		p.add("web.external_url", "%q has a query or fragment (not shown); give the dashboard's base URL, page paths are appended to it", shown.Redacted())
	}
}
