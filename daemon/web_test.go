package daemon

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/rollup"
)

func TestTheDashboardShowsThePublishedAnalysisOnTheListenAddress(t *testing.T) {
	d, org, _ := simDaemon(t, time.Hour, nil)
	if code, body := get(t, d, "/"); code != http.StatusServiceUnavailable || !strings.Contains(body, "Waiting for the first analysis") {
		t.Errorf("GET / before any analysis = %d %q, want 503 and the waiting page", code, body)
	}
	ctx := context.Background()
	for name, err := range d.SyncOnce(ctx, 2, nil) {
		t.Fatalf("syncing %s: %v", name, err)
	}
	if _, err := d.Analyze(ctx); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, d, "/")
	if code != http.StatusOK {
		t.Fatalf("GET / = %d, want 200:\n%s", code, body)
	}
	for _, team := range org.Teams() {
		if !strings.Contains(body, `href="/teams/`+team.Name+`"`) {
			t.Errorf("the overview links no page of team %s", team.Name)
		}
	}
	for _, src := range d.Sources() {
		if !strings.Contains(body, "<td>"+src+"</td>") {
			t.Errorf("the overview shows no freshness of source %s", src)
		}
	}
	if code, body := get(t, d, "/graph"); code != http.StatusOK || !strings.Contains(body, "<svg") {
		t.Errorf("GET /graph = %d, want 200 and a picture:\n%.300s", code, body)
	}
	rec := httptest.NewRecorder()
	d.httpServer().Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405: the dashboard is read-only", rec.Code)
	}
}

func TestWebDisabledLeavesOnlyTheTextIndex(t *testing.T) {
	d, _, _ := simDaemon(t, time.Hour, func(cfg *config.Config) { cfg.Web.Enabled = false })
	if code, body := get(t, d, "/"); code != http.StatusOK || body != "baton: see /metrics, /healthz, /readyz\n" {
		t.Errorf("GET / = %d %q, want the text index", code, body)
	}
	if code, _ := get(t, d, "/graph"); code != http.StatusNotFound {
		t.Errorf("GET /graph = %d, want 404 with web.enabled false", code)
	}
}

func TestTheDashboardShowsTheChangeSinceTheLastSentRollup(t *testing.T) {
	d, org, _ := simDaemon(t, time.Hour, nil)
	ctx := context.Background()
	for name, err := range d.SyncOnce(ctx, 2, nil) {
		t.Fatalf("syncing %s: %v", name, err)
	}
	team := org.Teams()[0].Name
	lastWeek := rollup.WeekOf(time.Now(), d.Config().Location()).Prev().String()
	if err := d.Store().SaveWeekStats(ctx, rollup.TeamGroup(team), lastWeek, []byte(`{"open": 1000}`)); err != nil {
		t.Fatal(err)
	}
	r, err := d.Analyze(ctx)
	if err != nil {
		t.Fatal(err)
	}
	open := 0
	for _, is := range r.Issues {
		if is.Team == team && is.Open() {
			open++
		}
	}
	_, body := get(t, d, "/")
	want := fmt.Sprintf(`<dt>open</dt><dd>%d<span class="delta">%d</span></dd>`, open, open-1000)
	if _, card, _ := strings.Cut(body, `href="/teams/`+team+`"`); !strings.Contains(card, want) {
		t.Errorf("the overview's card of %s does not show %s:\n%s", team, want, body)
	}
}
