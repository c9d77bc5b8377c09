package github

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/batonhq/baton/connectors/httpapi"
)

const defaultQuotaReserve = "20%"

// reserve is a quota_reserve: a percentage of the limit, or a count.
type reserve struct {
	percent bool
	n       int64
}

// parseReserve reads "20%" (0% to 99%) or "500" (requests).
func parseReserve(v string) (reserve, error) {
	if v == "" {
		v = defaultQuotaReserve
	}
	num, percent := strings.CutSuffix(v, "%")
	n, err := strconv.ParseInt(num, 10, 64)
	switch {
	case err != nil || n < 0:
		return reserve{}, fmt.Errorf("%q is neither a percentage of the quota (like 20%%) nor a number of requests", v)
	case percent && n > 99:
		return reserve{}, fmt.Errorf("%q would keep the whole quota; at most 99%%", v)
	}
	return reserve{percent: percent, n: n}, nil
}

// of is the number of requests kept out of limit (0 when the limit is
// unknown and the reserve a percentage).
func (r reserve) of(limit int64) int64 {
	if r.percent {
		return limit * r.n / 100
	}
	return r.n
}

// reserveGuard is the transport that keeps the reserve: it remembers the
// rate-limit window the last answer reported and, while the remaining
// quota is at or below the reserve and the window has not reset, refuses
// to send anything, with a *reserveError saying until when. Requests in
// flight when the reserve is reached can each spend one more.
type reserveGuard struct {
	base    http.RoundTripper
	reserve reserve
	now     func() time.Time

	mu    sync.Mutex
	quota httpapi.Quota
}

func (g *reserveGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	g.mu.Lock()
	q := g.quota
	g.mu.Unlock()
	if keep := g.reserve.of(q.Limit); q.Known && q.Remaining <= keep && keep > 0 && g.now().Before(q.Reset) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &reserveError{remaining: q.Remaining, reserve: keep, limit: q.Limit, reset: q.Reset}
	}
	resp, err := g.base.RoundTrip(req)
	if err == nil {
		if q, ok := httpapi.QuotaOf(resp.Header); ok {
			g.mu.Lock()
			g.quota = q
			g.mu.Unlock()
		}
	}
	return resp, err
}

// reserveError is a request not sent to keep the quota reserve.
type reserveError struct {
	remaining, reserve, limit int64
	reset                     time.Time
}

func (e *reserveError) Error() string {
	return fmt.Sprintf("keeping the quota reserve: %d of %d requests left, the reserve is %d; resuming at the reset, %s",
		e.remaining, e.limit, e.reserve, e.reset.UTC().Format(time.RFC3339))
}

// WaitReason is what the engine shows while the source waits.
func (e *reserveError) WaitReason() string {
	return fmt.Sprintf("keeping the quota reserve (%d of %d left)", e.remaining, e.limit)
}
