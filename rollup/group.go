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
	Name string   // OrgGroup or TeamGroup(team): the ledger key
	Team string   // "" for the org-wide rollup
	To   []string // recipients; empty when the group is only rendered
}

// Org reports whether g is the org-wide rollup.
func (g Group) Org() bool { return g.Team == "" }

// Recipients returns the groups that get a rollup by mail: every team with an
// email list, in configured order, then the org when rollup.to is set.
func Recipients(cfg *config.Config) []Group {
	var gs []Group
	for _, t := range cfg.Teams {
		if len(t.Email) > 0 {
			gs = append(gs, Group{Name: TeamGroup(t.Name), Team: t.Name, To: t.Email})
		}
	}
	if len(cfg.Rollup.To) > 0 {
		gs = append(gs, Group{Name: OrgGroup, To: cfg.Rollup.To})
	}
	return gs
}

// FindGroup returns the group for team, or the org-wide one when team is "".
// Any configured team can be rendered, with or without recipients.
func FindGroup(cfg *config.Config, team string) (Group, error) {
	if team == "" {
		return Group{Name: OrgGroup, To: cfg.Rollup.To}, nil
	}
	names := make([]string, 0, len(cfg.Teams))
	for _, t := range cfg.Teams {
		if t.Name == team {
			return Group{Name: TeamGroup(t.Name), Team: t.Name, To: t.Email}, nil
		}
		names = append(names, t.Name)
	}
	return Group{}, fmt.Errorf("rollup: no team %q in the configuration (teams: %s)", team, strings.Join(names, ", "))
}
