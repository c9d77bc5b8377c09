package apisim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/model"
)

// Mutate applies n realistic changes to background issues at time now — a
// comment, a trivial edit, starting an assigned issue, finishing one — and
// returns what it did, one line per change. Planted issues are left alone, and
// so are issues whose closing would unblock a blocked issue, so the planted
// cases stay exactly as Planted describes them. The simulators' clocks are
// set to now (except a live organisation's GitHub, which keeps the wall clock).
func (o *Org) Mutate(rng *rand.Rand, n int, now time.Time) []string {
	o.setNow(now)
	if len(o.background) == 0 {
		return nil
	}
	var done []string
	for tries := 0; len(done) < n && tries < 20*n; tries++ {
		ref := o.background[rng.IntN(len(o.background))]
		var what string
		var err error
		if ref.jira {
			what, err = o.mutateJira(rng, ref)
		} else {
			what, err = o.mutateGitHub(rng, ref)
		}
		if err == nil && what != "" {
			done = append(done, what)
		}
	}
	return done
}

func (o *Org) mutateGitHub(rng *rand.Rand, ref issueRef) (string, error) {
	r := githubsim.IssueRef{Repo: o.l.fullRepo(int(ref.place)), Number: int(ref.num)}
	is, ok := o.GitHub.Get(r)
	if !ok {
		return "", nil
	}
	key := githubModelKey(r)
	progress, blocked := slices.Contains(is.Labels, "in progress"), slices.Contains(is.Labels, "blocked")
	board, onBoard := o.l.boardOf(int(ref.place))
	if onBoard {
		column, _ := o.GitHub.Item(board, r)
		progress, blocked = column == "In progress", column == "Blocked"
	}
	switch action := rng.IntN(4); {
	case is.State == "open" && progress && action == 0 && !o.holding[ref]:
		return key + ": closed as completed", o.GitHub.Close(r, "completed")
	case is.State == "open" && !progress && !blocked && len(is.Assignees) > 0 && action == 1 && onBoard:
		return key + ": started (moved to In progress)", o.GitHub.SetItem(board, r, "In progress")
	case is.State == "open" && !progress && !blocked && len(is.Assignees) > 0 && action == 1:
		return key + ": started (labelled in progress)", o.GitHub.SetLabels(r, append(is.Labels, "in progress"))
	case action == 2:
		return key + ": commented", o.GitHub.AddComment(r, o.l.teams[o.l.repoTeam[ref.place]].users[1], "Quick update: still on track.")
	default:
		return key + ": touched", o.GitHub.Touch(r)
	}
}

func (o *Org) mutateJira(rng *rand.Rand, ref issueRef) (string, error) {
	k := fmt.Sprintf("%s-%d", o.l.projects[ref.place], ref.num)
	is, ok := o.Jira.Issue(k)
	if !ok {
		return "", nil
	}
	key := jiraModelKey(k)
	open := is.Resolution == ""
	switch action := rng.IntN(4); {
	case open && (is.Status == "In Progress" || is.Status == "In Review") && action == 0 && !o.holding[ref]:
		return key + ": resolved Done", o.Jira.Resolve(k, "Done", "Done")
	case open && is.Status != "Blocked" && !strings.HasPrefix(is.Status, "In ") && is.Assignee != "" && action == 1:
		return key + ": moved to In Progress", o.Jira.Transition(k, "In Progress")
	case action == 2:
		return key + ": commented", o.Jira.AddComment(k, o.l.teams[o.l.projTeam[ref.place]].users[1], "Quick update: still on track.")
	default:
		return key + ": touched", o.Jira.Touch(k)
	}
}

// Close finishes the issue with the given model key ("github:owner/repo#N" or
// "jira:KEY-N") as completed at time now, the way a person closing a blocker
// would. Tests use it to change a planted case between two syncs.
func (o *Org) Close(key string, now time.Time) error {
	o.setNow(now)
	k, _ := model.ParseKey(key)
	switch k.System {
	case model.GitHub:
		return o.GitHub.Close(githubsim.IssueRef{Repo: k.Place, Number: k.Number}, "completed")
	case model.Jira:
		return o.Jira.Resolve(k.Local(), "Done", "Done")
	}
	return fmt.Errorf("closing %q: not a github:owner/repo#N or jira:KEY-N key", key)
}

func (o *Org) setNow(now time.Time) {
	if !o.live {
		o.GitHub.SetNow(now)
	}
	o.Jira.SetNow(now)
}
