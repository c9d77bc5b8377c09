package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// APIError is a failed API call. Status is the HTTP status (0 when no response
// arrived); Wait is how long the server asked us to wait, if it said.
type APIError struct {
	Op     string // what was being done, e.g. "listing issues of acme/core"
	Status int
	Wait   time.Duration
	Msg    string // the server's message, if any
	Err    error  // underlying error, if any
}

func (e *APIError) Error() string {
	s := e.Op
	if e.Status != 0 {
		s += fmt.Sprintf(": HTTP %d", e.Status)
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Wait > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.Wait.Round(time.Second))
	}
	return s
}

func (e *APIError) Unwrap() error { return e.Err }

// Permanent reports whether retrying soon cannot help: bad credentials, no
// permission, a missing resource, a removed endpoint, a malformed request, or
// an underlying error that says so (a refused origin, an oversize body).
// Rate limits (which carry a Wait) are never permanent.
func (e *APIError) Permanent() bool {
	if e.Wait > 0 {
		return false
	}
	var p interface{ Permanent() bool }
	if errors.As(e.Err, &p) && p.Permanent() {
		return true
	}
	switch e.Status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusNotFound, http.StatusGone:
		return true
	}
	return false
}

// RetryAfter is how long the server asked us to wait before trying again.
func (e *APIError) RetryAfter() time.Duration { return e.Wait }

// ParseRetryAfter reads a Retry-After header (seconds or an HTTP date).
func ParseRetryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
