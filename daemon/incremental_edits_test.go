package daemon

import (
	"fmt"
	"slices"
	"strings"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/model"
)

// editGitHub makes one random edit to a live GitHub issue of the synced
// repositories, and says what it did ("" when the pick did not apply).
func (w *world) editGitHub(budget map[string]int) (string, error) {
	kind, k := w.rng.IntN(13), w.pick(w.gitHub)
	if kind == 10 || kind == 11 {
		k = w.linkedGitHub(k) // a deleted or transferred issue that others link to tests the most
	}
	ref, err := gitHubRef(k)
	if err != nil {
		return k, err
	}
	is, ok := w.org.GitHub.Get(ref)
	if !ok {
		return k + ": gone", fmt.Errorf("a live issue is not in the simulator")
	}
	other, _ := gitHubRef(w.pick(w.gitHub))
	gh := w.org.GitHub
	switch kind {
	case 0:
		return k + ": commented", gh.AddComment(ref, "octocat", "any news?")
	case 1:
		return k + ": labels toggled in progress", gh.SetLabels(ref, toggle(is.Labels, "in progress"))
	case 2:
		return k + ": labels toggled blocked", gh.SetLabels(ref, toggle(is.Labels, "blocked"))
	case 3:
		if is.State == "closed" {
			return k + ": reopened", gh.Reopen(ref)
		}
		return k + ": closed as completed", gh.Close(ref, "completed")
	case 4:
		if other == ref || slices.Contains(is.BlockedBy, other) {
			return "", nil
		}
		return fmt.Sprintf("%s: blocked by %s", k, other), gh.AddBlockedBy(ref, other)
	case 5:
		out := githubsim.IssueRef{Repo: outsideRepo, Number: 1 + w.rng.IntN(3)}
		if slices.Contains(is.BlockedBy, out) {
			return "", nil
		}
		return fmt.Sprintf("%s: blocked by %s, outside the synced scope", k, out), gh.AddBlockedBy(ref, out)
	case 6:
		if len(is.BlockedBy) == 0 {
			return "", nil
		}
		b := is.BlockedBy[w.rng.IntN(len(is.BlockedBy))]
		return fmt.Sprintf("%s: no longer blocked by %s", k, b), gh.RemoveBlockedBy(ref, b)
	case 7: // neither issue's updated_at moves (githubsim.AddSubIssue)
		if other == ref {
			return "", nil
		}
		if slices.Contains(is.SubIssues, other) {
			return fmt.Sprintf("%s: sub-issue %s removed", k, other), gh.RemoveSubIssue(ref, other)
		}
		return fmt.Sprintf("%s: sub-issue %s added", k, other), gh.AddSubIssue(ref, other)
	case 8:
		body := fmt.Sprintf("Blocked by https://github.com/%s/issues/%d", other.Repo, other.Number)
		return fmt.Sprintf("%s: body says %q", k, body), gh.Edit(ref, is.Title, body)
	case 9:
		twin := w.pick(w.org.Jira.Keys())
		title := fmt.Sprintf("[%s] %s", twin, strings.TrimSpace(is.Title[strings.Index(is.Title, "]")+1:]))
		return fmt.Sprintf("%s: retitled %q, the twin of %s", k, title, twin), gh.Edit(ref, title, is.Body)
	case 10:
		if budget["delete"] == 0 {
			return "", nil
		}
		budget["delete"]--
		w.gitHub = slices.DeleteFunc(w.gitHub, func(x string) bool { return x == k })
		return k + ": deleted", gh.Delete(ref)
	case 11:
		if budget["transfer"] == 0 {
			return "", nil
		}
		to := spareRepo
		if strings.EqualFold(ref.Repo, spareRepo) {
			to = w.org.Repos()[0]
		}
		budget["transfer"]--
		moved, err := gh.Transfer(ref, to)
		if err != nil {
			return k + ": transfer", err
		}
		owner, name, _ := strings.Cut(moved.Repo, "/")
		nk := model.GitHubKey(owner, name, moved.Number)
		w.gitHub = append(slices.DeleteFunc(w.gitHub, func(x string) bool { return x == k }), nk)
		return fmt.Sprintf("%s: transferred to %s", k, nk), nil
	default:
		w.mu.Lock()
		w.pending = true
		w.mu.Unlock()
		return "the next sync's first listing page is followed by an edit", nil
	}
}

