package analysis

import (
	"strings"

	"github.com/batonhq/baton/model"
)

// teamFinder answers model.TeamOf for many issues. An issue without labels
// or components is claimed by its system and place (repository or project)
// alone, and issues in key order come place by place: the finder remembers
// the key prefix of the last such issue it looked up and that prefix's
// team, which spares parsing the key and scanning the teams.
type teamFinder struct {
	teams  []model.Team
	system model.System
	prefix string // "github:owner/repo#" or "jira:PROJECT-"; "" before the first
	team   string
}

// of returns model.TeamOf(f.teams, is).
func (f *teamFinder) of(is *model.Issue) string {
	if len(is.Labels) > 0 || len(is.Components) > 0 {
		return model.TeamOf(f.teams, is)
	}
	if f.prefix != "" && is.System == f.system && strings.HasPrefix(is.Key, f.prefix) && number(is.Key[len(f.prefix):]) {
		return f.team // ParseKey would find f.prefix's place, f.prefix ending in the last separator
	}
	team := model.TeamOf(f.teams, is)
	if _, ok := model.ParseKey(is.Key); ok { // then the key ends in its number's digits after a separator
		f.system, f.prefix, f.team = is.System, strings.TrimRight(is.Key, "0123456789"), team
	}
	return team
}

// number reports whether s is an issue number as model.ParseKey accepts
// it: digits, no leading zero, short enough never to overflow.
func number(s string) bool {
	if s == "" || len(s) > 18 || s[0] == '0' && s != "0" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
