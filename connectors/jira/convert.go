package jira

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/batonhq/baton/connectors/textref"
	"github.com/batonhq/baton/model"
)

// jiraTime is the layout of Jira timestamps ("2026-11-20T10:00:00.000-0800").
const jiraTime = "2006-01-02T15:04:05.999-0700"

// convert maps one Jira issue and its complete changelog onto the model.
// It keeps the raw status, resolution and priority next to the normalised ones.
func (s *Source) convert(is *issue, histories []changedHistory, custom customFields) model.Issue {
	f := is.Fields
	key := model.JiraKey(is.Key)
	out := model.Issue{
		Key: key, Source: s.src.Name, System: model.Jira,
		URL:   s.base + "browse/" + is.Key,
		Title: f.Summary, Body: f.Description,
		Labels:  slices.DeleteFunc(slices.Clone(f.Labels), func(l string) bool { return l == "" }), // a null decodes as ""
		Created: time.Time(f.Created).UTC(), Updated: time.Time(f.Updated).UTC(),
	}
	if f.Status != nil {
		out.RawStatus = f.Status.Name
		out.Status = s.status(f.Status)
	}
	if out.Status == model.StatusDone {
		out.Resolution = model.ResolutionCompleted
		if f.Resolution != nil {
			out.RawResolution = f.Resolution.Name
			if containsFold(s.opts.Status.DroppedResolutions, f.Resolution.Name) {
				out.Resolution = model.ResolutionDropped
			}
		}
		out.Closed = time.Time(f.Resolutiondate).UTC()
	}
	if f.Priority != nil {
		out.RawPriority = f.Priority.Name
		out.Priority = s.priority(f.Priority.Name)
	}
	if a := f.Assignee; a != nil {
		out.Assignees = []string{firstNonEmpty(a.DisplayName, a.AccountID, a.Name, a.EmailAddress)}
	}
	for _, c := range f.Components {
		if c != nil { // a null in a list is skipped, here and below: no payload may crash a round
			out.Components = append(out.Components, c.Name)
		}
	}
	if d := time.Time(f.Duedate); !d.IsZero() {
		out.Due = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	}
	if custom.sprint != "" {
		out.Iteration = iteration(f.Unknowns[custom.sprint])
	}
	out.StatusChanged, out.ActivityEvents = activity(histories, f.Comments)
	if out.Closed.IsZero() && out.Status == model.StatusDone {
		out.Closed = out.StatusChanged
	}
	out.Links = append(s.links(key, f.IssueLinks), parents(key, f, custom)...)
	refs := textref.Blockers(f.Description, "", "", s.opts.GitHubHosts...)
	blockers := map[string]bool{}
	for _, r := range refs {
		blockers[r.Key] = true
		out.Links = append(out.Links, model.Link{From: r.Key, To: key, Type: model.Blocks, Origin: model.OriginTextReference, RawType: r.Raw})
	}
	for _, k := range textref.GitHubIssueURLs(f.Description, s.opts.GitHubHosts...) {
		if !blockers[k] {
			out.Mirrors = append(out.Mirrors, k)
		}
	}
	return out
}

// parents reads the issue's place in the hierarchy as Parent links to it:
// parent (a sub-task's parent; on Cloud and in team-managed projects also an
// epic) and Data Center's Epic Link, whose value is the epic's key.
func parents(self string, f *issueFields, custom customFields) []model.Link {
	var out []model.Link
	if f.Parent != nil && f.Parent.Key != "" {
		out = append(out, model.Link{From: model.JiraKey(f.Parent.Key), To: self, Type: model.Parent, Origin: model.OriginJiraParent, RawType: "parent"})
	}
	if custom.epicLink == "" {
		return out
	}
	if epic, ok := f.Unknowns[custom.epicLink].(string); ok && epic != "" {
		out = append(out, model.Link{From: model.JiraKey(epic), To: self, Type: model.Parent, Origin: model.OriginJiraParent, RawType: "Epic Link"})
	}
	return out
}

func (s *Source) status(st *pageStatus) model.Status {
	switch st.StatusCategory.Key {
	case "done":
		return model.StatusDone
	}
	if containsFold(s.opts.Status.BlockedStatuses, st.Name) {
		return model.StatusBlocked
	}
	if st.StatusCategory.Key == "indeterminate" {
		return model.StatusInProgress
	}
	return model.StatusTodo
}

