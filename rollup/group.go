package rollup

import (
	"fmt"
	"strings"

	"github.com/batonhq/baton/config"
)

// OrgGroup is the ledger name of the org-wide rollup.
const OrgGroup = "org"

// TeamGroup returns the ledger name of a team's rollup, e.g. "team:payments".
func TeamGroup(team string) string { return "team:" + team }

// Group is one rollup and who gets it.
type Group struct {
	Name  string        // OrgGroup or TeamGroup(team): the ledger key
	Team  string        // "" for the org-wide rollup
	To    []string      // email recipients; empty when none
	Slack config.Secret // Slack incoming webhook; "" when none
}

// Channels are the channels g goes out on, email first.
func (g Group) Channels() []Channel {
	var cs []Channel
	if len(g.To) > 0 {
		cs = append(cs, ChannelEmail)
	}
	if g.Slack != "" {
		cs = append(cs, ChannelSlack)
	}
	return cs
}

// Org reports whether g is the org-wide rollup.
func (g Group) Org() bool { return g.Team == "" }

// Recipients returns the groups that get a rollup by email or in Slack:
// every team with an email list or a webhook, in configured order, then the
// org when rollup.to or rollup.slack_webhook is set.
func Recipients(cfg *config.Config) []Group {
	var gs []Group
	for _, t := range cfg.Teams {
		if g := teamGroup(t); len(g.Channels()) > 0 {
			gs = append(gs, g)
		}
	}
	if g := orgGroup(cfg); len(g.Channels()) > 0 {
		gs = append(gs, g)
	}
	return gs
}

func teamGroup(t config.Team) Group {
	return Group{Name: TeamGroup(t.Name), Team: t.Name, To: t.Email, Slack: t.SlackWebhook}
}

func orgGroup(cfg *config.Config) Group {
	return Group{Name: OrgGroup, To: cfg.Rollup.To, Slack: cfg.Rollup.SlackWebhook}
}

// FindGroup returns the group for team, or the org-wide one when team is "".
// Any configured team can be rendered, with or without recipients.
func FindGroup(cfg *config.Config, team string) (Group, error) {
	if team == "" {
		return orgGroup(cfg), nil
	}
	names := make([]string, 0, len(cfg.Teams))
	for _, t := range cfg.Teams {
		if t.Name == team {
			return teamGroup(t), nil
		}
		names = append(names, t.Name)
	}
	return Group{}, fmt.Errorf("rollup: no team %q in the configuration (teams: %s)", team, strings.Join(names, ", "))
}
