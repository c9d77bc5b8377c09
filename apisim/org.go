package apisim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/model"
)

// Credentials the simulators accept. They are fixed so that a generated config
// keeps working across restarts of `baton sim`.
const (
	GitHubToken = "ghp_apisim0000000000000000000000000000"
	JiraEmail   = "baton-bot@acme.example"
	JiraToken   = "apisim-jira-api-token"
)

// Org is a generated organisation, loaded into a simulated GitHub and a
// simulated Jira.
type Org struct {
	Spec   Spec // with defaults filled in
	GitHub *githubsim.Server
	Jira   *jirasim.Server
	// Credentials for the two simulators: a GitHub token; a Jira email and API
	// token (Cloud, Basic auth) or the same token as a PAT (Data Center).
	GitHubToken, JiraEmail, JiraToken string

	l          *layout
	live       bool // GitHub simulator on the wall clock (Spec.Now was zero)
	planted    []Case
	stats      Stats
	background []issueRef // issues Mutate may change

	webhooks      WebhookTarget // set by DeliverWebhooks
	webhookListen string        // its host:port
	holding       map[issueRef]bool
}

// issueRef names a generated issue compactly: a GitHub repository or Jira
// project index and a number.
type issueRef struct {
	jira  bool
	place int32
	num   int32
}

// Stats counts what Generate wrote, by system and state.
type Stats struct {
	GitHub, Jira Counts
	// Links counts dependency and hierarchy links by origin (each once, from
	// the side that declares it); Relates counts Jira "Relates" links.
	Links          map[model.Origin]int
	Relates        int
	CrossTeamLinks int // blocking links between two teams
	Mirrors        int // GitHub/Jira twin pairs
	LongChangelogs int // Jira issues with more than 40 histories
}

// Counts are issues of one system by state.
type Counts struct {
	Issues, PullRequests                     int
	Todo, InProgress, Blocked, Done, Dropped int
}

// generator holds what Generate needs while it writes.
type generator struct {
	spec     Spec
	l        *layout
	rng      *rand.Rand
	now      time.Time
	gh       *githubsim.Server
	jira     *jirasim.Server
	ghNext   []int // next issue number per repository
	jiraNext []int // next issue number per project
	stats    Stats
	org      *Org
	subIssue map[issueRef]bool // GitHub issues already made a sub-issue
}

// Generate builds the organisation spec describes. It is deterministic: the same
// spec (with the same Now) gives the same issues, links and planted cases.
func Generate(spec Spec) (*Org, error) {
	live := spec.Now.IsZero()
	spec, err := spec.withDefaults()
	if err != nil {
		return nil, err
	}
	now := spec.Now
	jira, err := jirasim.New(jirasim.Options{
		Deployment: spec.JiraDeployment, Email: JiraEmail, Token: JiraToken,
		TimeZone: spec.JiraTimeZone, Now: now,
	})
	if err != nil {
		return nil, fmt.Errorf("generating organisation: %w", err)
	}
	clock := func() time.Time { return now }
	if live {
		clock = time.Now
	}
	o := &Org{
		Spec: spec, Jira: jira, l: newLayout(spec), live: live, holding: map[issueRef]bool{},
		GitHub:      githubsim.New(githubsim.Options{Tokens: []string{GitHubToken}, Quota: spec.GitHubQuota, Now: clock}),
		GitHubToken: GitHubToken, JiraEmail: JiraEmail, JiraToken: JiraToken,
	}
	g := &generator{
		spec: spec, l: o.l, now: now, gh: o.GitHub, jira: jira, org: o,
		rng:      rand.New(rand.NewPCG(uint64(spec.Seed), 0x6261746f6e)),
		ghNext:   make([]int, len(o.l.repos)),
		jiraNext: make([]int, len(o.l.projects)),
		stats:    Stats{Links: map[model.Origin]int{}},
	}
	if err := g.structure(); err != nil {
		return nil, fmt.Errorf("generating organisation: %w", err)
	}
	if spec.Plant {
		if err := g.plant(); err != nil {
			return nil, fmt.Errorf("planting cases: %w", err)
		}
	}
	if err := g.background(); err != nil {
		return nil, fmt.Errorf("generating issues: %w", err)
	}
	jira.SetNow(now)
	o.stats = g.stats
	return o, nil
}

