package jirasim

import (
	"cmp"
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

// TestWrittenIssueIsWhatMarshalWritesOfItsMap writes whole issues (every
// field, comments, histories embedded or not, a parent or an epic, text
// JSON and HTML escape) of both deployments, with a sprint field whose id
// clashes with a system field's, for several field sets and request bases,
// and compares each with what json.Marshal writes of the map an issue was
// rendered as before it was written by hand (issueMap).
func TestWrittenIssueIsWhatMarshalWritesOfItsMap(t *testing.T) {
	for _, dep := range []string{Cloud, DataCenter} {
		for _, opts := range []Options{{}, {SprintField: "labels"}} {
			t.Run(dep+"/"+cmp.Or(opts.SprintField, "default"), func(t *testing.T) {
				sim, _ := newSim(t, dep, 2, opts)
				sim.AddUser(User{AccountID: "u<2>", DisplayName: `O'Brien "&" <x>`, Email: "ob@example.com"})
				sim.AddSprint(Sprint{ID: 7, Name: "Sprint 7", State: "active", Start: t0, End: t0.Add(14 * 24 * time.Hour)})
				key, err := sim.AddIssue(Issue{Project: "PAY", Summary: "a <b> & \"c\" \u2028 \xff", Description: "line\n</script>",
					Status: "Done", Priority: "Low & <lower>", Assignee: "u<2>", Due: "2026-03-01", Resolution: "Won't <Do>",
					Resolved: t0.Add(time.Hour), Created: t0, Updated: t0.Add(time.Hour), Labels: []string{"x", "<y>"},
					Components: []string{"api"}, Sprints: []int{7}, Parent: "PAY-1", Epic: "PAY-2",
					Comments: []Comment{{Author: "u1", Created: t0, Body: "plain"}, {Author: "u<2>", Created: t0.Add(time.Minute), Body: "<b>&</b>"}},
					Histories: []History{
						{Author: "u1", Created: t0, Items: []Change{{Field: "status", FieldType: "jira", From: "1", FromString: "To Do", To: "3", ToString: "In <Progress>"}}},
						{Author: "gone", Created: t0.Add(time.Minute), Items: []Change{{Field: "labels", FieldType: "jira", ToString: "x <y>"}}},
						{Author: "u<2>", Created: t0.Add(2 * time.Minute)},
					}})
				if err != nil {
					t.Fatal(err)
				}
				epicOnly, err := sim.AddIssue(Issue{Project: "PAY", Summary: "epic only", Status: "In Progress", Epic: "PAY-1", Created: t0, Updated: t0})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := sim.AddLink("Blocks", key, "PAY-1"); err != nil {
					t.Fatal(err)
				}
				for _, base := range []string{"http://jira.example", "http://a&b<c>"} {
					rd := renderer{s: sim, base: base}
					for _, fields := range [][]string{nil, {"summary,status,parent"}, {"*all", "-comment"}, {"id"}} {
						fs := parseFields(fields, false)
						for _, k := range []string{"PAY-1", key, epicOnly} {
							for _, embedded := range []int{0, 2, 5} {
								r := sim.issues[k]
								want, err := json.Marshal(issueMap(rd, r, fs, embedded))
								if err != nil {
									t.Fatal(err)
								}
								if got := rd.issue(r, fs, embedded); string(got) != string(want) {
									t.Errorf("%s for %s, fields %q, %d histories:\n got %s\nwant %s", k, base, fields, embedded, got, want)
								}
							}
						}
					}
				}
			})
		}
	}
}

// issueMap is an issue as it was rendered, as maps, before it was written
// by hand.
func issueMap(rd renderer, r *record, fs fieldSet, embedded int) map[string]any {
	id := strconv.Itoa(r.ID)
	if fs.idOnly() {
		return map[string]any{"id": id}
	}
	out := map[string]any{
		"expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
		"id":     id, "key": r.Key, "self": rd.base + "/rest/api/2/issue/" + id,
	}
	fields := map[string]any{}
	add := func(name string, v func() any) {
		if fs.has(name) {
			fields[name] = v()
		}
	}
	orNull := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	timeOf := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.In(rd.s.zone).Format(jiraTime)
	}
	add("summary", func() any { return r.Summary })
	add("description", func() any { return orNull(r.Description) })
	add("project", func() any {
		return map[string]any{"key": r.Project, "name": r.Project, "id": statusID("project:" + r.Project)}
	})
	add("issuetype", func() any { return map[string]any{"id": "10001", "name": "Task", "subtask": false} })
	add("status", func() any { return rd.statusOf(r.Status) })
	add("priority", func() any { return rd.priorityOf(r.Priority) })
	add("assignee", func() any { return rd.userOf(r.Assignee) })
	add("duedate", func() any { return orNull(r.Due) })
	add("resolution", func() any { return rd.resolutionOf(r.Resolution) })
	add("resolutiondate", func() any { return timeOf(r.Resolved) })
	add("created", func() any { return timeOf(r.Created) })
	add("updated", func() any { return timeOf(r.Updated) })
	add("labels", func() any { return nonNil(r.Labels) })
	add("components", func() any { return componentMaps(rd, r.Components) })
	add("comment", func() any {
		list := make([]any, len(r.Comments))
		for i, c := range r.Comments {
			list[i] = map[string]any{"id": strconv.Itoa(500000 + i), "author": rd.userOf(c.Author), "body": c.Body,
				"created": c.Created.UTC().Format(jiraTime), "updated": c.Created.UTC().Format(jiraTime)}
		}
		return map[string]any{"comments": list, "maxResults": len(list), "total": len(list), "startAt": 0}
	})
	add("issuelinks", func() any { return linkMaps(rd, r) })
	add(rd.s.opts.SprintField, func() any { return sprintMaps(rd, r.Sprints) })
	parent := r.Parent
	if rd.s.opts.Deployment == Cloud {
		parent = cmp.Or(parent, r.Epic)
	} else {
		add(rd.s.opts.EpicLinkField, func() any { return orNull(r.Epic) })
	}
	if parent != "" {
		add("parent", func() any { return rd.parent(parent) })
	}
	out["fields"] = fields
	if embedded > 0 {
		h := r.Histories
		if len(h) > embedded {
			h = h[len(h)-embedded:]
		}
		hs := make([]any, len(h))
		for i, h := range h {
			items := make([]any, len(h.Items))
			for j, c := range h.Items {
				items[j] = struct {
					Field      string `json:"field"`
					FieldType  string `json:"fieldtype"`
					From       any    `json:"from"`
					FromString any    `json:"fromString"`
					To         any    `json:"to"`
					ToString   any    `json:"toString"`
				}{c.Field, c.FieldType, orNull(c.From), orNull(c.FromString), orNull(c.To), orNull(c.ToString)}
			}
			hs[i] = struct {
				ID      string `json:"id"`
				Author  any    `json:"author"`
				Created any    `json:"created"`
				Items   []any  `json:"items"`
			}{strconv.Itoa(h.ID), rd.userOf(h.Author), timeOf(h.Created), items}
		}
		out["changelog"] = map[string]any{"startAt": 0, "maxResults": len(h), "total": len(h), "histories": hs}
	}
	return out
}
