package jirasim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
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
}

// memos are JSON rendered for a request base by key: a page repeats a few
// statuses, priorities and users in every issue, comment and history, and
// a sync asks thousands of pages.
type memos struct {
	mu sync.Mutex
	m  map[memoKey]json.RawMessage
}

// memoKey names what is kept: its kind ("status", "user"...), its name and
// the request base, without building a string of them on every field.
type memoKey struct{ base, kind, name string }

// maxMemos bounds what is kept: statuses, users and bases are few, but a
// client chooses the Host it sends.
const maxMemos = 10_000

func (m *memos) clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m = nil
}

// memo is render's value as JSON, rendered once per request base for the
// kind and name (until a status or user changes); nil when render's value
// is nil. The caller holds s.mu.
func (rd renderer) memo(kind, name string, render func() any) json.RawMessage {
	m := &rd.s.memos
	k := memoKey{rd.base, kind, name}
	m.mu.Lock()
	b, ok := m.m[k]
	m.mu.Unlock()
	if ok {
		return b
	}
	v := render()
	if v == nil {
		return nil
	}
	b, _ = json.Marshal(v) // the simulator's own types: cannot fail
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil || len(m.m) >= maxMemos {
		m.m = map[memoKey]json.RawMessage{}
	}
	m.m[k] = b
	return b
}

// issue renders one issue's JSON. embedded > 0 embeds that many newest
// histories. The caller holds s.mu for reading.
func (rd renderer) issue(r *record, fs fieldSet, embedded int) json.RawMessage {
	return rd.appendIssue(nil, r, fs, rd.fieldsOf(fs), embedded)
}

// appendIssue appends issue's JSON to dst: the issue's and its fields'
// members in the order encoding/json wrote them as maps (sorted), written
// without building the maps, for a search page holds a hundred issues.
// fields are rd.fieldsOf(fs).
func (rd renderer) appendIssue(dst []byte, r *record, fs fieldSet, fields issueFields, embedded int) []byte {
	id := strconv.Itoa(r.ID)
	if fs.idOnly() {
		return append(jsonappend.String(append(dst, `{"id":`...), id), '}')
	}
	dst = append(dst, '{')
	if embedded > 0 {
		h := r.Histories
		if len(h) > embedded {
			h = h[len(h)-embedded:] // silently the newest only, as Jira does
		}
		dst = rd.appendHistories(append(dst, `"changelog":{"histories":`...), h)
		dst = strconv.AppendInt(append(dst, `,"maxResults":`...), int64(len(h)), 10)
		dst = strconv.AppendInt(append(dst, `,"startAt":0,"total":`...), int64(len(h)), 10)
		dst = append(dst, "},"...)
	}
	dst = append(dst, `"expand":"renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations","fields":{`...)
	for i, f := range fields.of(rd.parentOf(r) != "") {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = rd.appendField(append(jsonappend.String(dst, f.name), ':'), r, f.kind)
	}
	dst = jsonappend.String(append(dst, `},"id":`...), id)
	dst = jsonappend.String(append(dst, `,"key":`...), r.Key)
	dst = jsonappend.String(append(dst, `,"self":`...), rd.base+"/rest/api/2/issue/"+id)
	return append(dst, '}')
}

// A field is one of an issue's fields: its name (the sprint and Epic Link
// fields' are the site's custom field ids) and which it is.
type field struct {
	name string
	kind fieldKind
}

type fieldKind int

const (
	fieldSummary fieldKind = iota
	fieldDescription
	fieldProject
	fieldIssueType
	fieldStatus
	fieldPriority
	fieldAssignee
	fieldDueDate
	fieldResolution
	fieldResolutionDate
	fieldCreated
	fieldUpdated
	fieldLabels
	fieldComponents
	fieldComment
	fieldIssueLinks
	fieldSprint
	fieldEpicLink
	fieldParent
)

// issueFields are the fields fs asks for, in a map's key order, of an
// issue without a parent and of one with.
type issueFields [2][]field

func (f issueFields) of(parent bool) []field {
	if parent {
		return f[1]
	}
	return f[0]
}

// fieldsOf are the fields fs asks for.
func (rd renderer) fieldsOf(fs fieldSet) issueFields {
	return issueFields{rd.fieldList(fs, false), rd.fieldList(fs, true)}
}