func (s *Source) priority(name string) int {
	for k, v := range s.opts.Priority {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return 0
}

// links reads Jira issue links from this issue's side: an inwardIssue on a
// blocking link means this issue "is blocked by" it; an outwardIssue means
// this issue blocks it. Link types are matched by name or id, never by their
// renameable inward/outward texts, which are kept as RawType.
func (s *Source) links(self string, ls []*pageLink) []model.Link {
	var out []model.Link
	for _, l := range ls {
		if l == nil {
			continue
		}
		typ := model.Relates
		switch {
		case containsFold(s.opts.Status.BlockingLinkTypes, l.Type.Name) || slices.Contains(s.opts.Status.BlockingLinkTypes, l.Type.ID):
			typ = model.Blocks
		case strings.EqualFold(l.Type.Name, "Relates"):
		default:
			continue
		}
		switch { // an end without a key names no issue
		case l.InwardIssue != nil && l.InwardIssue.Key != "":
			out = append(out, model.Link{From: model.JiraKey(l.InwardIssue.Key), To: self, Type: typ, Origin: model.OriginJiraLink, RawType: l.Type.Inward})
		case l.OutwardIssue != nil && l.OutwardIssue.Key != "":
			out = append(out, model.Link{From: self, To: model.JiraKey(l.OutwardIssue.Key), Type: typ, Origin: model.OriginJiraLink, RawType: l.Type.Outward})
		}
	}
	return out
}

// activity returns the time of the last status change and the times of every
// other change and comment, oldest first.
func activity(histories []changedHistory, comments *pageComments) (time.Time, []time.Time) {
	var statusChanged time.Time
	var events []time.Time
	for _, h := range histories {
		at, err := parseJiraTime(h.Created)
		if err != nil {
			continue // a history without a readable time says nothing about when
		}
		if slices.ContainsFunc(h.Items, func(it changedItem) bool { return strings.EqualFold(it.Field, "status") }) {
			if at.After(statusChanged) {
				statusChanged = at
			}
			continue
		}
		events = append(events, at)
	}
	if comments != nil {
		for _, c := range comments.Comments {
			if c == nil {
				continue
			}
			if at, err := parseJiraTime(c.Created); err == nil {
				events = append(events, at)
			}
		}
	}
	slices.SortFunc(events, time.Time.Compare)
	return statusChanged, events
}

// cloudSprint is one value of the sprint field on Jira Cloud.
type cloudSprint struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	State     string `json:"state"`
	StartDate string `json:"startDate"`
	EndDate   string `json:"endDate"`
}

// iteration reads the sprint field: objects on Cloud, the legacy
// "com.atlassian.greenhopper.service.sprint.Sprint@…[id=1,state=ACTIVE,…]"
// strings on Data Center. It prefers the active sprint, else the latest.
func iteration(v any) *model.Iteration {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil
	}
	var best *model.Iteration
	bestID := -1
	for _, item := range list {
		var sp cloudSprint
		switch x := item.(type) {
		case nil:
			continue
		case string:
			sp = parseLegacySprint(x)
		default:
			var ok bool
			if sp, ok = cloudSprintOf(x); !ok {
				continue
			}
		}
		it := &model.Iteration{Name: sp.Name, State: strings.ToLower(sp.State), Start: parseSprintTime(sp.StartDate), End: parseSprintTime(sp.EndDate)}
		if best == nil || better(it, sp.ID, best, bestID) {
			best, bestID = it, sp.ID
		}
	}
	return best
}