// editJira makes one random edit to a Jira issue, and says what it did ("" when
// the pick did not apply).
func (w *world) editJira(budget map[string]int) (string, error) {
	keys := w.org.Jira.Keys()
	key, other := w.pick(keys), w.pick(keys)
	is, _ := w.org.Jira.Issue(key)
	k := "jira:" + key
	j := w.org.Jira
	switch w.rng.IntN(10) {
	case 0:
		if is.Assignee == "" {
			return k + ": touched", j.Touch(key)
		}
		return k + ": commented", j.AddComment(key, is.Assignee, "any news?")
	case 1:
		to := []string{"To Do", "In Progress", "Blocked", "In Review"}[w.rng.IntN(4)]
		if is.Resolution != "" {
			return fmt.Sprintf("%s: reopened to %s", k, to), j.Reopen(key, to)
		}
		return fmt.Sprintf("%s: moved to %s", k, to), j.Transition(key, to)
	case 2:
		return k + ": resolved Done", j.Resolve(key, "Done", "Done")
	case 3, 4:
		typ := []string{"Blocks", "Relates"}[w.rng.IntN(2)]
		if key == other || slices.ContainsFunc(j.Links(key), func(l jirasim.Link) bool { return l.From == other || l.To == other }) {
			return "", nil
		}
		_, err := j.AddLink(typ, other, key)
		return fmt.Sprintf("%s: %s %s it", k, other, strings.ToLower(typ)), err
	case 5:
		links := j.Links(key)
		if len(links) == 0 {
			return "", nil
		}
		l := links[w.rng.IntN(len(links))]
		return fmt.Sprintf("%s: link %s %s %s removed", k, l.From, l.Type, l.To), j.RemoveLink(l.Type, l.From, l.To)
	case 6:
		body := "Blocked by " + other
		return fmt.Sprintf("%s: description says %q", k, body), j.Edit(key, "description", body)
	case 7:
		twin, _ := gitHubRef(w.pick(w.gitHub))
		body := fmt.Sprintf("Twin of https://github.com/%s/issues/%d", twin.Repo, twin.Number)
		return fmt.Sprintf("%s: description says %q", k, body), j.Edit(key, "description", body)
	case 8:
		if budget["delete"] == 0 {
			return "", nil
		}
		budget["delete"]--
		for range 10 { // an issue with links tests the most
			if len(j.Links(key)) > 0 {
				break
			}
			key = w.pick(keys)
		}
		return "jira:" + key + ": deleted", j.Delete(key)
	default:
		return k + ": summary edited", j.Edit(key, "summary", is.Summary+" (edited)")
	}
}

// linkedGitHub is a live GitHub issue that another one names as a blocker
// or sub-issue, else fallback.
func (w *world) linkedGitHub(fallback string) string {
	live := map[string]bool{}
	for _, k := range w.gitHub {
		live[k] = true
	}
	var linked []string
	for _, k := range w.gitHub {
		ref, _ := gitHubRef(k)
		is, _ := w.org.GitHub.Get(ref)
		for _, r := range slices.Concat(is.BlockedBy, is.SubIssues) {
			owner, name, _ := strings.Cut(r.Repo, "/")
			if rk := model.GitHubKey(owner, name, r.Number); live[rk] {
				linked = append(linked, rk)
			}
		}
	}
	if len(linked) == 0 {
		return fallback
	}
	return w.pick(linked)
}

// toggle adds label to labels, or removes it when there.
func toggle(labels []string, label string) []string {
	if slices.Contains(labels, label) {
		return slices.DeleteFunc(slices.Clone(labels), func(l string) bool { return l == label })
	}
	return append(slices.Clone(labels), label)
}
