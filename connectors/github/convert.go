package github

import (
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/connectors/textref"
	"github.com/batonhq/baton/model"
)

// convert maps a listed issue onto the model, without what needs more calls
// (native dependencies, sub-issues, status change time, activity).
func (s *Source) convert(r repoName, it *item) model.Issue {
	is := model.Issue{
		Key:     model.GitHubKey(r.owner, r.name, it.GetNumber()),
		Source:  s.src.Name,
		System:  model.GitHub,
		URL:     it.GetHTMLURL(),
		Title:   it.GetTitle(),
		Body:    it.GetBody(),
		Created: it.GetCreatedAt().Time.UTC(),
		Updated: it.GetUpdatedAt().Time.UTC(),
		Closed:  it.GetClosedAt().Time.UTC(),
	}
	for _, l := range it.Labels {
		is.Labels = append(is.Labels, l.GetName())
	}
	for _, a := range it.Assignees {
		is.Assignees = append(is.Assignees, a.GetLogin())
	}
	is.Status, is.RawStatus, _ = s.status(it)
	if is.Status == model.StatusDone {
		is.RawResolution = it.GetStateReason()
		is.Resolution = model.ResolutionCompleted
		if slices.Contains(s.opts.Status.DroppedReasons, is.RawResolution) {
			is.Resolution = model.ResolutionDropped
		}
		is.StatusChanged = is.Closed
	}
	if p, ok := s.placeOf(it); ok && it.GetState() != "closed" {
		is.StatusChanged = p.updated
	}
	is.Priority, is.RawPriority = s.priority(is.Labels)
	if m := it.Milestone; m != nil {
		is.Iteration = &model.Iteration{Name: m.GetTitle(), End: m.GetDueOn().Time.UTC(), State: m.GetState()}
		if due := m.GetDueOn().Time.UTC(); !due.IsZero() {
			is.Due = time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC)
		}
	}
	if jira, ok := textref.TitleMirror(is.Title); ok {
		is.Mirrors = []string{jira}
	}
	for _, ref := range textref.Blockers(is.Body, r.owner, r.name, s.hosts...) {
		if ref.Key != is.Key {
			is.Links = append(is.Links, model.Link{From: ref.Key, To: is.Key, Type: model.Blocks,
				Origin: model.OriginTextReference, RawType: ref.Raw})
		}
	}
	return is
}

// status maps state, the boards and the configured labels: closed is done;
// an open issue on a board has the status its option there means (todo for
// any other option, or none); else one with a blocked label is blocked, with
// an in-progress label in progress, else todo. RawStatus is the state, with
// the deciding option or label after a slash; label is that label.
func (s *Source) status(it *item) (st model.Status, raw, label string) {
	if it.GetState() == "closed" {
		return model.StatusDone, "closed", ""
	}
	if p, ok := s.placeOf(it); ok {
		if p.option == "" {
			return p.status, it.GetState(), ""
		}
		return p.status, "open/" + p.option, ""
	}
	if l := firstLabel(it.Labels, s.opts.Status.BlockedLabels); l != "" {
		return model.StatusBlocked, "open/" + l, l
	}
	if l := firstLabel(it.Labels, s.opts.Status.InProgressLabels); l != "" {
		return model.StatusInProgress, "open/" + l, l
	}
	return model.StatusTodo, it.GetState(), ""
}

// firstLabel returns the first of labels named in want, ignoring case.
func firstLabel(labels []*github.Label, want []string) string {
	for _, l := range labels {
		for _, w := range want {
			if strings.EqualFold(l.GetName(), w) {
				return l.GetName()
			}
		}
	}
	return ""
}

// priority is the highest priority among the labels the configuration
// names, with that label.
func (s *Source) priority(labels []string) (int, string) {
	best, raw := 0, ""
	for _, l := range labels {
		for name, p := range s.opts.Priority {
			if strings.EqualFold(l, name) && (best == 0 || p < best) {
				best, raw = p, l
			}
		}
	}
	return best, raw
}

// keyOf is the model key of an issue returned by the API, from its
// repository_url (…/repos/{owner}/{repo}) and number.
func keyOf(it *github.Issue) (string, bool) {
	rest, name, ok := cutLastSlash(strings.TrimSuffix(it.GetRepositoryURL(), "/"))
	rest, owner, ok2 := cutLastSlash(rest)
	if _, repos, _ := cutLastSlash(rest); !ok || !ok2 || repos != "repos" || it.GetNumber() == 0 {
		return "", false
	}
	return model.GitHubKey(owner, name, it.GetNumber()), true
}

// cutLastSlash splits s around its last slash; without one, after is all of s.
// keyOf reads a URL's last segments with it rather than split the whole URL
// (once for every issue converted and every board item).
func cutLastSlash(s string) (before, after string, found bool) {
	i := strings.LastIndexByte(s, '/')
	return s[:max(i, 0)], s[i+1:], i >= 0
}