// fieldList are the fields fs asks for of an issue with or without a
// parent, in a map's key order; one a later one names again (a custom
// field id clashing) is left out, as a map would keep only the later.
func (rd renderer) fieldList(fs fieldSet, parent bool) []field {
	out := make([]field, 0, 20)
	add := func(name string, kind fieldKind) {
		if fs.has(name) {
			out = append(out, field{name, kind})
		}
	}
	for kind, name := range []string{"summary", "description", "project", "issuetype", "status", "priority", "assignee",
		"duedate", "resolution", "resolutiondate", "created", "updated", "labels", "components", "comment", "issuelinks"} {
		add(name, fieldKind(kind))
	}
	add(rd.s.opts.SprintField, fieldSprint)
	if rd.s.opts.Deployment != Cloud {
		add(rd.s.opts.EpicLinkField, fieldEpicLink)
	}
	if parent {
		add("parent", fieldParent)
	}
	slices.SortStableFunc(out, func(a, b field) int { return strings.Compare(a.name, b.name) })
	kept := out[:0]
	for i, f := range out {
		if i+1 < len(out) && out[i+1].name == f.name {
			continue // the later wins
		}
		kept = append(kept, f)
	}
	return kept
}

// parentOf is the key the parent field names: the parent's, or on Cloud
// the epic's, or "" for none.
func (rd renderer) parentOf(r *record) string {
	if rd.s.opts.Deployment == Cloud {
		return cmp.Or(r.Parent, r.Epic)
	}
	return r.Parent
}

// appendField appends the value of r's field of kind.
func (rd renderer) appendField(dst []byte, r *record, kind fieldKind) []byte {
	switch kind {
	case fieldSummary:
		return jsonappend.String(dst, r.Summary)
	case fieldDescription:
		return appendNullable(dst, r.Description)
	case fieldProject:
		return jsonappend.Raw(dst, rd.memo("project", r.Project, func() any {
			return map[string]any{"key": r.Project, "name": r.Project, "id": statusID("project:" + r.Project)}
		}))
	case fieldIssueType:
		return jsonappend.Raw(dst, rd.memo("issuetype", "", func() any { return map[string]any{"id": "10001", "name": "Task", "subtask": false} }))
	case fieldStatus:
		return jsonappend.Raw(dst, rd.status(r.Status))
	case fieldPriority:
		return jsonappend.Raw(dst, rd.priority(r.Priority))
	case fieldAssignee:
		return jsonappend.Raw(dst, rd.user(r.Assignee))
	case fieldDueDate:
		return appendNullable(dst, r.Due)
	case fieldResolution:
		return jsonappend.Raw(dst, rd.resolution(r.Resolution))
	case fieldResolutionDate:
		return rd.appendTime(dst, r.Resolved)
	case fieldCreated:
		return rd.appendTime(dst, r.Created)
	case fieldUpdated:
		return rd.appendTime(dst, r.Updated)
	case fieldLabels:
		return jsonappend.Value(dst, nonNil(r.Labels))
	case fieldComponents:
		return rd.appendComponents(dst, r.Components)
	case fieldComment:
		return rd.appendComments(dst, r.Comments)
	case fieldIssueLinks:
		return rd.appendLinks(dst, r)
	case fieldSprint:
		return rd.appendSprints(dst, r.Sprints)
	case fieldEpicLink:
		return appendNullable(dst, r.Epic)
	default: // fieldParent
		return jsonappend.Value(dst, rd.parent(rd.parentOf(r)))
	}
}

// appendTime appends t as Jira writes a time, in the account's zone, or
// null for the zero time.
func (rd renderer) appendTime(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, "null"...)
	}
	return append(t.In(rd.s.zone).AppendFormat(append(dst, '"'), jiraTime), '"')
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

