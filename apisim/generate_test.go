package apisim

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/model"
)

var t0 = time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)

func generate(t testing.TB, s Spec) *Org {
	t.Helper()
	if s.Now.IsZero() {
		s.Now = t0
	}
	o, err := Generate(s)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", s, err)
	}
	return o
}

// snapshot is everything a generated organisation holds.
type snapshot struct {
	GitHub []githubsim.Issue
	Column []string // the board option of each GitHub issue, "" when on no board
	Keys   []string // model keys of GitHub issues and Jira issues, in order
	Jira   []jirasim.Issue
	Links  [][]jirasim.Link
	Cases  []Case
}

func snap(t *testing.T, o *Org) snapshot {
	t.Helper()
	var s snapshot
	for r, repo := range o.Repos() {
		board, _ := o.l.boardOf(r)
		for n := 1; ; n++ {
			is, ok := o.GitHub.Get(githubsim.IssueRef{Repo: repo, Number: n})
			if !ok {
				break
			}
			column, _ := o.GitHub.Item(board, githubsim.IssueRef{Repo: repo, Number: n})
			s.GitHub = append(s.GitHub, is)
			s.Column = append(s.Column, column)
			s.Keys = append(s.Keys, githubModelKey(githubsim.IssueRef{Repo: repo, Number: n}))
		}
	}
	for _, k := range o.Jira.Keys() {
		is, _ := o.Jira.Issue(k)
		s.Jira = append(s.Jira, is)
		s.Keys = append(s.Keys, jiraModelKey(k))
		s.Links = append(s.Links, o.Jira.Links(k))
	}
	s.Cases = o.Planted()
	return s
}

func TestGenerateIsDeterministicForASeed(t *testing.T) {
	spec := Spec{Seed: 7, Issues: 1500, Plant: true}
	a, b := snap(t, generate(t, spec)), snap(t, generate(t, spec))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same spec, different organisations (-first +second):\n%s", diff)
	}
	spec.Seed = 8
	c := snap(t, generate(t, spec))
	if cmp.Equal(a.GitHub, c.GitHub) || cmp.Equal(a.Jira, c.Jira) {
		t.Fatal("seeds 7 and 8 gave the same issues")
	}
	if diff := cmp.Diff(a.Cases, c.Cases); diff != "" {
		t.Errorf("planted cases depend on the seed (-7 +8):\n%s", diff)
	}
}

func TestGenerateRejectsBadSpecs(t *testing.T) {
	for _, tc := range []struct {
		spec Spec
		want string
	}{
		{Spec{Teams: 9}, "teams 9"},
		{Spec{Issues: -1}, "issues -1"},
		{Spec{JiraDeployment: "datacenter"}, `jira deployment "datacenter"`},
		{Spec{Teams: 3, Plant: true}, "planting needs at least 4 teams"},
		{Spec{Issues: 50, Plant: true}, "issues 50: planting needs at least 200"},
	} {
		_, err := Generate(tc.spec)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Generate(%+v) = %v, want an error containing %q", tc.spec, err, tc.want)
		}
	}
}

// recount counts the simulators' contents the way the connectors classify them.
func recount(t *testing.T, s snapshot) (gh, jira Counts, long, mirrors int) {
	t.Helper()
	inJira := map[string]jirasim.Issue{}
	for _, is := range s.Jira {
		inJira[is.Key] = is
	}
	for i, is := range s.GitHub {
		switch column := s.Column[i]; {
		case is.PullRequest:
			gh.PullRequests++
			continue
		case is.State == "closed" && is.StateReason == "not_planned":
			gh.add(stDropped)
		case is.State == "closed":
			gh.add(stDone)
		case column == "Blocked" || column == "" && slices.Contains(is.Labels, "blocked"):
			gh.add(stBlocked)
		case column == "In progress" || column == "" && slices.Contains(is.Labels, "in progress"):
			gh.add(stProgress)
		default:
			gh.add(stTodo)
		}
		if key, _, ok := strings.Cut(strings.TrimPrefix(is.Title, "["), "] "); ok && strings.HasPrefix(is.Title, "[") {
			url := fmt.Sprintf("/issues/%d", is.Number)
			if j, ok := inJira[key]; ok && strings.Contains(j.Description, url) {
				mirrors++
			}
		}
	}
	dropped := []string{"Won't Do", "Duplicate", "Cannot Reproduce"}
	for _, is := range s.Jira {
		switch is.Status {
		case "To Do", "Backlog", "Selected for Development":
			jira.add(stTodo)
		case "In Progress", "In Review":
			jira.add(stProgress)
		case "Blocked":
			jira.add(stBlocked)
		default:
			if is.Resolution == "" {
				t.Errorf("%s: status %q without a resolution", is.Key, is.Status)
			}
			if slices.Contains(dropped, is.Resolution) {
				jira.add(stDropped)
			} else {
				jira.add(stDone)
			}
		}
		if len(is.Histories) > 40 {
			long++
		}
	}
	return gh, jira, long, mirrors
}

