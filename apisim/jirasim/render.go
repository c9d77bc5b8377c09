package jirasim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/batonhq/baton/apisim/jsonappend"
)

// Issues are rendered to JSON only on request, so the stored form stays small.

const jiraTime = "2006-01-02T15:04:05.000-0700"

// fieldSet is the parsed `fields` parameter.
type fieldSet struct {
	all      bool
	only     map[string]bool
	excluded map[string]bool
}

// parseFields reads `fields` values (comma-separated, repeatable). With none,
// Cloud's enhanced search returns ids only and everything else all fields.
func parseFields(vals []string, idOnlyDefault bool) fieldSet {
	fs := fieldSet{only: map[string]bool{}, excluded: map[string]bool{}}
	for _, v := range vals {
		for _, f := range strings.Split(v, ",") {
			switch f = strings.TrimSpace(f); {
			case f == "":
			case f == "*all" || f == "*navigable":
				fs.all = true
			case strings.HasPrefix(f, "-"):
				fs.excluded[f[1:]] = true
			default:
				fs.only[f] = true
			}
		}
	}
	if !fs.all && len(fs.only) == 0 && !idOnlyDefault {
		fs.all = true
	}
	return fs
}

func (fs fieldSet) has(f string) bool {
	return !fs.excluded[f] && (fs.all || fs.only[f])
}

// idOnly reports whether only ids were asked for (Cloud's default).
func (fs fieldSet) idOnly() bool {
	return !fs.all && (len(fs.only) == 0 || len(fs.only) == 1 && fs.only["id"])
}

// keysOnly reports whether nothing but ids and keys were asked for.
func (fs fieldSet) keysOnly() bool {
	if fs.all {
		return false
	}
	for f := range fs.only {
		if f != "id" && f != "key" {
			return false
		}
	}
	return true
}

type renderer struct {
	s    *Server
	base string // scheme://host of the request
	// memos are the JSON of the statuses, priorities, resolutions and
	// users rendered so far: a page repeats a few of them in every issue,
	// comment and history.
	memos map[string]json.RawMessage
}

func newRenderer(s *Server, base string) renderer {
	return renderer{s: s, base: base, memos: map[string]json.RawMessage{}}
}

// memo is render's value as JSON, rendered once per renderer for key; nil
// when render's value is nil.
func (rd renderer) memo(key string, render func() any) any {
	if b, ok := rd.memos[key]; ok {
		return b
	}
	v := render()
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v) // the simulator's own types: cannot fail
	rd.memos[key] = b
	return json.RawMessage(b)
}

// issue renders one issue. embedded > 0 embeds that many newest histories.
// The caller holds s.mu for reading.
func (rd renderer) issue(r *record, fs fieldSet, embedded int) map[string]any {
	id := strconv.Itoa(r.ID)
	if fs.idOnly() {
		return map[string]any{"id": id}
	}
	out := map[string]any{
		"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
		"id":     id, "key": r.Key, "self": rd.base + "/rest/api/2/issue/" + id,
	}
	fields := make(jsonappend.Object, 0, 20) // sorted below, as a map's keys are
	add := func(name string, v func() any) {
		if fs.has(name) {
			fields = append(fields, jsonappend.Member{Name: name, Value: v()})
		}
	}
	add("summary", func() any { return r.Summary })
	add("description", func() any { return nullIfEmpty(r.Description) })
	add("project", func() any {
		return rd.memo("project\x00"+r.Project, func() any {
			return map[string]any{"key": r.Project, "name": r.Project, "id": statusID("project:" + r.Project)}
		})
	})
	add("issuetype", func() any {
		return rd.memo("issuetype", func() any { return map[string]any{"id": "10001", "name": "Task", "subtask": false} })
	})
	add("status", func() any { return rd.status(r.Status) })
	add("priority", func() any { return rd.priority(r.Priority) })
	add("assignee", func() any { return rd.user(r.Assignee) })
	add("duedate", func() any { return nullIfEmpty(r.Due) })
	add("resolution", func() any { return rd.resolution(r.Resolution) })
	add("resolutiondate", func() any { return rd.time(r.Resolved) })
	add("created", func() any { return rd.time(r.Created) })
	add("updated", func() any { return rd.time(r.Updated) })
	add("labels", func() any { return nonNil(r.Labels) })
	add("components", func() any { return rd.components(r.Components) })
	add("comment", func() any { return rd.comments(r.Comments) })
	add("issuelinks", func() any { return rd.links(r) })
	add(rd.s.opts.SprintField, func() any { return rd.sprints(r.Sprints) })
	parent := r.Parent
	if rd.s.opts.Deployment == Cloud {
		parent = cmp.Or(parent, r.Epic)
	} else {
		add(rd.s.opts.EpicLinkField, func() any { return nullIfEmpty(r.Epic) })
	}
	if parent != "" {
		add("parent", func() any { return rd.parent(parent) })
	}
	slices.SortFunc(fields, func(a, b jsonappend.Member) int { return strings.Compare(a.Name, b.Name) })
	out["fields"] = fields
	if embedded > 0 {
		h := r.Histories
		if len(h) > embedded {
			h = h[len(h)-embedded:] // silently the newest only, as Jira does
		}
		out["changelog"] = map[string]any{"startAt": 0, "maxResults": len(h), "total": len(h), "histories": rd.histories(h)}
	}
	return out
}

