package jirasim

import (
	"net/http"
	"testing"
)

// TestRenderingsFollowChangedUsersAndStatuses renders an issue, replaces its
// assignee's account and its status' category, and checks that the next
// rendering shows both: the JSON kept per request base must not outlive
// what it was rendered from.
func TestRenderingsFollowChangedUsersAndStatuses(t *testing.T) {
	sim, srv := newSim(t, Cloud, 1, Options{})
	type issue struct {
		Fields struct {
			Assignee struct {
				DisplayName string `json:"displayName"`
			} `json:"assignee"`
			Status struct {
				StatusCategory struct {
					Key string `json:"key"`
				} `json:"statusCategory"`
			} `json:"status"`
		} `json:"fields"`
	}
	read := func() issue {
		t.Helper()
		var is issue
		if code := get(t, sim, srv, "/rest/api/2/issue/PAY-1", &is); code != http.StatusOK {
			t.Fatalf("HTTP %d", code)
		}
		return is
	}
	before := read()
	if before.Fields.Assignee.DisplayName != "Ada" || before.Fields.Status.StatusCategory.Key != CategoryIndeterminate {
		t.Fatalf("before the changes: %+v", before)
	}
	sim.AddUser(User{AccountID: "u1", DisplayName: "Ada Lovelace", Email: "ada@example.com"})
	if err := sim.AddStatus("In Progress", CategoryDone); err != nil {
		t.Fatal(err)
	}
	after := read()
	if after.Fields.Assignee.DisplayName != "Ada Lovelace" || after.Fields.Status.StatusCategory.Key != CategoryDone {
		t.Errorf("after the changes: %+v, want Ada Lovelace and %s", after, CategoryDone)
	}
}