func TestGenerateWritesWhatItCounts(t *testing.T) {
	o := generate(t, Spec{Seed: 3, Issues: 4000, Repos: 8, Projects: 4, Plant: true})
	st := o.Stats()
	gh, jira, long, mirrors := recount(t, snap(t, o))
	if diff := cmp.Diff(st.GitHub, gh); diff != "" {
		t.Errorf("GitHub counts (-stats +simulator):\n%s", diff)
	}
	if diff := cmp.Diff(st.Jira, jira); diff != "" {
		t.Errorf("Jira counts (-stats +simulator):\n%s", diff)
	}
	if gh.Issues != 2000 || jira.Issues != 2000 {
		t.Errorf("got %d GitHub and %d Jira issues, want 2000 each", gh.Issues, jira.Issues)
	}
	if long != st.LongChangelogs+1 { // +1: the planted churning case
		t.Errorf("got %d issues with over 40 histories, want %d", long, st.LongChangelogs+1)
	}
	if mirrors != st.Mirrors {
		t.Errorf("got %d mirror pairs, stats say %d", mirrors, st.Mirrors)
	}
	for name, c := range map[string]Counts{"github": gh, "jira": jira} {
		for state, n := range map[string]int{"todo": c.Todo, "in progress": c.InProgress, "blocked": c.Blocked, "done": c.Done, "dropped": c.Dropped} {
			if n == 0 {
				t.Errorf("%s: no %s issues", name, state)
			}
		}
	}
	if gh.PullRequests == 0 || st.Relates == 0 || st.CrossTeamLinks == 0 || st.LongChangelogs == 0 {
		t.Errorf("stats %+v: want pull requests, relates links, cross-team links and long changelogs", st)
	}
	for _, o := range []string{"jira_link", "github_dependency", "github_sub_issue", "text_reference"} {
		if st.Links[model.Origin(o)] == 0 {
			t.Errorf("no %s links", o)
		}
	}
}

func TestTeamsMatchTheGeneratedPlaces(t *testing.T) {
	spec := BenchmarkSpec()
	spec.Issues = 400
	o := generate(t, spec)
	teams := o.Teams()
	var repos, projects []string
	for _, tm := range teams {
		if len(tm.GitHubRepos) != 5 || len(tm.JiraProjects) != 1 {
			t.Errorf("team %s: %d repos and %d projects, want 5 and 1", tm.Name, len(tm.GitHubRepos), len(tm.JiraProjects))
		}
		repos = append(repos, tm.GitHubRepos...)
		projects = append(projects, tm.JiraProjects...)
	}
	slices.Sort(repos)
	if diff := cmp.Diff(slices.Sorted(slices.Values(o.Repos())), repos); diff != "" {
		t.Errorf("repos of teams differ from generated repos:\n%s", diff)
	}
	if diff := cmp.Diff([]string{"PAY", "CORE", "PLAT", "MOB"}, projects); diff != "" {
		t.Errorf("projects:\n%s", diff)
	}
	if got := teams[0].GitHubRepos[0]; got != "acme/payments-api" {
		t.Errorf("first payments repo %q, want acme/payments-api", got)
	}
}

func TestPlantedCatalogueCoversEveryRule(t *testing.T) {
	spec := DemoSpec()
	spec.Now = t0
	o := generate(t, spec)
	s := snap(t, o)
	exists := map[string]bool{}
	for _, k := range s.Keys {
		exists[k] = true
	}
	pos, near := map[string]int{}, map[string]int{}
	seen := map[[2]string]bool{}
	for _, c := range o.Planted() {
		if c.NearMiss {
			near[c.Rule]++
		} else {
			pos[c.Rule]++
		}
		if seen[[2]string{c.Rule, c.Issue}] {
			t.Errorf("%s on %s planted twice (or as both a positive and a near miss)", c.Rule, c.Issue)
		}
		seen[[2]string{c.Rule, c.Issue}] = true
		for _, k := range append([]string{c.Issue}, c.Related...) {
			if !exists[k] {
				t.Errorf("%s case names %s, which was not generated", c.Rule, k)
			}
		}
		if c.Note == "" {
			t.Errorf("%s on %s: no note", c.Rule, c.Issue)
		}
	}
	for _, r := range append(slices.Clone(analysis.StalledRules), analysis.MisalignedRules...) {
		if pos[r] == 0 || near[r] == 0 {
			t.Errorf("rule %s: %d positive cases and %d near misses, want at least one of each", r, pos[r], near[r])
		}
	}
}
