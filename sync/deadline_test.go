package sync

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/model"
)

// hungSource commits a page, then asks a server that never answers, through
// the HTTP layer a connector uses (whose own per-request deadline is minutes).
type hungSource struct {
	client *http.Client
	url    string
}

func (h *hungSource) Name() string { return "hung" }

func (h *hungSource) Sync(ctx context.Context, _ map[string]string, emit func(context.Context, model.Batch) error) error {
	page := model.Batch{Issues: []model.Issue{issue("hung", "jira:H-1", t0)}, Cursors: map[string]string{"": "c1"}}
	if err := emit(ctx, page); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.url+"/rest/api/2/search", nil)
	if err != nil {
		return err
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func TestHungServerEndsTheRoundAtItsDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	api, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	meter := httpapi.NewMeter(nil)
	src := &hungSource{client: &http.Client{Transport: httpapi.NewTransport(meter, api, 1, nil)}, url: srv.URL}
	st := newStore(t)
	e := &Engine{Logger: quiet, Store: st, Retry: Backoff{Attempts: -1}}
	e.SetRoundTimeout(src.Name(), 100*time.Millisecond)
	e.Add(src, time.Minute, meter)

	err = e.RunOnce(context.Background(), 1)["hung"]
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "round stopped at its 100ms deadline") {
		t.Fatalf("round error %v, want it stopped at its deadline", err)
	}
	if got := committedCursor(t, st, "hung"); got != "c1" {
		t.Errorf("cursor %q after the deadline, want the committed page's c1 kept", got)
	}
	if s := e.Status()["hung"]; !s.Failing || s.Permanent || s.API.Requests["error"] != 1 {
		t.Errorf("status %+v, want failing, not permanent, the request that got no answer counted", s)
	}
}
