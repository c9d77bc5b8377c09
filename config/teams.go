package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// RulesFor returns the thresholds for the named team: the global rules with
// that team's overrides applied, or the global rules for "" or an unknown
// team.
func (c *Config) RulesFor(team string) Rules {
	for _, t := range c.Teams {
		if t.Name == team && team != "" {
			return t.Rules
		}
	}
	return c.Rules
}

// CheckTeam refuses a team name that no configured team has, naming those
// that are, so that a typo is not mistaken for a team with nothing to report.
// "" (no team) is fine.
func (c *Config) CheckTeam(team string) error {
	if team == "" {
		return nil
	}
	names := make([]string, 0, len(c.Teams))
	for _, t := range c.Teams {
		if t.Name == team {
			return nil
		}
		names = append(names, t.Name)
	}
	return fmt.Errorf("no team %q in the configuration (teams: %s)", team, strings.Join(names, ", "))
}

// Location returns the configured time zone, loaded by Validate; UTC if
// Validate has not run or the zone did not load.
func (c *Config) Location() *time.Location {
	if c.loc == nil {
		return time.UTC
	}
	return c.loc
}

// Dump returns the effective configuration, defaults included, as YAML, with
// every secret shown as <secret>; a secret read from a *_file shows only the
// file. `baton config check` prints it.
func (c *Config) Dump() ([]byte, error) {
	d := *c
	d.Sources = slices.Clone(c.Sources)
	for i := range d.Sources {
		if d.Sources[i].TokenFile != "" {
			d.Sources[i].Token = ""
		}
		if d.Sources[i].WebhookSecretFile != "" {
			d.Sources[i].WebhookSecret = ""
		}
	}
	if d.Rollup.SMTP.PasswordFile != "" {
		d.Rollup.SMTP.Password = ""
	}
	if d.Rollup.SlackWebhookFile != "" {
		d.Rollup.SlackWebhook = ""
	}
	d.Teams = slices.Clone(c.Teams)
	for i := range d.Teams {
		if d.Teams[i].SlackWebhookFile != "" {
			d.Teams[i].SlackWebhook = ""
		}
	}
	out, err := yaml.Marshal(&d)
	if err != nil {
		return nil, fmt.Errorf("dumping config: %w", err)
	}
	return out, nil
}
