package githubsim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
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
)

// Fault applies to the next Count requests whose path starts with PathPrefix.
type Fault struct {
	Kind       FaultKind     `json:"kind"`
	PathPrefix string        `json:"path_prefix"`
	Count      int           `json:"count"`       // default 1
	RetryAfter int           `json:"retry_after"` // seconds; 0 sends no Retry-After
	Delay      time.Duration `json:"delay"`       // for FaultSlow, nanoseconds in JSON
}

// InjectFault arms f. Faults are matched in the order they were armed.
func (s *Server) InjectFault(f Fault) error {
	switch f.Kind {
	case FaultSecondaryRateLimit, FaultTooManyRequests, FaultBadGateway, FaultSlow, FaultTruncate:
	default:
		return fmt.Errorf("injecting fault: unknown kind %q", f.Kind)
	}
	if f.Count <= 0 {
		f.Count = 1
	}
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	s.faults = append(s.faults, &f)
	return nil
}

// takeFault consumes one use of the first armed fault matching path.
func (s *Server) takeFault(path string) *Fault {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	for i, f := range s.faults {
		if !strings.HasPrefix(path, f.PathPrefix) {
			continue
		}
		f.Count--
		if f.Count == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		out := *f
		return &out
	}
	return nil
}

// applyFault answers the request with f and reports whether it should
// nevertheless be served normally (a slow response).
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f *Fault, token string) bool {
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	switch f.Kind {
	case FaultSlow:
		return sleepCtx(r, f.Delay)
	case FaultSecondaryRateLimit:
		s.writeRate(w.Header(), token)
		writeError(w, http.StatusForbidden,
			"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", docsSecondary)
	case FaultTooManyRequests:
		s.writeRate(w.Header(), token)
		writeError(w, http.StatusTooManyRequests,
			"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", docsSecondary)
	case FaultBadGateway:
		s.writeRate(w.Header(), token)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>\n"))
	}
	return false
}
