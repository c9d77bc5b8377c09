package githubsim

import (
	"fmt"
	"net/http"
	"time"

	"github.com/batonhq/baton/apisim/fault"
)

// FaultKind is a failure the server can be told to produce.
type FaultKind string

// The faults.
const (
	// FaultSecondaryRateLimit answers 403 with a secondary-rate-limits
	// documentation_url (and Retry-After when RetryAfter is set).
	FaultSecondaryRateLimit FaultKind = "secondary_rate_limit"
	// FaultTooManyRequests answers 429 (with Retry-After when RetryAfter is set).
	FaultTooManyRequests FaultKind = "too_many_requests"
	// FaultBadGateway answers 502.
	FaultBadGateway FaultKind = "bad_gateway"
	// FaultSlow waits Delay, then answers normally.
	FaultSlow FaultKind = "slow"
	// FaultTruncate answers normally but cuts the body in half.
	FaultTruncate FaultKind = "truncate"
	// FaultUnprocessable answers 422, as GitHub documents for listings
	// that refuse a request ("Validation failed, or the endpoint has been
	// spammed": List issue events for a repository).
	FaultUnprocessable FaultKind = "unprocessable"
)

// Fault applies to the next Count requests whose path starts with PathPrefix.
// It names, in GitHub's terms, a fault.Fault: the failure model both
// simulators share.
type Fault struct {
	Kind       FaultKind     `json:"kind"`
	PathPrefix string        `json:"path_prefix"`
	Count      int           `json:"count"`       // default 1
	RetryAfter int           `json:"retry_after"` // seconds; 0 sends no Retry-After
	Delay      time.Duration `json:"delay"`       // for FaultSlow, nanoseconds in JSON
}

// InjectFault arms f. Faults are matched in the order they were armed.
func (s *Server) InjectFault(f Fault) error {
	sf := fault.Fault{Endpoint: f.PathPrefix, Count: f.Count, RetryAfter: f.RetryAfter}
	switch f.Kind {
	case FaultSecondaryRateLimit:
		sf.Status = http.StatusForbidden
	case FaultTooManyRequests:
		sf.Status = http.StatusTooManyRequests
	case FaultBadGateway:
		sf.Status = http.StatusBadGateway
	case FaultSlow:
		sf.Delay = f.Delay
	case FaultTruncate:
		sf.Truncate = true
	case FaultUnprocessable:
		sf.Status = http.StatusUnprocessableEntity
	default:
		return fmt.Errorf("injecting fault: unknown kind %q", f.Kind)
	}
	s.faults.Arm(sf)
	return nil
}

// failAs answers a faulted request as GitHub would, with token's rate headers.
func (s *Server) failAs(token string) func(http.ResponseWriter, int) {
	return func(w http.ResponseWriter, status int) {
		s.writeRate(w.Header(), token)
		switch status {
		case http.StatusForbidden, http.StatusTooManyRequests:
			writeError(w, status,
				"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", docsSecondary)
		case http.StatusUnprocessableEntity:
			writeError(w, status, "Validation failed, or the endpoint has been spammed.",
				"https://docs.github.com/rest/issues/events#list-issue-events-for-a-repository")
		case http.StatusBadGateway:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>\n"))
		default:
			writeError(w, status, http.StatusText(status), "")
		}
	}
}
