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

func (b Backoff) max() time.Duration {
	if b.Max <= 0 {
		return 5 * time.Minute
	}
	return b.Max
}

// retryAfterOf is how long the error says to wait, or 0.
func retryAfterOf(err error) time.Duration {
	var ra retryAfter
	if errors.As(err, &ra) {
		return ra.RetryAfter()
	}
	return 0
}

// waitReasonOf is why the error says the source waits, or "".
func waitReasonOf(err error) string {
	var wr waitReason
	if errors.As(err, &wr) {
		return wr.WaitReason()
	}
	return ""
}

// delay is how long to wait before retry number attempt+1: what the server
// asked for when it said, else Base doubled per attempt, capped at Max.
func (b Backoff) delay(attempt int, err error) time.Duration {
	base, limit := b.Base, b.max()
	if base <= 0 {
		base = 5 * time.Second
	}
	if ra := retryAfterOf(err); ra > 0 {
		return min(ra, limit)
	}
	d := base << min(attempt, 20)
	return min(d, limit)
}