// parent renders the parent field as Jira does: the parent's id, key, self
// and a few of its fields.
func (rd renderer) parent(key string) any {
	out := map[string]any{"key": key}
	if p, ok := rd.s.issues[key]; ok {
		id := strconv.Itoa(p.ID)
		out["id"], out["self"] = id, rd.base+"/rest/api/2/issue/"+id
		out["fields"] = map[string]any{"summary": p.Summary, "status": rd.status(p.Status), "priority": rd.priority(p.Priority)}
	}
	return out
}

func (rd renderer) time(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(rd.s.zone).Format(jiraTime)
}

// The objects an issue carries many of are structs rather than maps, which
// encoding/json would sort the keys of on every page.

type statusJSON struct {
	Self           string             `json:"self"`
	Description    string             `json:"description"`
	IconURL        string             `json:"iconUrl"`
	Name           string             `json:"name"`
	ID             string             `json:"id"`
	StatusCategory statusCategoryJSON `json:"statusCategory"`
}

type statusCategoryJSON struct {
	Self      string `json:"self"`
	ID        int    `json:"id"`
	Key       string `json:"key"`
	ColorName string `json:"colorName"`
	Name      string `json:"name"`
}

type namedJSON struct { // a priority or resolution
	Self        string  `json:"self"`
	IconURL     *string `json:"iconUrl,omitempty"`
	Description *string `json:"description,omitempty"`
	Name        string  `json:"name"`
	ID          string  `json:"id"`
}

type userJSON struct {
	Self         string `json:"self"`
	AccountID    string `json:"accountId,omitempty"`   // Cloud
	AccountType  string `json:"accountType,omitempty"` // Cloud
	Name         string `json:"name,omitempty"`        // Data Center
	Key          string `json:"key,omitempty"`         // Data Center
	DisplayName  string `json:"displayName"`
	EmailAddress string `json:"emailAddress"`
	Active       bool   `json:"active"`
	TimeZone     string `json:"timeZone"`
}

func (rd renderer) status(name string) any {
	return rd.memo("status\x00"+name, func() any { return rd.statusOf(name) })
}

func (rd renderer) statusOf(name string) statusJSON {
	cat := rd.s.statuses[name]
	catID, catName, color := 2, "To Do", "blue-gray"
	switch cat {
	case CategoryIndeterminate:
		catID, catName, color = 4, "In Progress", "yellow"
	case CategoryDone:
		catID, catName, color = 3, "Done", "green"
	}
	id := statusID(name)
	return statusJSON{
		Self: rd.base + "/rest/api/2/status/" + id, Name: name, ID: id,
		StatusCategory: statusCategoryJSON{Self: rd.base + "/rest/api/2/statuscategory/" + strconv.Itoa(catID), ID: catID, Key: cat, ColorName: color, Name: catName},
	}
}

func (rd renderer) priority(name string) any {
	return rd.memo("priority\x00"+name, func() any { return rd.priorityOf(name) })
}

func (rd renderer) priorityOf(name string) any {
	if name == "" {
		return nil
	}
	id := statusID("priority:" + name)
	return &namedJSON{Self: rd.base + "/rest/api/2/priority/" + id, IconURL: new(""), Name: name, ID: id}
}

func (rd renderer) resolution(name string) any {
	return rd.memo("resolution\x00"+name, func() any { return rd.resolutionOf(name) })
}

func (rd renderer) resolutionOf(name string) any {
	if name == "" {
		return nil
	}
	id := statusID("resolution:" + name)
	return &namedJSON{Self: rd.base + "/rest/api/2/resolution/" + id, Description: new(""), Name: name, ID: id}
}

func (rd renderer) user(accountID string) any {
	return rd.memo("user\x00"+accountID, func() any { return rd.userOf(accountID) })
}

func (rd renderer) userOf(accountID string) any {
	u, ok := rd.s.users[accountID]
	if !ok {
		return nil
	}
	m := &userJSON{DisplayName: u.DisplayName, EmailAddress: u.Email, Active: true, TimeZone: rd.s.opts.TimeZone}
	if rd.s.opts.Deployment == Cloud {
		m.AccountID, m.AccountType = u.AccountID, "atlassian"
		m.Self = rd.base + "/rest/api/2/user?accountId=" + u.AccountID
	} else {
		m.Name, m.Key = u.AccountID, u.AccountID
		m.Self = rd.base + "/rest/api/2/user?username=" + u.AccountID
	}
	return m
}

