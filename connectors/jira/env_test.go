package jira

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	gosync "sync"
	"testing"
	"time"

	"github.com/batonhq/baton/apisim/jirasim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// simNow is the simulator's clock at the start of every test: 2026-11-26
// 16:00 in Los Angeles, the account's zone.
var simNow = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

var priorities = map[string]int{"Highest": 1, "High": 2, "Medium": 3, "Low": 4, "Lowest": 5}

// env is a simulated Jira site, a source reading it, and what it emitted.
type env struct {
	t    *testing.T
	sim  *jirasim.Server
	src  *Source
	cfg  config.Source // the source's configuration
	opts Options       // the connector's options
	// served, when set (with setServed), runs after the simulator has
	// answered a request and before the client has the whole answer: changes
	// made there happen between two of the connector's requests. mu orders
	// its calls, which the race detector cannot see through the socket.
	mu     gosync.Mutex
	served func(*http.Request)
	// rewrite, when set, replaces the body of every answer (shown the request).
	rewrite func(*http.Request, []byte) []byte
	now     time.Time // the connector's clock (only for reconciling)
	cursors map[string]string
	batches []model.Batch
}

// newEnv starts a simulator of the given deployment holding the fixture org
// and a connector configured for it; change adjusts the source first.
func newEnv(t *testing.T, deployment string, simOpts jirasim.Options, change func(*config.Source)) *env {
	t.Helper()
	simOpts.Deployment, simOpts.Email, simOpts.Token, simOpts.Now = deployment, "bot@example.com", "s3cret", simNow
	sim, err := jirasim.New(simOpts)
	if err != nil {
		t.Fatal(err)
	}
	fixture(t, sim)
	e := &env{t: t, sim: sim, now: simNow, cursors: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		rewrite := e.rewrite
		e.mu.Unlock()
		if rewrite == nil {
			sim.ServeHTTP(w, r)
		} else {
			rec := httptest.NewRecorder()
			sim.ServeHTTP(rec, r)
			maps.Copy(w.Header(), rec.Header())
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			w.Write(rewrite(r, rec.Body.Bytes()))
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.served != nil {
			e.served(r)
		}
	}))
	t.Cleanup(srv.Close)
	src := config.Source{
		Name: "jira-main", Type: "jira", URL: srv.URL, Token: "s3cret", Parallel: 2,
		Settings: &Config{Deployment: deployment, Email: "bot@example.com", JQL: "project in (PAY, CORE)"},
		Overlap:  config.Duration(2 * time.Minute), ReconcileInterval: config.Duration(24 * time.Hour),
	}
	if change != nil {
		change(&src)
	}
	e.cfg = src
	e.opts = Options{
		Status: config.JiraStatus{
			BlockedStatuses:    []string{"Blocked"},
			DroppedResolutions: []string{"Won't Do", "Duplicate"},
			BlockingLinkTypes:  []string{"Blocks"},
		},
		Priority: priorities, Backoff: time.Millisecond, PageSize: 100,
		Now: func() time.Time { return e.now },
	}
	e.src, err = New(src, e.opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// sync runs one Sync, committing batches and cursors like the engine does.
func (e *env) sync() error {
	e.t.Helper()
	return e.src.Sync(context.Background(), maps.Clone(e.cursors), func(_ context.Context, b model.Batch) error {
		e.batches = append(e.batches, b)
		maps.Copy(e.cursors, b.Cursors)
		return nil
	})
}

// setServed sets (or, with nil, clears) the hook run after each answer.
func (e *env) setServed(f func(*http.Request)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.served = f
}

func (e *env) mustSync() {
	e.t.Helper()
	if err := e.sync(); err != nil {
		e.t.Fatal(err)
	}
}

// synced is a new environment on dep's fixture after one full sync, and the
// issues that sync emitted.
func synced(t *testing.T, dep string) (*env, map[string]model.Issue) {
	t.Helper()
	e := newEnv(t, dep, jirasim.Options{}, nil)
	e.mustSync()
	return e, e.emitted()
}

// emitted returns the issues emitted since the last call, by key.
func (e *env) emitted() map[string]model.Issue {
	out := map[string]model.Issue{}
	for _, b := range e.batches {
		for _, is := range b.Issues {
			out[is.Key] = is
		}
	}
	e.batches = nil
	return out
}

// fixture fills the simulator with two projects:
//
//	PAY-1 In Progress, High, due 2026-12-01, in the active sprint (and a closed one),
//	      blocked by CORE-1 (a Jira link) and by CORE-2 (its description), mirrors
//	      github acme/pay#5, relates to PAY-3; 45 histories, the oldest a status change
//	PAY-2 Done as Won't Do;  PAY-3 Blocked;  CORE-1 To Do, Lowest;  CORE-2 Done
//	PAY-4 … PAY-120 To Do filler, updated a minute apart.
func fixture(t *testing.T, sim *jirasim.Server) {
	t.Helper()
	at := func(h int) time.Time { return simNow.Add(time.Duration(h-100) * time.Hour) }
	sim.AddUser(jirasim.User{AccountID: "u-ada", DisplayName: "Ada Lovelace", Email: "ada@example.com"})
	sim.AddSprint(jirasim.Sprint{ID: 3, Name: "PAY Sprint 3", State: "closed", Start: at(-400), End: at(-64)})
	sim.AddSprint(jirasim.Sprint{ID: 4, Name: "PAY Sprint 4", State: "active", Start: at(-64), End: at(272)})
	hist := []jirasim.History{{Author: "u-ada", Created: at(1), Items: []jirasim.Change{{Field: "status", FieldType: "jira", FromString: "To Do", ToString: "In Progress"}}}}
	for i := range 44 {
		hist = append(hist, jirasim.History{Author: "u-ada", Created: at(2).Add(time.Duration(i) * time.Minute),
			Items: []jirasim.Change{{Field: "summary", FieldType: "jira", ToString: fmt.Sprint("take ", i)}}})
	}
	add := func(is jirasim.Issue) {
		t.Helper()
		if _, err := sim.AddIssue(is); err != nil {
			t.Fatal(err)
		}
	}
	add(jirasim.Issue{Key: "PAY-1", Summary: "Charge cards", Status: "In Progress", Priority: "High", Assignee: "u-ada",
		Description: "Blocked by CORE-2.\nGitHub twin: https://github.com/acme/pay/issues/5",
		Due:         "2026-12-01", Labels: []string{"q4"}, Components: []string{"Billing"}, Sprints: []int{3, 4},
		Comments: []jirasim.Comment{{Author: "u-ada", Created: at(3), Body: "on it"}},
		Created:  at(0), Updated: at(3), Histories: hist})
	add(jirasim.Issue{Key: "PAY-2", Summary: "Old idea", Status: "Done", Resolution: "Won't Do", Resolved: at(4), Created: at(0), Updated: at(4)})
	add(jirasim.Issue{Key: "PAY-3", Summary: "Refunds", Status: "Blocked", Priority: "Medium", Created: at(0), Updated: at(5)})
	add(jirasim.Issue{Key: "CORE-1", Summary: "Card vault", Status: "To Do", Priority: "Lowest", Created: at(0), Updated: at(6)})
	add(jirasim.Issue{Key: "CORE-2", Summary: "Tokens", Status: "Done", Resolution: "Done", Resolved: at(7), Created: at(0), Updated: at(7)})
	for n := 4; n <= 120; n++ {
		add(jirasim.Issue{Key: fmt.Sprintf("PAY-%d", n), Summary: "filler", Status: "To Do", Created: at(0), Updated: at(8).Add(time.Duration(n) * time.Minute)})
	}
	sim.SetNow(at(9))
	for _, l := range [][3]string{{jirasim.LinkBlocks, "CORE-1", "PAY-1"}, {jirasim.LinkRelates, "PAY-1", "PAY-3"}} {
		if _, err := sim.AddLink(l[0], l[1], l[2]); err != nil {
			t.Fatal(err)
		}
	}
	sim.SetNow(simNow)
}
