package jirasim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Mutation is one change requested through POST /_sim/mutate, for black-box
// tests and the demo. Op is touch, transition, resolve, reopen, delete, edit,
// comment, link, unlink or advance.
type Mutation struct {
	Op         string `json:"op"`
	Key        string `json:"key"`
	Status     string `json:"status,omitempty"`
	Resolution string `json:"resolution,omitempty"`
	Field      string `json:"field,omitempty"`
	Value      string `json:"value,omitempty"`
	Author     string `json:"author,omitempty"`
	LinkType   string `json:"link_type,omitempty"` // default Blocks
	To         string `json:"to,omitempty"`        // link target: Key blocks To
	Duration   string `json:"duration,omitempty"`  // advance: a Go duration
}

// Apply performs a mutation through the Go API.
func (s *Server) Apply(m Mutation) error {
	switch m.Op {
	case "touch":
		return s.Touch(m.Key)
	case "transition":
		return s.Transition(m.Key, m.Status)
	case "resolve":
		return s.Resolve(m.Key, m.Status, m.Resolution)
	case "reopen":
		return s.Reopen(m.Key, m.Status)
	case "delete":
		return s.Delete(m.Key)
	case "edit":
		return s.Edit(m.Key, m.Field, m.Value)
	case "comment":
		return s.AddComment(m.Key, m.Author, m.Value)
	case "link", "unlink":
		typ := m.LinkType
		if typ == "" {
			typ = LinkBlocks
		}
		if m.Op == "unlink" {
			return s.RemoveLink(typ, m.Key, m.To)
		}
		_, err := s.AddLink(typ, m.Key, m.To)
		return err
	case "advance":
		d, err := time.ParseDuration(m.Duration)
		if err != nil || d < 0 {
			return fmt.Errorf("jirasim: advance: bad duration %q", m.Duration)
		}
		s.Advance(d)
		return nil
	}
	return fmt.Errorf("jirasim: unknown mutation %q", m.Op)
}

// serveMutate applies a JSON Mutation or a JSON array of them, in order.
func (s *Server) serveMutate(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		writeError(w, http.StatusBadRequest, "mutate: "+err.Error())
		return
	}
	var ms []Mutation
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &ms); err != nil {
			writeError(w, http.StatusBadRequest, "mutate: "+err.Error())
			return
		}
	} else {
		var m Mutation
		if err := json.Unmarshal(raw, &m); err != nil {
			writeError(w, http.StatusBadRequest, "mutate: "+err.Error())
			return
		}
		ms = []Mutation{m}
	}
	for i, m := range ms {
		if err := s.Apply(m); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("mutation %d: %v", i, err))
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"applied": len(ms), "now": s.Now().Format(time.RFC3339Nano)})
}

// serveFault queues a JSON Fault (delay as nanoseconds).
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request) {
	var f Fault
	if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
		writeError(w, http.StatusBadRequest, "fault: "+err.Error())
		return
	}
	s.InjectFault(f)
	w.WriteHeader(http.StatusNoContent)
}

// serveRequests reports the per-endpoint request counters.
func (s *Server) serveRequests(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Requests())
}
