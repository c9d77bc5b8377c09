package jira

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/model"
)

func TestParentAndEpicLinkBecomeParentLinks(t *testing.T) {
	// Cloud puts an issue's epic in parent; Data Center in the Epic Link
	// custom field, which the connector finds by its schema (the simulator
	// lists it under an id no default would guess).
	epicRaw := map[string]string{jirasim.Cloud: "parent", jirasim.DataCenter: "Epic Link"}
	for _, dep := range deployments {
		t.Run(dep, func(t *testing.T) {
			e := newEnv(t, dep, jirasim.Options{EpicLinkField: "customfield_12345"}, nil)
			for _, is := range []jirasim.Issue{
				{Key: "CORE-3", Summary: "Payments epic", Status: "In Progress", Created: at(0), Updated: at(8)},
				{Key: "PAY-121", Summary: "In the epic", Status: "To Do", Epic: "CORE-3", Created: at(0), Updated: at(8)},
				{Key: "PAY-122", Summary: "A sub-task", Status: "To Do", Parent: "PAY-1", Created: at(0), Updated: at(8)},
			} {
				if _, err := e.sim.AddIssue(is); err != nil {
					t.Fatal(err)
				}
			}
			e.mustSync()
			got := e.emitted()
			want := map[string][]model.Link{
				"jira:PAY-121": {{From: "jira:CORE-3", To: "jira:PAY-121", Type: model.Parent, Origin: model.OriginJiraParent, RawType: epicRaw[dep]}},
				"jira:PAY-122": {{From: "jira:PAY-1", To: "jira:PAY-122", Type: model.Parent, Origin: model.OriginJiraParent, RawType: "parent"}},
				"jira:CORE-3":  nil,
			}
			for k, w := range want {
				if diff := cmp.Diff(w, got[k].Links); diff != "" {
					t.Errorf("%s links (-want +got):\n%s", k, diff)
				}
			}
		})
	}
}