func (rd renderer) status(name string) json.RawMessage {
	return rd.memo("status", name, func() any { return rd.statusOf(name) })
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

func (rd renderer) priority(name string) json.RawMessage {
	return rd.memo("priority", name, func() any { return rd.priorityOf(name) })
}

func (rd renderer) priorityOf(name string) any {
	if name == "" {
		return nil
	}
	id := statusID("priority:" + name)
	return &namedJSON{Self: rd.base + "/rest/api/2/priority/" + id, IconURL: new(""), Name: name, ID: id}
}

func (rd renderer) resolution(name string) json.RawMessage {
	return rd.memo("resolution", name, func() any { return rd.resolutionOf(name) })
}

func (rd renderer) resolutionOf(name string) any {
	if name == "" {
		return nil
	}
	id := statusID("resolution:" + name)
	return &namedJSON{Self: rd.base + "/rest/api/2/resolution/" + id, Description: new(""), Name: name, ID: id}
}

func (rd renderer) user(accountID string) json.RawMessage {
	return rd.memo("user", accountID, func() any { return rd.userOf(accountID) })
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

// appendComponents appends the components field: objects of their id,
// name and self.
func (rd renderer) appendComponents(dst []byte, names []string) []byte {
	dst = append(dst, '[')
	for i, n := range names {
		if i > 0 {
			dst = append(dst, ',')
		}
		id := statusID("component:" + n)
		dst = jsonappend.String(append(dst, `{"id":`...), id)
		dst = jsonappend.String(append(dst, `,"name":`...), n)
		dst = append(rd.appendSelf(dst, "component", id), '}')
	}
	return append(dst, ']')
}

// appendSelf appends ,"self": and the URL of the resource of kind and id.
func (rd renderer) appendSelf(dst []byte, kind, id string) []byte {
	return jsonappend.String(append(dst, `,"self":`...), rd.base+"/rest/api/2/"+kind+"/"+id)
}

// appendComments appends cs as Jira's comment page, members in a map's
// sorted order.
func (rd renderer) appendComments(dst []byte, cs []Comment) []byte {
	dst = append(dst, `{"comments":[`...)
	for i, c := range cs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonappend.Raw(append(dst, `{"author":`...), rd.user(c.Author))
		dst = jsonappend.String(append(dst, `,"body":`...), c.Body)
		// Comments come in UTC (+0000) while issue fields use the account's zone.
		at := len(dst) + len(`,"created":`)
		dst = append(c.Created.UTC().AppendFormat(append(dst, `,"created":"`...), jiraTime), '"')
		created := dst[at:]
		dst = strconv.AppendInt(append(dst, `,"id":"`...), int64(500000+i), 10)
		dst = append(append(append(dst, `","updated":`...), created...), '}')
	}
	dst = strconv.AppendInt(append(dst, `],"maxResults":`...), int64(len(cs)), 10)
	return append(strconv.AppendInt(append(dst, `,"startAt":0,"total":`...), int64(len(cs)), 10), '}')
}

// appendLinks appends the issue links, each from this issue's side: the
// other issue as outwardIssue when this one is the link's From ("this
// blocks that"), as inwardIssue when it is its To ("this is blocked by
// that"). Members are in a map's sorted order, as the maps these once were
// were written.
func (rd renderer) appendLinks(dst []byte, r *record) []byte {
	dst = append(dst, '[')
	for i, l := range r.links {
		if i > 0 {
			dst = append(dst, ',')
		}
		id := strconv.Itoa(l.ID)
		dst = jsonappend.String(append(dst, `{"id":`...), id)
		if l.From == r.Key {
			dst = rd.appendLinked(append(dst, `,"outwardIssue":`...), l.To)
		} else {
			dst = rd.appendLinked(append(dst, `,"inwardIssue":`...), l.From)
		}
		dst = rd.appendSelf(dst, "issueLink", id)
		lt := linkTypes[l.Type]
		dst = jsonappend.String(append(dst, `,"type":{"id":`...), lt.id)
		dst = jsonappend.String(append(dst, `,"inward":`...), lt.inward)
		dst = jsonappend.String(append(dst, `,"name":`...), l.Type)
		dst = jsonappend.String(append(dst, `,"outward":`...), lt.outward)
		dst = append(rd.appendSelf(dst, "issueLinkType", lt.id), "}}"...)
	}
	return append(dst, ']')
}

// appendLinked appends the other issue of a link: its id, key, self and a
// few of its fields.
func (rd renderer) appendLinked(dst []byte, key string) []byte {
	o := rd.s.issues[key]
	dst = jsonappend.Raw(append(dst, `{"fields":{"priority":`...), rd.priority(o.Priority))
	dst = jsonappend.Raw(append(dst, `,"status":`...), rd.status(o.Status))
	dst = jsonappend.String(append(dst, `,"summary":`...), o.Summary)
	id := strconv.Itoa(o.ID)
	dst = jsonappend.String(append(dst, `},"id":`...), id)
	dst = jsonappend.String(append(dst, `,"key":`...), key)
	return append(rd.appendSelf(dst, "issue", id), '}')
}

// appendSprints appends the sprint field: objects on Cloud, the legacy
// "com.atlassian.greenhopper…Sprint@…[k=v,…]" strings on Data Center.
func (rd renderer) appendSprints(dst []byte, ids []int) []byte {
	if len(ids) == 0 {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	n := 0
	for _, id := range ids {
		sp := rd.s.sprints[id]
		if sp == nil {
			continue
		}
		if n++; n > 1 {
			dst = append(dst, ',')
		}
		if rd.s.opts.Deployment == DataCenter {
			dst = jsonappend.String(dst, rd.dcSprint(id, sp))
			continue
		}
		dst = append(dst, `{"boardId":1`...)
		if !sp.End.IsZero() {
			dst = append(sp.End.UTC().AppendFormat(append(dst, `,"endDate":"`...), sprintTime), '"')
		}
		dst = jsonappend.String(append(dst, `,"goal":`...), sp.Goal)
		dst = strconv.AppendInt(append(dst, `,"id":`...), int64(sp.ID), 10)
		dst = jsonappend.String(append(dst, `,"name":`...), sp.Name)
		if !sp.Start.IsZero() {
			dst = append(sp.Start.UTC().AppendFormat(append(dst, `,"startDate":"`...), sprintTime), '"')
		}
		dst = append(jsonappend.String(append(dst, `,"state":`...), sp.State), '}')
	}
	return append(dst, ']')
}

// sprintTime is how Cloud writes a sprint's dates: in UTC, with
// milliseconds.
const sprintTime = "2006-01-02T15:04:05.000Z"

// dcSprint is the string Data Center's sprint field holds for a sprint.
func (rd renderer) dcSprint(id int, sp *Sprint) string {
	return fmt.Sprintf("com.atlassian.greenhopper.service.sprint.Sprint@%x[id=%d,rapidViewId=1,state=%s,name=%s,startDate=%s,endDate=%s,completeDate=<null>,activatedDate=<null>,sequence=%d,goal=%s,autoStartStop=false,synced=false]",
		0x5e00+id, sp.ID, strings.ToUpper(sp.State), sp.Name, dcSprintTime(sp.Start, rd.s.zone), dcSprintTime(sp.End, rd.s.zone), sp.ID, sp.Goal)
}

func dcSprintTime(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return "<null>"
	}
	return t.In(zone).Format("2006-01-02T15:04:05.000-07:00")
}

// histories renders hs as the JSON array of Jira's histories.
func (rd renderer) histories(hs []History) json.RawMessage {
	return rd.appendHistories(make([]byte, 0, 512*len(hs)), hs)
}

// appendHistories appends histories' JSON, written without building the
// histories: a bulk changelog page holds hundreds.
func (rd renderer) appendHistories(dst []byte, hs []History) []byte {
	dst = append(dst, '[')
	for i, h := range hs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonappend.String(append(dst, `{"id":`...), strconv.Itoa(h.ID))
		dst = jsonappend.Raw(append(dst, `,"author":`...), rd.user(h.Author))
		dst = append(rd.appendTime(append(dst, `,"created":`...), h.Created), `,"items":[`...)
		for j, c := range h.Items {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = jsonappend.String(append(dst, `{"field":`...), c.Field)
			dst = jsonappend.String(append(dst, `,"fieldtype":`...), c.FieldType)
			dst = appendNullable(append(dst, `,"from":`...), c.From)
			dst = appendNullable(append(dst, `,"fromString":`...), c.FromString)
			dst = appendNullable(append(dst, `,"to":`...), c.To)
			dst = append(appendNullable(append(dst, `,"toString":`...), c.ToString), '}')
		}
		dst = append(dst, "]}"...)
	}
	return append(dst, ']')
}

// appendNullable appends s as a JSON string, or null when it is empty.
func appendNullable(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return jsonappend.String(dst, s)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
