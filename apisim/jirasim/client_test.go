package jirasim

import (
	"fmt"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/batonhq/baton/apisim/listall"
)

// fullSim is a simulator using every field the connector reads: sprints,
// links, comments, resolutions, due dates, histories.
func fullSim(t *testing.T, deployment string) (*Server, *jira.Client) {
	t.Helper()
	sim, srv := newSim(t, deployment, 120, Options{})
	sim.AddSprint(Sprint{ID: 7, Name: "PAY Sprint 7", State: "active", Start: t0, End: t0.Add(14 * 24 * time.Hour)})
	for i := 1; i <= 120; i += 3 {
		key := fmt.Sprintf("PAY-%d", i)
		for _, err := range []error{
			sim.Edit(key, "sprint", "7"), sim.Edit(key, "duedate", "2026-12-01"), sim.Edit(key, "labels", "backend,q4"),
			sim.Edit(key, "components", "API"), sim.AddComment(key, "u1", "looking"),
			sim.Resolve(fmt.Sprintf("PAY-%d", i+1), "Done", "Duplicate"),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := sim.AddLink(LinkBlocks, key, fmt.Sprintf("PAY-%d", i+2)); err != nil {
			t.Fatal(err)
		}
	}
	var c *jira.Client
	var err error
	if deployment == Cloud {
		c, err = jira.NewClient((&jira.BasicAuthTransport{Username: sim.opts.Email, Password: sim.opts.Token}).Client(), srv.URL)
	} else {
		c, err = jira.NewClient((&jira.BearerAuthTransport{Token: sim.opts.Token}).Client(), srv.URL)
	}
	if err != nil {
		t.Fatal(err)
	}
	return sim, c
}

func checkListing(t *testing.T, issues []jira.Issue, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 120 {
		t.Fatalf("got %d issues, want 120", len(issues))
	}
	seen := map[string]bool{}
	for _, is := range issues {
		if seen[is.Key] || is.Fields == nil || is.Fields.Status == nil || time.Time(is.Fields.Updated).IsZero() {
			t.Fatalf("%s: duplicate or incomplete issue", is.Key)
		}
		seen[is.Key] = true
	}
	first := issues[0]
	if first.Fields.Unknowns["customfield_10020"] == nil || len(first.Fields.IssueLinks) != 1 || time.Time(first.Fields.Duedate).IsZero() {
		t.Errorf("%s: sprint %v, %d links, due %v: want all set", first.Key, first.Fields.Unknowns["customfield_10020"], len(first.Fields.IssueLinks), first.Fields.Duedate)
	}
}

func TestRealClientListsEveryIssueFromCloud(t *testing.T) {
	_, c := fullSim(t, Cloud)
	issues, err := listall.JiraCloud(c, "project = PAY ORDER BY updated ASC, key ASC")
	checkListing(t, issues, err)
}

func TestRealClientListsEveryIssueFromDataCenter(t *testing.T) {
	_, c := fullSim(t, DataCenter)
	issues, err := listall.JiraDataCenter(c, "project = PAY ORDER BY updated ASC, key ASC")
	checkListing(t, issues, err)
}
