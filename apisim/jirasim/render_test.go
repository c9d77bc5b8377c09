package jirasim

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"
)

// TestWrittenFieldsAreWhatMarshalWritesOfTheirMaps writes the components,
// issue links and sprints of issues of both deployments, with text JSON
// escapes, missing sprints and dateless ones, for a plain request base and
// one JSON escapes, and compares each with what json.Marshal writes of the
// maps these fields were rendered as before they were written by hand.
func TestWrittenFieldsAreWhatMarshalWritesOfTheirMaps(t *testing.T) {
	for _, dep := range []string{Cloud, DataCenter} {
		t.Run(dep, func(t *testing.T) {
			sim, _ := newSim(t, dep, 3, Options{})
			sim.AddSprint(Sprint{ID: 7, Name: `Sprint <7> & "more", too`, State: "active", Goal: "ship\n it",
				Start: t0.Add(-24 * time.Hour), End: t0.Add(13 * 24 * time.Hour)})
			sim.AddSprint(Sprint{ID: 8, Name: "Later", State: "future"})
			key, err := sim.AddIssue(Issue{Project: "PAY", Summary: `needs "quotes" <b>`, Status: "In Progress", Priority: "",
				Components: []string{"api", `web "ui" & <more>`}, Sprints: []int{7, 99, 8}, Created: t0, Updated: t0})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range [][3]string{{"Blocks", key, "PAY-1"}, {"Relates", "PAY-2", key}} {
				if _, err := sim.AddLink(l[0], l[1], l[2]); err != nil {
					t.Fatal(err)
				}
			}
			for _, base := range []string{"http://jira.example", "http://a&b<c>"} {
				rd := renderer{s: sim, base: base}
				for _, k := range []string{"PAY-1", "PAY-2", key} {
					r := sim.issues[k]
					for name, pair := range map[string][2]any{
						"components": {string(rd.appendComponents(nil, r.Components)), componentMaps(rd, r.Components)},
						"issuelinks": {string(rd.appendLinks(nil, r)), linkMaps(rd, r)},
						"sprints":    {string(rd.appendSprints(nil, r.Sprints)), sprintMaps(rd, r.Sprints)},
					} {
						want, err := json.Marshal(pair[1])
						if err != nil {
							t.Fatal(err)
						}
						if got := pair[0].(string); got != string(want) {
							t.Errorf("%s of %s for %s:\n got %s\nwant %s", name, k, base, got, want)
						}
					}
				}
			}
		})
	}
}

func componentMaps(rd renderer, names []string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		id := statusID("component:" + n)
		out[i] = map[string]any{"self": rd.base + "/rest/api/2/component/" + id, "id": id, "name": n}
	}
	return out
}

func linkMaps(rd renderer, r *record) []any {
	linked := func(key string) map[string]any {
		o := rd.s.issues[key]
		id := strconv.Itoa(o.ID)
		return map[string]any{"id": id, "key": key, "self": rd.base + "/rest/api/2/issue/" + id,
			"fields": map[string]any{"summary": o.Summary, "status": rd.status(o.Status), "priority": rd.priority(o.Priority)}}
	}
	out := make([]any, 0, len(r.links))
	for _, l := range r.links {
		lt := linkTypes[l.Type]
		m := map[string]any{
			"id": strconv.Itoa(l.ID), "self": rd.base + "/rest/api/2/issueLink/" + strconv.Itoa(l.ID),
			"type": map[string]any{"id": lt.id, "name": l.Type, "inward": lt.inward, "outward": lt.outward, "self": rd.base + "/rest/api/2/issueLinkType/" + lt.id},
		}
		if l.From == r.Key {
			m["outwardIssue"] = linked(l.To)
		} else {
			m["inwardIssue"] = linked(l.From)
		}
		out = append(out, m)
	}
	return out
}

func sprintMaps(rd renderer, ids []int) any {
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
			out = append(out, rd.dcSprint(id, sp))
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
