package jirasim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The mutations below behave like a user acting in Jira at the simulated
// clock's current time: each bumps the issue's updated time and (except
// comments) records a changelog history authored by the "sim" account.

// Touch records a trivial edit (a rank change), bumping updated.
func (s *Server) Touch(key string) error {
	return s.mutate(key, func(r *record) ([]Change, error) {
		return []Change{{Field: "Rank", FieldType: "custom", FromString: "", ToString: "Ranked higher"}}, nil
	})
}

// Transition moves an issue to another status. Moving to a status outside the
// done category clears the resolution, as Jira's workflows usually do.
func (s *Server) Transition(key, status string) error {
	return s.mutate(key, func(r *record) ([]Change, error) {
		cat, ok := s.statuses[status]
		if !ok {
			return nil, fmt.Errorf("unknown status %q", status)
		}
		ch := []Change{{Field: "status", FieldType: "jira", From: statusID(r.Status), FromString: r.Status, To: statusID(status), ToString: status}}
		r.Status = status
		if cat != CategoryDone && r.Resolution != "" {
			ch = append(ch, Change{Field: "resolution", FieldType: "jira", FromString: r.Resolution})
			r.Resolution, r.Resolved = "", time.Time{}
		}
		return ch, nil
	})
}

// Resolve moves an issue to a done-category status with a resolution
// ("Done", "Won't Do", "Duplicate", ...).
func (s *Server) Resolve(key, status, resolution string) error {
	return s.mutate(key, func(r *record) ([]Change, error) {
		if s.statuses[status] != CategoryDone {
			return nil, fmt.Errorf("status %q is not in the done category", status)
		}
		ch := []Change{
			{Field: "status", FieldType: "jira", From: statusID(r.Status), FromString: r.Status, To: statusID(status), ToString: status},
			{Field: "resolution", FieldType: "jira", FromString: r.Resolution, ToString: resolution},
		}
		r.Status, r.Resolution, r.Resolved = status, resolution, s.now
		return ch, nil
	})
}

// Reopen moves a resolved issue back to an open status and clears its resolution.
func (s *Server) Reopen(key, status string) error {
	return s.mutate(key, func(r *record) ([]Change, error) {
		if cat, ok := s.statuses[status]; !ok || cat == CategoryDone {
			return nil, fmt.Errorf("cannot reopen to %q: not an open status", status)
		}
		ch := []Change{
			{Field: "status", FieldType: "jira", From: statusID(r.Status), FromString: r.Status, To: statusID(status), ToString: status},
			{Field: "resolution", FieldType: "jira", FromString: r.Resolution},
		}
		r.Status, r.Resolution, r.Resolved = status, "", time.Time{}
		return ch, nil
	})
}

// Edit changes a field: summary, description, priority, assignee (account id),
// duedate (YYYY-MM-DD or empty), labels or components (comma-separated), sprint
// (sprint id or empty).
func (s *Server) Edit(key, field, value string) error {
	return s.mutate(key, func(r *record) ([]Change, error) {
		c := Change{Field: field, FieldType: "jira", ToString: value}
		switch field {
		case "summary":
			c.FromString, r.Summary = r.Summary, value
		case "description":
			c.FromString, r.Description = r.Description, value
		case "priority":
			c.FromString, r.Priority = r.Priority, value
		case "assignee":
			if _, ok := s.users[value]; value != "" && !ok {
				return nil, fmt.Errorf("unknown account %q", value)
			}
			c.From, c.To, r.Assignee = r.Assignee, value, value
		case "duedate":
			c.From, c.To, r.Due = r.Due, value, value
		case "labels":
			c.FromString, r.Labels = strings.Join(r.Labels, " "), splitList(value)
		case "components":
			c.Field = "Component"
			c.FromString, r.Components = strings.Join(r.Components, ", "), splitList(value)
		case "sprint":
			c.Field, c.FieldType = "Sprint", "custom"
			ids, err := s.sprintIDs(value)
			if err != nil {
				return nil, err
			}
			c.From, c.To, r.Sprints = joinInts(r.Sprints), value, ids
		default:
			return nil, fmt.Errorf("cannot edit field %q", field)
		}
		return []Change{c}, nil
	})
}

// AddComment adds a comment by author (an account id), bumping updated.
func (s *Server) AddComment(key, author, body string) error {
	return s.mutate(key, func(r *record) ([]Change, error) {
		if _, ok := s.users[author]; !ok {
			return nil, fmt.Errorf("unknown account %q", author)
		}
		r.Comments = append(r.Comments, Comment{Author: author, Created: s.now, Body: body})
		return nil, nil
	}, "comment_created")
}

