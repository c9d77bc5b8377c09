package github

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/model"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

const token = "secret-token"

// env is a simulated GitHub with a connector pointed at it and a store that
// applies batches the way the real one does.
type env struct {
	sim   *githubsim.Server
	src   *Source
	store *memStore
	// afterResponse, when set, runs after each response arrives, before the
	// client sees it: a way to change the data between two pages.
	afterResponse func(*http.Request)
	// rewrite, when set, replaces the body of every answer (shown the request).
	rewrite func(*http.Request, []byte) []byte
	api     *httpapi.Meter // the connector's base transport, as the daemon wires it
}

func newEnv(t *testing.T, repos []string, edit ...func(*config.Source)) *env {
	t.Helper()
	return newEnvWith(t, githubsim.Options{}, repos, edit...)
}

// newEnvWith is newEnv with a simulator made from opts (its clock and
// tokens set as newEnv's).
func newEnvWith(t *testing.T, opts githubsim.Options, repos []string, edit ...func(*config.Source)) *env {
	t.Helper()
	opts.Now, opts.Tokens = func() time.Time { return t0 }, []string{token}
	sim := githubsim.New(opts)
	hs := httptest.NewServer(sim)
	t.Cleanup(hs.Close)
	cfg := config.Source{Name: "gh", Type: "github", URL: hs.URL + "/", Token: token, Settings: &Config{Repos: repos},
		Parallel: 2, Overlap: config.Duration(2 * time.Minute), ReconcileInterval: config.Duration(24 * time.Hour)}
	for _, f := range edit {
		f(&cfg)
	}
	return connect(t, sim, cfg)
}

// connect points a connector for cfg at sim.
func connect(t *testing.T, sim *githubsim.Server, cfg config.Source) *env {
	t.Helper()
	e := &env{sim: sim, store: newMemStore()}
	base := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err == nil && e.afterResponse != nil {
			e.afterResponse(req)
		}
		if err == nil && e.rewrite != nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr != nil {
				return nil, rerr
			}
			body = e.rewrite(req, body)
			resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			resp.Header.Del("Content-Length")
		}
		return resp, err
	})
	e.api = httpapi.NewMeter(base)
	src, err := New(cfg, Options{
		Status:    config.GitHubStatus{InProgressLabels: []string{"in progress"}, BlockedLabels: []string{"blocked"}, DroppedReasons: []string{"not_planned", "duplicate"}},
		Priority:  map[string]int{"P1": 1, "P2": 2, "P3": 3},
		Now:       sim.Now,
		Backoff:   time.Millisecond,
		Transport: e.api,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.src = src
	return e
}

// addRepo creates owner/name with n issues updated one minute apart, the
// last at t0; every fifth is a pull request.
func (e *env) addRepo(t *testing.T, full string, n int) {
	t.Helper()
	owner, name, _ := strings.Cut(full, "/")
	if err := e.sim.AddRepo(owner, name); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		at := t0.Add(-time.Duration(n-i) * time.Minute)
		if _, err := e.sim.AddIssue(full, githubsim.Issue{Title: "issue", PullRequest: i%5 == 0, CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
}

// coreAndWeb is an environment syncing acme/core and acme/web, made by
// addRepo with core and web issues.
func coreAndWeb(t *testing.T, core, web int) *env {
	t.Helper()
	e := newEnv(t, []string{"acme/core", "acme/web"})
	e.addRepo(t, "acme/core", core)
	e.addRepo(t, "acme/web", web)
	return e
}

// checkRepollIsFree syncs again and fails unless that emits nothing and
// costs no quota, after what the test did before.
func (e *env) checkRepollIsFree(t *testing.T, after string) {
	t.Helper()
	e.sim.ResetStats()
	if bs := e.mustSync(t); len(bs) != 0 || e.sim.Stats().QuotaUsed != 0 {
		t.Errorf("re-poll after %s: %d batches, %d quota; want none", after, len(bs), e.sim.Stats().QuotaUsed)
	}
}

// sync runs one round, returning its error and the batches it emitted.
func (e *env) sync(t *testing.T) ([]model.Batch, error) {
	t.Helper()
	before := len(e.store.batches)
	err := e.src.Sync(context.Background(), e.store.cursorCopy(), e.store.emit)
	return e.store.batches[before:], err
}

func (e *env) mustSync(t *testing.T) []model.Batch {
	t.Helper()
	bs, err := e.sync(t)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return bs
}

// memStore applies batches: upserts, cursors, and deletions by Present.
type memStore struct {
	issues  map[string]model.Issue
	cursors map[string]string
	batches []model.Batch
	fail    error // returned by emit when set
}

func newMemStore() *memStore {
	return &memStore{issues: map[string]model.Issue{}, cursors: map[string]string{}}
}

func (m *memStore) emit(_ context.Context, b model.Batch) error {
	if m.fail != nil {
		return m.fail
	}
	m.batches = append(m.batches, b)
	for _, is := range b.Issues {
		m.issues[is.Key] = is
	}
	for k, v := range b.Cursors {
		m.cursors[k] = v
	}
	if b.Present != nil {
		for k := range m.issues {
			if strings.HasPrefix(k, b.Present.Prefix) && !slices.Contains(b.Present.Keys, k) {
				delete(m.issues, k)
			}
		}
	}
	return nil
}

func (m *memStore) cursorCopy() map[string]string {
	out := map[string]string{}
	for k, v := range m.cursors {
		out[k] = v
	}
	return out
}

func (m *memStore) keys() []string {
	var out []string
	for k := range m.issues {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// emittedKeys are the keys of the issues in batches, sorted.
func emittedKeys(bs []model.Batch) []string {
	var out []string
	for _, b := range bs {
		for _, is := range b.Issues {
			out = append(out, is.Key)
		}
	}
	sort.Strings(out)
	return out
}

const (
	listRoute     = "GET /repos/{owner}/{repo}/issues"
	timelineRoute = "GET /repos/{owner}/{repo}/issues/{number}/timeline"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
