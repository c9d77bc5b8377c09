package sync

import (
	"errors"
	"time"
)

// Backoff is capped exponential backoff for transient failures of a round.
type Backoff struct {
	Attempts int           // retries after the first failure, default 3
	Base     time.Duration // first delay, default 5s
	Max      time.Duration // cap, default 5m
}

func (b Backoff) attempts() int {
	if b.Attempts == 0 {
		return 3
	}
	return max(b.Attempts, 0)
}

// delay is how long to wait before retry number attempt+1: what the server
// asked for when it said, else Base doubled per attempt, capped at Max.
func (b Backoff) delay(attempt int, err error) time.Duration {
	base, limit := b.Base, b.Max
	if base <= 0 {
		base = 5 * time.Second
	}
	if limit <= 0 {
		limit = 5 * time.Minute
	}
	var ra retryAfter
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		return min(ra.RetryAfter(), limit)
	}
	d := base << min(attempt, 20)
	return min(d, limit)
}
