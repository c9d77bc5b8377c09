// Package fault is the failure model of both simulated APIs: a test arms a
// Fault, and the simulator serves it to the next Count requests it matches,
// faults in the order armed. Each simulator says which requests an Endpoint
// names and words a failed answer as its vendor does.
package fault

import (
	"bytes"
	"cmp"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault changes the answers to the next Count requests to Endpoint.
type Fault struct {
	// Endpoint picks the requests: jirasim's endpoint names
	// (EndpointSearchJQL, …) or a path prefix for githubsim; "" picks all.
	Endpoint   string
	Count      int           // requests affected; 0 = 1
	Status     int           // answer this status instead, e.g. 429, 502; 0 = answer normally
	RetryAfter int           // seconds, sent as Retry-After with Status when > 0
	Delay      time.Duration // wait before answering (nanoseconds in JSON)
	Truncate   bool          // answer normally but cut the body in half
}

// Schedule is the faults armed on one server. The zero value has none; it
// is safe for concurrent use.
type Schedule struct {
	mu    sync.Mutex
	armed []*Fault
}

// Arm queues f behind the faults already armed.
func (s *Schedule) Arm(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed = append(s.armed, &f)
}

// Next uses up one request of the first armed fault whose Endpoint matches
// and returns a copy of it, or nil when none matches.
func (s *Schedule) Next(matches func(endpoint string) bool) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.armed {
		if !matches(f.Endpoint) {
			continue
		}
		f.Count--
		if f.Count == 0 {
			s.armed = append(s.armed[:i:i], s.armed[i+1:]...)
		}
		out := *f
		return &out
	}
	return nil
}

// Serve answers r with f applied to it: after f.Delay, f.Status worded by
// fail, or else next's answer (its body cut in half when f.Truncate). A nil
// f leaves next's answer as it is.
func Serve(f *Fault, w http.ResponseWriter, r *http.Request, fail func(http.ResponseWriter, int), next func(http.ResponseWriter)) {
	if f == nil {
		next(w)
		return
	}
	if !Wait(r, f.Delay) {
		return
	}
	if f.Status != 0 {
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
		}
		fail(w, f.Status)
		return
	}
	if !f.Truncate {
		next(w)
		return
	}
	tw := &truncating{ResponseWriter: w}
	next(tw)
	tw.flush()
}

// Wait sleeps for d and reports whether the client is still there to answer.
func Wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// truncating passes on only the first half of the body it is given.
type truncating struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (t *truncating) WriteHeader(status int) { t.status = status }

func (t *truncating) Write(b []byte) (int, error) { return t.buf.Write(b) }

func (t *truncating) flush() {
	body := t.buf.Bytes()[:t.buf.Len()/2]
	t.ResponseWriter.Header().Set("Content-Length", strconv.Itoa(len(body)))
	t.ResponseWriter.WriteHeader(cmp.Or(t.status, http.StatusOK))
	_, _ = t.ResponseWriter.Write(body)
}
