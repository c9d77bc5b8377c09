package githubsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Mutation is one change requested through POST /_sim/mutate. Op is one of
// touch, set_labels, close, reopen, comment, add_blocked_by,
// remove_blocked_by, add_sub_issue, remove_sub_issue, delete, transfer, set_now, advance.
type Mutation struct {
	Op      string    `json:"op"`
	Repo    string    `json:"repo"`
	Number  int       `json:"number"`
	Labels  []string  `json:"labels,omitempty"`
	Reason  string    `json:"reason,omitempty"`  // close: completed | not_planned | duplicate
	Other   IssueRef  `json:"other,omitzero"`    // the blocker or sub-issue
	ToRepo  string    `json:"to_repo,omitempty"` // transfer
	User    string    `json:"user,omitempty"`    // comment
	Body    string    `json:"body,omitempty"`    // comment
	Time    time.Time `json:"time,omitzero"`     // set_now
	Advance string    `json:"advance,omitempty"` // advance: a Go duration
}

// Apply performs m and returns where the issue now is (it differs after a
// transfer).
func (s *Server) Apply(m Mutation) (IssueRef, error) {
	ref := IssueRef{Repo: m.Repo, Number: m.Number}
	var err error
	switch m.Op {
	case "touch":
		err = s.Touch(ref)
	case "set_labels":
		err = s.SetLabels(ref, m.Labels)
	case "close":
		err = s.Close(ref, m.Reason)
	case "reopen":
		err = s.Reopen(ref)
	case "comment":
		err = s.AddComment(ref, m.User, m.Body)
	case "add_blocked_by":
		err = s.AddBlockedBy(ref, m.Other)
	case "remove_blocked_by":
		err = s.RemoveBlockedBy(ref, m.Other)
	case "add_sub_issue":
		err = s.AddSubIssue(ref, m.Other)
	case "remove_sub_issue":
		err = s.RemoveSubIssue(ref, m.Other)
	case "delete":
		err = s.Delete(ref)
	case "transfer":
		ref, err = s.Transfer(ref, m.ToRepo)
	case "set_now":
		s.SetNow(m.Time)
	case "advance":
		var d time.Duration
		if d, err = time.ParseDuration(m.Advance); err == nil {
			s.Advance(d)
		}
	default:
		err = fmt.Errorf("unknown op %q", m.Op)
	}
	return ref, err
}

// control serves the black-box control API, without authentication or quota:
//
//	POST /_sim/mutate  a Mutation        → {"issue": {"repo", "number"}}
//	POST /_sim/fault   a Fault
//	POST /_sim/quota   {"token", "remaining"}
//	GET  /_sim/stats   → Stats
//	POST /_sim/stats/reset
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	fail := func(err error) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("%s %s: %v", r.Method, r.URL.Path, err), "")
	}
	switch r.Method + " " + r.URL.Path {
	case "POST /_sim/mutate":
		var m Mutation
		if err := decodeStrict(r, &m); err != nil {
			fail(err)
			return
		}
		ref, err := s.Apply(m)
		if err != nil {
			fail(err)
			return
		}
		writeJSON(w, map[string]IssueRef{"issue": ref})
	case "POST /_sim/fault":
		var f Fault
		if err := decodeStrict(r, &f); err != nil {
			fail(err)
			return
		}
		if err := s.InjectFault(f); err != nil {
			fail(err)
			return
		}
		writeJSON(w, f)
	case "POST /_sim/quota":
		var q struct {
			Token     string `json:"token"`
			Remaining int    `json:"remaining"`
		}
		if err := decodeStrict(r, &q); err != nil {
			fail(err)
			return
		}
		s.SetRemaining(q.Token, q.Remaining)
		writeJSON(w, map[string]int{"remaining": q.Remaining})
	case "GET /_sim/stats":
		writeJSON(w, s.Stats())
	case "POST /_sim/stats/reset":
		s.ResetStats()
		writeJSON(w, s.Stats())
	default:
		writeError(w, http.StatusNotFound, "no control endpoint "+r.Method+" "+r.URL.Path, "")
	}
}

func decodeStrict(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decoding body: %w", err)
	}
	return nil
}