// Delete removes an issue and every link to it.
func (s *Server) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.issues[key]
	if !ok {
		return fmt.Errorf("jirasim: deleting %s: no such issue", key)
	}
	for _, l := range r.links {
		other := l.From
		if other == key {
			other = l.To
		}
		if o, ok := s.issues[other]; ok {
			o.links = slices.DeleteFunc(o.links, func(x *Link) bool { return x == l })
		}
	}
	r.links = nil
	s.issueEvent("jira:issue_deleted", r)
	delete(s.issues, key)
	delete(s.byID, r.ID)
	s.order = slices.DeleteFunc(s.order, func(x *record) bool { return x == r })
	s.version++
	return nil
}

// AddLink links from and to with a link type (LinkBlocks: from blocks to),
// bumping both issues' updated times, and returns the link id.
func (s *Server) AddLink(typ, from, to string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := linkTypes[typ]; !ok {
		return 0, fmt.Errorf("jirasim: linking %s to %s: unknown link type %q", from, to, typ)
	}
	a, b := s.issues[from], s.issues[to]
	if a == nil || b == nil || from == to {
		return 0, fmt.Errorf("jirasim: linking %s to %s: no such issue", from, to)
	}
	s.nextLink++
	l := &Link{ID: s.nextLink, Type: typ, From: from, To: to}
	a.links = append(a.links, l)
	b.links = append(b.links, l)
	lt := linkTypes[typ]
	s.record(a, []Change{{Field: "Link", FieldType: "jira", To: to, ToString: "This issue " + lt.outward + " " + to}})
	s.record(b, []Change{{Field: "Link", FieldType: "jira", To: from, ToString: "This issue " + lt.inward + " " + from}})
	s.linkEvent("issuelink_created", l, a, b)
	return l.ID, nil
}

// RemoveLink removes the link of type typ from from to to.
func (s *Server) RemoveLink(typ, from, to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, b := s.issues[from], s.issues[to]
	if a == nil || b == nil {
		return fmt.Errorf("jirasim: unlinking %s from %s: no such issue", from, to)
	}
	match := func(l *Link) bool { return l.Type == typ && l.From == from && l.To == to }
	i := slices.IndexFunc(a.links, match)
	if i < 0 {
		return fmt.Errorf("jirasim: unlinking %s from %s: no %s link", from, to, typ)
	}
	s.linkEvent("issuelink_deleted", a.links[i], a, b)
	a.links = slices.DeleteFunc(a.links, match)
	b.links = slices.DeleteFunc(b.links, match)
	lt := linkTypes[typ]
	s.record(a, []Change{{Field: "Link", FieldType: "jira", From: to, FromString: "This issue " + lt.outward + " " + to}})
	s.record(b, []Change{{Field: "Link", FieldType: "jira", From: from, FromString: "This issue " + lt.inward + " " + from}})
	return nil
}

// mutate applies f to an issue under the lock, records its changes and
// delivers the webhook event: jira:issue_updated unless event names another.
func (s *Server) mutate(key string, f func(*record) ([]Change, error), event ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.issues[key]
	if !ok {
		return fmt.Errorf("jirasim: changing %s: no such issue", key)
	}
	ch, err := f(r)
	if err != nil {
		return fmt.Errorf("jirasim: changing %s: %w", key, err)
	}
	s.record(r, ch)
	s.issueEvent(append(event, "jira:issue_updated")[0], r)
	return nil
}

// record bumps updated and appends a history when there are changes.
func (s *Server) record(r *record, ch []Change) {
	r.Updated = s.now
	if len(ch) > 0 {
		s.nextHist++
		r.Histories = append(r.Histories, History{ID: s.nextHist, Author: "sim", Created: s.now, Items: ch})
	}
	s.version++
}

func (s *Server) sprintIDs(value string) ([]int, error) {
	var ids []int
	for _, f := range splitList(value) {
		id, err := strconv.Atoi(f)
		if err != nil || s.sprints[id] == nil {
			return nil, fmt.Errorf("unknown sprint %q", f)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func splitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// statusID is a stable numeric id for a status name.
func statusID(name string) string {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	return strconv.Itoa(int(h%90000) + 10000)
}

type linkType struct{ id, inward, outward string }

var linkTypes = map[string]linkType{
	LinkBlocks:  {id: "10000", inward: "is blocked by", outward: "blocks"},
	LinkRelates: {id: "10003", inward: "relates to", outward: "relates to"},
}
