package jirasim

import (
	"maps"
	"net/http"
	"strconv"
	"time"
)

// Endpoint names used by request counters and faults.
const (
	EndpointMyself        = "myself"
	EndpointField         = "field"
	EndpointSearch        = "search"     // legacy /rest/api/2|3/search
	EndpointSearchJQL     = "search_jql" // Cloud enhanced search
	EndpointIssue         = "issue"
	EndpointChangelog     = "changelog" // per-issue, paged
	EndpointBulkChangelog = "bulk_changelog"
)

// Fault is a failure served instead of (or on top of) a normal answer for the
// next Count requests to Endpoint ("" = any endpoint).
type Fault struct {
	Endpoint   string
	Count      int           // requests affected; 0 = 1
	Status     int           // e.g. 429, 502; 0 = answer normally
	RetryAfter int           // seconds, sent as Retry-After when > 0
	Latency    time.Duration // delay before answering
	Truncate   bool          // answer normally but cut the JSON body in half
}

// InjectFault queues a fault; faults apply in the order injected.
func (s *Server) InjectFault(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Requests returns how many requests each endpoint has received (faulted and
// unauthorised ones included).
func (s *Server) Requests() map[string]int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return maps.Clone(s.requests)
}

// ResetRequests zeroes the request counters.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.requests)
}

// count records a request and returns the fault that applies to it, if any.
func (s *Server) count(endpoint string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[endpoint]++
	for i, f := range s.faults {
		if f.Endpoint != "" && f.Endpoint != endpoint {
			continue
		}
		f.Count--
		if f.Count == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		c := *f
		return &c
	}
	return nil
}

// serveFault answers with the fault's status, reporting whether it did.
func serveFault(w http.ResponseWriter, f *Fault) bool {
	if f.Latency > 0 {
		time.Sleep(f.Latency)
	}
	if f.Status == 0 {
		return false
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	msg := http.StatusText(f.Status)
	if f.Status == http.StatusTooManyRequests {
		msg = "Rate limit exceeded."
	}
	writeError(w, f.Status, msg)
	return true
}
