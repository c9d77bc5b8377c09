package github

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
)

func TestQuotaReserveIsKeptAndTheSourceResumesAtTheReset(t *testing.T) {
	for _, c := range []struct {
		reserve string
		keep    int
	}{{"", 1000}, {"20%", 1000}, {"300", 300}} {
		t.Run("reserve "+c.reserve, func(t *testing.T) {
			e := newEnv(t, []string{"acme/core"}, func(s *config.Source) {
				s.Settings.(*Config).QuotaReserve = c.reserve
				s.Parallel = 1
			})
			e.addRepo(t, "acme/core", 500) // 5 listing pages
			e.sim.SetRemaining(token, c.keep+2)
			_, err := e.sync(t)
			var ae *httpapi.APIError
			var wr interface{ WaitReason() string }
			if !errors.As(err, &ae) || ae.RetryAfter() != time.Hour || ae.Permanent() || !errors.As(err, &wr) {
				t.Fatalf("sync: %v, want an error to wait an hour (the reset) saying why", err)
			}
			if left, _ := e.sim.Remaining(token); left != c.keep {
				t.Errorf("%d requests left, want the reserve, %d, untouched", left, c.keep)
			}
			if got, want := wr.WaitReason(), "keeping the quota reserve"; !strings.HasPrefix(got, want) {
				t.Errorf("wait reason %q, want it to start with %q", got, want)
			}
			if len(e.store.issues) == 0 {
				t.Error("the pages read before the reserve were not kept")
			}
			e.sim.Advance(time.Hour)
			e.mustSync(t)
			if got := len(e.store.issues); got != 400 {
				t.Errorf("after the reset stored %d issues, want 400", got)
			}
		})
	}
}

func TestParseQuotaReserve(t *testing.T) {
	for _, c := range []struct {
		in      string
		limit   int64
		keep    int64
		wantErr bool
	}{
		{"20%", 5000, 1000, false},
		{"0%", 5000, 0, false},
		{"99%", 100, 99, false},
		{"500", 5000, 500, false},
		{"0", 5000, 0, false},
		{"100%", 5000, 0, true},
		{"-1", 5000, 0, true},
		{"half", 5000, 0, true},
		{"20 %", 5000, 0, true},
	} {
		r, err := parseReserve(c.in)
		if (err != nil) != c.wantErr || (err == nil && r.of(c.limit) != c.keep) {
			t.Errorf("parseReserve(%q) = %d of %d, %v; want %d, error %v", c.in, r.of(c.limit), c.limit, err, c.keep, c.wantErr)
		}
	}
}
