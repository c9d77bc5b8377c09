package apisim

import (
	"fmt"
	"strings"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// teamNames, with the base name of each team's first repository and its Jira
// project key, in the order teams are created.
var teamNames = []struct{ name, repo, project string }{
	{"payments", "payments-api", "PAY"},
	{"core", "core", "CORE"},
	{"platform", "platform", "PLAT"},
	{"mobile", "mobile-app", "MOB"},
	{"search", "search", "SRCH"},
	{"identity", "identity", "IAM"},
	{"billing", "billing", "BILL"},
	{"data", "data-pipeline", "DATA"},
}

// repoSuffixes name a team's further repositories.
var repoSuffixes = []string{"web", "worker", "sdk", "infra", "docs", "cli", "proto"}

// team is one generated team and where its work lives.
type team struct {
	name     string
	repos    []int // indexes into layout.repos
	projects []int // indexes into layout.projects
	users    []string
	board    int // number of the team's Projects board; 0 when it labels
}

// layout is the organisation's structure: teams, repositories, projects.
type layout struct {
	owner    string
	teams    []team
	repos    []string // repository names, without the owner
	repoTeam []int
	projects []string // Jira project keys
	projTeam []int
}

func newLayout(s Spec) *layout {
	l := &layout{owner: s.Owner, teams: make([]team, s.Teams)}
	for i := range l.teams {
		l.teams[i].name = teamNames[i].name
		for u := 1; u <= 4; u++ {
			l.teams[i].users = append(l.teams[i].users, fmt.Sprintf("%s-dev%d", teamNames[i].name, u))
		}
		if i%2 == 1 && !s.LabelsOnly {
			l.teams[i].board = i + 1
		}
	}
	for r := range s.Repos {
		t, k := r%s.Teams, r/s.Teams
		name := teamNames[t].repo
		if k > 0 {
			name = teamNames[t].name + "-" + repoSuffix(k)
		}
		l.teams[t].repos = append(l.teams[t].repos, len(l.repos))
		l.repos = append(l.repos, name)
		l.repoTeam = append(l.repoTeam, t)
	}
	for p := range s.Projects {
		t, k := p%s.Teams, p/s.Teams
		key := teamNames[t].project
		if k > 0 {
			key = fmt.Sprintf("%s%d", key, k+1)
		}
		l.teams[t].projects = append(l.teams[t].projects, len(l.projects))
		l.projects = append(l.projects, key)
		l.projTeam = append(l.projTeam, t)
	}
	return l
}

func repoSuffix(k int) string {
	if k <= len(repoSuffixes) {
		return repoSuffixes[k-1]
	}
	return fmt.Sprintf("svc%d", k)
}

// boardOptions are the Status options of every generated board.
var boardOptions = []string{"Todo", "In progress", "In review", "Blocked", "Done"}

// boardOf is the board of repository r's team; ok is false when the team
// labels.
func (l *layout) boardOf(r int) (githubsim.Board, bool) {
	n := l.teams[l.repoTeam[r]].board
	return githubsim.Board{Owner: l.owner, Number: n}, n > 0
}

// boards are the configured boards of the teams that use one.
func (l *layout) boards() []config.GitHubProject {
	var out []config.GitHubProject
	for _, t := range l.teams {
		if t.board > 0 {
			out = append(out, config.GitHubProject{Owner: l.owner, Number: t.board, Field: "Status",
				InProgress: []string{"In progress", "In review"}, Blocked: []string{"Blocked"}, Done: []string{"Done"}})
		}
	}
	return out
}

// fullRepo is "owner/name" of repository r.
func (l *layout) fullRepo(r int) string { return l.owner + "/" + l.repos[r] }

// modelTeams are the teams with selectors matching what was generated.
func (l *layout) modelTeams() []model.Team {
	out := make([]model.Team, len(l.teams))
	for i, t := range l.teams {
		mt := model.Team{Name: t.name}
		for _, r := range t.repos {
			mt.GitHubRepos = append(mt.GitHubRepos, l.fullRepo(r))
		}
		for _, p := range t.projects {
			mt.JiraProjects = append(mt.JiraProjects, l.projects[p])
		}
		out[i] = mt
	}
	return out
}

// githubURL is the html URL of issue n of repository r, as people paste it.
func (l *layout) githubURL(r, n int) string {
	return fmt.Sprintf("https://github.com/%s/issues/%d", l.fullRepo(r), n)
}

// jql selects every generated project.
func (l *layout) jql() string { return "project in (" + strings.Join(l.projects, ", ") + ")" }