func (rd renderer) components(names []string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		id := statusID("component:" + n)
		out[i] = map[string]any{"self": rd.base + "/rest/api/2/component/" + id, "id": id, "name": n}
	}
	return out
}

// comments renders cs as Jira's comment page: Objects whose members are in
// the order of a map's sorted keys, which is how Jira's maps were encoded.
func (rd renderer) comments(cs []Comment) jsonappend.Object {
	list := make([]any, len(cs))
	for i, c := range cs {
		// Comments come in UTC (+0000) while issue fields use the account's zone.
		at := c.Created.UTC().Format(jiraTime)
		list[i] = jsonappend.Object{{Name: "author", Value: rd.user(c.Author)}, {Name: "body", Value: c.Body},
			{Name: "created", Value: at}, {Name: "id", Value: strconv.Itoa(500000 + i)}, {Name: "updated", Value: at}}
	}
	return jsonappend.Object{{Name: "comments", Value: list}, {Name: "maxResults", Value: len(cs)},
		{Name: "startAt", Value: 0}, {Name: "total", Value: len(cs)}}
}

// links shows each link from this issue's side: the other issue as
// outwardIssue when this one is the link's From ("this blocks that"), as
// inwardIssue when it is its To ("this is blocked by that").
func (rd renderer) links(r *record) []any {
	out := make([]any, 0, len(r.links))
	for _, l := range r.links {
		lt := linkTypes[l.Type]
		m := map[string]any{
			"id": strconv.Itoa(l.ID), "self": rd.base + "/rest/api/2/issueLink/" + strconv.Itoa(l.ID),
			"type": map[string]any{"id": lt.id, "name": l.Type, "inward": lt.inward, "outward": lt.outward, "self": rd.base + "/rest/api/2/issueLinkType/" + lt.id},
		}
		if l.From == r.Key {
			m["outwardIssue"] = rd.linked(l.To)
		} else {
			m["inwardIssue"] = rd.linked(l.From)
		}
		out = append(out, m)
	}
	return out
}

func (rd renderer) linked(key string) map[string]any {
	o := rd.s.issues[key]
	id := strconv.Itoa(o.ID)
	return map[string]any{
		"id": id, "key": key, "self": rd.base + "/rest/api/2/issue/" + id,
		"fields": map[string]any{"summary": o.Summary, "status": rd.status(o.Status), "priority": rd.priority(o.Priority)},
	}
}

// sprints renders the sprint field: objects on Cloud, the legacy
// "com.atlassian.greenhopper…Sprint@…[k=v,…]" strings on Data Center.
func (rd renderer) sprints(ids []int) any {
	if len(ids) == 0 {
		return nil
	}
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		sp := rd.s.sprints[id]
		if sp == nil {
			continue
		}
		if rd.s.opts.Deployment == DataCenter {
			out = append(out, fmt.Sprintf("com.atlassian.greenhopper.service.sprint.Sprint@%x[id=%d,rapidViewId=1,state=%s,name=%s,startDate=%s,endDate=%s,completeDate=<null>,activatedDate=<null>,sequence=%d,goal=%s,autoStartStop=false,synced=false]",
				0x5e00+id, sp.ID, strings.ToUpper(sp.State), sp.Name, dcSprintTime(sp.Start, rd.s.zone), dcSprintTime(sp.End, rd.s.zone), sp.ID, sp.Goal))
			continue
		}
		m := map[string]any{"id": sp.ID, "name": sp.Name, "state": sp.State, "boardId": 1, "goal": sp.Goal}
		if !sp.Start.IsZero() {
			m["startDate"] = sp.Start.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		if !sp.End.IsZero() {
			m["endDate"] = sp.End.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		out = append(out, m)
	}
	return out
}

func dcSprintTime(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return "<null>"
	}
	return t.In(zone).Format("2006-01-02T15:04:05.000-07:00")
}

// histories renders hs as Objects (Jira's member order, written without
// reflection: a bulk changelog page holds hundreds).
func (rd renderer) histories(hs []History) []any {
	out := make([]any, len(hs))
	for i, h := range hs {
		items := make([]any, len(h.Items))
		for j, c := range h.Items {
			items[j] = jsonappend.Object{{Name: "field", Value: c.Field}, {Name: "fieldtype", Value: c.FieldType},
				{Name: "from", Value: nullIfEmpty(c.From)}, {Name: "fromString", Value: nullIfEmpty(c.FromString)},
				{Name: "to", Value: nullIfEmpty(c.To)}, {Name: "toString", Value: nullIfEmpty(c.ToString)}}
		}
		out[i] = jsonappend.Object{{Name: "id", Value: strconv.Itoa(h.ID)}, {Name: "author", Value: rd.user(h.Author)},
			{Name: "created", Value: rd.time(h.Created)}, {Name: "items", Value: items}}
	}
	return out
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