// cloudSprintOf reads a decoded sprint object as decoding its JSON into
// cloudSprint does; ok is false where that fails. Encoding and decoding each
// sprint again took 0.2 CPU-seconds of a 200,000-issue sync. The common shape
// (the five keys exactly, each a number or text or null) is read directly;
// anything else goes the long way round: keys matching a field only when case
// is folded, text that is not UTF-8, ids beyond 2⁵³, and values of types no
// decoder of JSON into an interface makes.
func cloudSprintOf(x any) (sp cloudSprint, ok bool) {
	m, isMap := x.(map[string]any)
	if !isMap {
		return sprintRoundTrip(x)
	}
	for k, v := range m {
		var text *string
		switch k {
		case "id":
			switch n := v.(type) {
			case nil:
			case float64: // decoded into an int only when integral
				if n != math.Trunc(n) {
					return sp, false
				}
				if math.Abs(n) >= 1<<53 { // JSON gives it in its shortest digits, which may not fit
					return sprintRoundTrip(x)
				}
				sp.ID = int(n)
			case string, bool, []any, map[string]any:
				return sp, false
			default:
				return sprintRoundTrip(x)
			}
			continue
		case "name":
			text = &sp.Name
		case "state":
			text = &sp.State
		case "startDate":
			text = &sp.StartDate
		case "endDate":
			text = &sp.EndDate
		default:
			if slices.ContainsFunc(cloudSprintKeys, func(f string) bool { return strings.EqualFold(f, k) }) {
				return sprintRoundTrip(x)
			}
			continue
		}
		switch t := v.(type) {
		case nil:
		case string:
			if !utf8.ValidString(t) {
				return sprintRoundTrip(x)
			}
			*text = t
		case float64, bool, []any, map[string]any:
			return sp, false
		default:
			return sprintRoundTrip(x)
		}
	}
	return sp, true
}

// cloudSprintKeys are the JSON names of cloudSprint's fields.
var cloudSprintKeys = []string{"id", "name", "state", "startDate", "endDate"}

// sprintRoundTrip decodes x into a cloudSprint by encoding it as JSON.
func sprintRoundTrip(x any) (sp cloudSprint, ok bool) {
	b, err := json.Marshal(x)
	return sp, err == nil && json.Unmarshal(b, &sp) == nil
}

// better reports whether sprint a beats b: active first, then the latest start, then the higher id.
func better(a *model.Iteration, aID int, b *model.Iteration, bID int) bool {
	if (a.State == "active") != (b.State == "active") {
		return a.State == "active"
	}
	if !a.Start.Equal(b.Start) {
		return a.Start.After(b.Start)
	}
	return aID > bID
}

// parseLegacySprint reads Data Center's sprint string. Its values are not
// quoted, so a comma in a name or goal looks like a separator: the body is
// split only before the keys GreenHopper writes.
func parseLegacySprint(s string) cloudSprint {
	var sp cloudSprint
	open, end := strings.IndexByte(s, '['), strings.LastIndexByte(s, ']')
	if open < 0 || end < open {
		return sp
	}
	for k, v := range legacySprintFields(s[open+1 : end]) {
		if v == "<null>" {
			v = ""
		}
		switch k {
		case "id":
			sp.ID, _ = strconv.Atoi(v)
		case "name":
			sp.Name = v
		case "state":
			sp.State = v
		case "startDate":
			sp.StartDate = v
		case "endDate":
			sp.EndDate = v
		}
	}
	return sp
}

// legacySprintKeys are the keys of Sprint.toString() in Jira Software's
// GreenHopper (com.atlassian.greenhopper.service.sprint.Sprint).
var legacySprintKeys = []string{"id", "rapidViewId", "state", "name", "startDate", "endDate", "completeDate",
	"activatedDate", "sequence", "goal", "autoStartStop", "synced", "incompleteIssuesDestinationId"}

// legacySprintFields splits "id=1,name=a, b,goal=…" at each comma followed
// by a known key and "=", so commas elsewhere stay in their value. The first
// of a key wins: Jira writes the free-text goal after id, state, name and
// dates, so "k=" inside a goal cannot replace them.
func legacySprintFields(body string) map[string]string {
	keyAt := func(i int) string {
		for _, k := range legacySprintKeys {
			if strings.HasPrefix(body[i:], k+"=") {
				return k
			}
		}
		return ""
	}
	var starts []int
	for i := range len(body) {
		if (i == 0 || body[i-1] == ',') && keyAt(i) != "" {
			starts = append(starts, i)
		}
	}
	out := make(map[string]string, len(starts))
	for j, at := range starts {
		end := len(body)
		if j+1 < len(starts) {
			end = starts[j+1] - 1
		}
		k := keyAt(at)
		if _, seen := out[k]; !seen {
			out[k] = body[at+len(k)+1 : end]
		}
	}
	return out
}

func parseSprintTime(v string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00", jiraTime} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