// structure creates repositories, milestones, projects, sprints, statuses and
// users.
func (g *generator) structure() error {
	for r := range g.l.repos {
		if err := g.gh.AddRepo(g.l.owner, g.l.repos[r]); err != nil {
			return err
		}
		g.ghNext[r] = 1
		for _, m := range g.standardMilestones() {
			if _, err := g.gh.AddMilestone(g.l.fullRepo(r), m); err != nil {
				return err
			}
		}
	}
	for _, b := range g.l.boards() {
		if err := g.gh.AddProject(githubsim.Project{Owner: b.Owner, Number: b.Number, Options: boardOptions}); err != nil {
			return err
		}
	}
	for p, key := range g.l.projects {
		g.jiraNext[p] = 1
		for k, sp := range g.standardSprints(p) {
			sp.Name = fmt.Sprintf("%s Sprint %d", key, 40+k)
			g.jira.AddSprint(sp)
		}
	}
	for _, st := range []string{"Won't Do"} {
		if err := g.jira.AddStatus(st, jirasim.CategoryDone); err != nil {
			return err
		}
	}
	for _, t := range g.l.teams {
		for _, u := range t.users {
			g.jira.AddUser(jirasim.User{AccountID: u, DisplayName: u, Email: u + "@acme.example"})
		}
	}
	return nil
}

// Milestone numbers every repository has: closed (past due, only closed
// issues), two open with due dates, one open without.
const (
	msClosed = 1 + iota
	msNext
	msLater
	msNoDue
)

func (g *generator) standardMilestones() []githubsim.Milestone {
	day := 24 * time.Hour
	date := func(d int) time.Time { return g.now.Truncate(day).Add(time.Duration(d) * day) }
	return []githubsim.Milestone{
		{Title: "v1.0", State: "closed", DueOn: date(-30), CreatedAt: date(-120)},
		{Title: "v1.1", State: "open", DueOn: date(12), CreatedAt: date(-60)},
		{Title: "v1.2", State: "open", DueOn: date(40), CreatedAt: date(-20)},
		{Title: "Backlog", State: "open", CreatedAt: date(-200)},
	}
}

// Sprint ids of project p: closed (only done issues), active, future.
func sprintID(p, k int) int { return 100 + 10*p + k }

const (
	spClosed = iota
	spActive
	spFuture
)

func (g *generator) standardSprints(p int) []jirasim.Sprint {
	day := 24 * time.Hour
	at := func(d int) time.Time { return g.now.Add(time.Duration(d) * day) }
	return []jirasim.Sprint{
		{ID: sprintID(p, spClosed), State: "closed", Start: at(-21), End: at(-7)},
		{ID: sprintID(p, spActive), State: "active", Start: at(-7), End: at(7)},
		{ID: sprintID(p, spFuture), State: "future", Start: at(7), End: at(21)},
	}
}

// Teams returns the teams with selectors matching the generated repositories
// and projects.
func (o *Org) Teams() []model.Team { return o.l.modelTeams() }

// Repos returns the generated repositories as "owner/name".
func (o *Org) Repos() []string {
	out := make([]string, len(o.l.repos))
	for i := range o.l.repos {
		out[i] = o.l.fullRepo(i)
	}
	return out
}

// Projects returns the generated Jira project keys.
func (o *Org) Projects() []string { return append([]string(nil), o.l.projects...) }

// JQL selects every generated Jira project.
func (o *Org) JQL() string { return o.l.jql() }

// Stats counts what was generated.
func (o *Org) Stats() Stats { return o.stats }

// GitHubHandler serves the simulated GitHub API (REST v3, at the root path).
func (o *Org) GitHubHandler() http.Handler { return o.GitHub }

// JiraHandler serves the simulated Jira REST API.
func (o *Org) JiraHandler() http.Handler { return o.Jira }
