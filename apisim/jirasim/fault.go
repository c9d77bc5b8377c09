package jirasim

import (
	"maps"
	"net/http"

	"github.com/batonhq/baton/apisim/fault"
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
// next Count requests to Endpoint ("" = any endpoint): the failure model both
// simulators share.
type Fault = fault.Fault

// InjectFault queues a fault; faults apply in the order injected.
func (s *Server) InjectFault(f Fault) { s.faults.Arm(f) }

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
	s.requests[endpoint]++
	s.mu.Unlock()
	return s.faults.Next(func(e string) bool { return e == "" || e == endpoint })
}

// fail answers a faulted request in Jira's words.
func fail(w http.ResponseWriter, status int) {
	msg := http.StatusText(status)
	if status == http.StatusTooManyRequests {
		msg = "Rate limit exceeded."
	}
	writeError(w, status, msg)
}
