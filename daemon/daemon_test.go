package daemon

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/internal/testtool"
	"github.com/batonhq/baton/model"
	batonsync "github.com/batonhq/baton/sync"
)

// fakeSource commits one issue per round, or only in its first round.
type fakeSource struct {
	name   string
	fail   error // returned by every round when set
	once   bool  // later rounds find nothing new
	rounds atomic.Int32
}

// refusedCommits counts the pages a fakeSource could not commit although
// its round was not cancelled: a loop writing to a closed store.
var refusedCommits atomic.Int32

func (f *fakeSource) Name() string { return f.name }

func (f *fakeSource) Sync(ctx context.Context, _ map[string]string, emit func(context.Context, model.Batch) error) error {
	if f.fail != nil {
		return f.fail
	}
	if f.rounds.Add(1) > 1 && f.once {
		return nil
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	is := model.Issue{Key: "jira:F-1", Source: f.name, System: model.Jira, Title: "f", Status: model.StatusTodo, RawStatus: "To Do", Created: at, Updated: at}
	if err := emit(ctx, model.Batch{Source: f.name, Issues: []model.Issue{is}}); err != nil && ctx.Err() == nil {
		refusedCommits.Add(1)
		return err
	}
	return nil
}

func TestMain(m *testing.M) {
	sourceTypes["fake"] = sourceType{build: func(src config.Source, _ *config.Config, _ http.RoundTripper, _ *slog.Logger, _ bool) (batonsync.Source, error) {
		f := &fakeSource{name: src.Name}
		switch src.URL {
		case "fail":
			f.fail = errors.New("boom")
		case "once":
			f.once = true
		}
		return f, nil
	}}
	os.Exit(m.Run())
}

// fakeConfig configures a store in dir and a fake source per name, each
// named after itself (a prefix makes it unique across tests).
func fakeConfig(dir string, names ...string) *config.Config {
	cfg := &config.Config{Storage: config.Storage{Path: filepath.Join(dir, "baton.db")}}
	for _, n := range names {
		cfg.Sources = append(cfg.Sources, config.Source{Name: n, Type: "fake", Interval: config.Duration(time.Hour)})
	}
	return cfg
}

// openTest opens a daemon on cfg whose reloads load what load returns.
func openTest(t testing.TB, cfg *config.Config, hup <-chan os.Signal, load func(string) (*config.Config, error)) (*Daemon, *testtool.LogBuffer) {
	t.Helper()
	logs := &testtool.LogBuffer{}
	d, err := Open(context.Background(), cfg, Options{Logger: slog.New(slog.NewTextHandler(logs, nil)), Version: "test", Hangup: hup})
	if err != nil {
		t.Fatal(err)
	}
	if load != nil {
		d.load = load
	}
	return d, logs
}

// serve runs d.Serve on a free port until the returned stop is called,
// which returns Serve's error.
func serve(t testing.TB, d *Daemon) (stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, ln) }()
	return func() error {
		cancel()
		return <-done
	}
}

func eventually(t testing.TB, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestAReloadInFlightWhenShutdownBeginsFinishesBeforeTheEngineStops holds a
// reload in the middle of loading the file while shutdown begins: the
// reload still applies to a running engine, and the loop it starts is
// stopped before the store closes.
func TestAReloadInFlightWhenShutdownBeginsFinishesBeforeTheEngineStops(t *testing.T) {
	dir := t.TempDir()
	loading, release := make(chan struct{}), make(chan struct{})
	hup := make(chan os.Signal, 1)
	d, logs := openTest(t, fakeConfig(dir, "inflight-a"), hup, func(string) (*config.Config, error) {
		close(loading)
		<-release
		return fakeConfig(dir, "inflight-a", "inflight-b"), nil
	})
	stop := serve(t, d)
	hup <- os.Interrupt
	<-loading
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	eventually(t, "shutdown to begin", func() bool { return strings.Contains(logs.String(), "shutting down") })
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("Serve returned %v, want nil", err)
	}
	if !strings.Contains(logs.String(), `msg="configuration reloaded" sources_started=[inflight-b]`) {
		t.Errorf("the reload caught by shutdown did not apply; log:\n%s", logs)
	}
	if n := refusedCommits.Load(); n != 0 {
		t.Errorf("%d pages were not committed: written after the store closed", n)
	}
	if err := d.engine.Add(&fakeSource{name: "late"}, time.Hour, nil); !errors.Is(err, batonsync.ErrStopped) {
		t.Errorf("Add after Serve returned: %v, want ErrStopped", err)
	}
}

// TestReloadsRacingShutdownNeverWriteToAClosedStore sends reloads that
// restart a source while the daemon is being stopped, many times; run it
// with -race.
func TestReloadsRacingShutdownNeverWriteToAClosedStore(t *testing.T) {
	for i := range 20 {
		dir := t.TempDir()
		hup := make(chan os.Signal, 1)
		var reloads atomic.Int32
		d, _ := openTest(t, fakeConfig(dir, "race-a"), hup, func(string) (*config.Config, error) {
			n := reloads.Add(1)
			cfg := fakeConfig(dir, "race-a")
			cfg.Sources[0].Interval = config.Duration(time.Hour + time.Duration(n)*time.Minute) // a changed source: rebuilt and restarted
			return cfg, nil
		})
		stop := serve(t, d)
		sending, sent := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(sent)
			for {
				select {
				case <-sending:
					return
				case hup <- os.Interrupt:
				}
			}
		}()
		eventually(t, "a reload", func() bool { return reloads.Load() > int32(i%3) })
		if err := stop(); err != nil {
			t.Fatalf("round %d: Serve returned %v, want nil", i, err)
		}
		close(sending)
		<-sent
		if n := refusedCommits.Load(); n != 0 {
			t.Fatalf("round %d: %d pages were not committed: written after the store closed", i, n)
		}
	}
}

// TestAReloadThatCannotBuildASourceChangesNothing: reloads are all or
// nothing.
func TestAReloadThatCannotBuildASourceChangesNothing(t *testing.T) {
	cfg := fakeConfig(t.TempDir(), "whole-a")
	d, _ := openTest(t, cfg, nil, func(string) (*config.Config, error) {
		next := fakeConfig(t.TempDir(), "whole-b")
		next.Sources = append(next.Sources, config.Source{Name: "whole-c", Type: "gitlab"})
		return next, nil
	})
	t.Cleanup(func() { d.Close() })
	err := d.reload(context.Background())
	if err == nil || err.Error() != `applying the reloaded configuration: source whole-c: unknown type "gitlab"` {
		t.Errorf("reload with a source that cannot be built: %v, want it refused", err)
	}
	if d.Config() != cfg {
		t.Error("a refused reload replaced the configuration")
	}
	if got := d.Sources(); len(got) != 1 || got[0] != "whole-a" {
		t.Errorf("sources after a refused reload: %v, want [whole-a]", got)
	}
}

// TestAReloadKeepsTheListenersItCannotMove: the listeners are opened at
// start, so a reload keeps their addresses in the configuration in force
// (which the daemon reports) and says a restart is needed.
func TestAReloadKeepsTheListenersItCannotMove(t *testing.T) {
	cfg := fakeConfig(t.TempDir(), "listeners")
	cfg.Webhooks.Listen = "127.0.0.1:9465"
	d, _ := openTest(t, cfg, nil, func(string) (*config.Config, error) {
		next := fakeConfig(t.TempDir(), "listeners")
		next.Listen, next.Webhooks.Listen = "127.0.0.1:19464", "127.0.0.1:19465"
		return next, nil
	})
	t.Cleanup(func() { d.Close() })
	if err := d.reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := d.Config(); got.Listen != cfg.Listen || got.Webhooks.Listen != "127.0.0.1:9465" {
		t.Errorf("after reload: listen %s, webhooks.listen %s; want the running %s and 127.0.0.1:9465", got.Listen, got.Webhooks.Listen, cfg.Listen)
	}
}

func TestReadyzListsEverySourceState(t *testing.T) {
	cfg := fakeConfig(t.TempDir(), "ready-ok", "ready-failing", "ready-new")
	cfg.Sources[1].URL = "fail"
	d, _ := openTest(t, cfg, nil, nil)
	t.Cleanup(func() { d.Close() })
	if got := readyz(t, d); got != "503 not ready\nready-ok: waiting for first sync\nready-failing: waiting for first sync\nready-new: waiting for first sync\n" {
		t.Errorf("/readyz before any sync: %q", got)
	}
	d.engine.Retry = batonsync.Backoff{Attempts: -1} // no retry of the failing source
	d.SyncOnce(context.Background(), 3, nil)
	d.engine.Remove("ready-new")
	if err := d.engine.Add(&fakeSource{name: "ready-new"}, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	got := lastSuccess.ReplaceAllString(readyz(t, d), "last success T")
	if want := "503 not ready\nready-ok: ok, last success T\nready-failing: failing since its last round: boom\nready-new: waiting for first sync\n"; got != want {
		t.Errorf("/readyz = %q, want %q", got, want)
	}
	d.engine.Remove("ready-failing")
	d.engine.Remove("ready-new")
	if got := lastSuccess.ReplaceAllString(readyz(t, d), "last success T"); got != "200 ready\nready-ok: ok, last success T\n" {
		t.Errorf("/readyz with every source synced = %q", got)
	}
}

var lastSuccess = regexp.MustCompile(`last success \S+`)

// emptiedSource lists one issue on its first round, and then a complete
// listing without it: a JQL that suddenly matches nothing.
type emptiedSource struct{ rounds int }

func (e *emptiedSource) Name() string { return "emptied" }

func (e *emptiedSource) Sync(ctx context.Context, _ map[string]string, emit func(context.Context, model.Batch) error) error {
	e.rounds++
	if e.rounds > 1 {
		return emit(ctx, model.Batch{Present: &model.KeySet{Prefix: "jira:"}})
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	return emit(ctx, model.Batch{Issues: []model.Issue{{Key: "jira:E-1", Source: "emptied", System: model.Jira,
		Title: "e", Status: model.StatusTodo, RawStatus: "To Do", Created: at, Updated: at}}})
}

func TestReadyzAndTheMetricSayWhenAReconcileWithholdsDeletions(t *testing.T) {
	checkReported(t, &emptiedSource{}, 2,
		"200 ready\nemptied: ok, last success T\nemptied: withholding 1 deletions until the next reconcile agrees\n",
		"baton_reconcile_withheld_deletions") // what the alert fires on
}

// partlyFailingSource syncs, but one of its repositories fails on its own.
type partlyFailingSource struct{ fakeSource }

func (p *partlyFailingSource) Sync(context.Context, map[string]string, func(context.Context, model.Batch) error) error {
	return nil
}

func (p *partlyFailingSource) FailingScopes() []model.ScopeFailure {
	return []model.ScopeFailure{{Scope: "acme/gone", Failures: 3, RetryAt: time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC), Err: "listing issues of acme/gone page 1: HTTP 404: Not Found"}}
}

func TestReadyzAndTheMetricNameARepositoryFailingOnItsOwn(t *testing.T) {
	checkReported(t, &partlyFailingSource{fakeSource{name: "gh"}}, 1,
		"200 ready\ngh: ok, last success T\ngh: acme/gone failing on its own (3 tries), retried at 2026-11-20T11:00:00Z while the rest syncs: listing issues of acme/gone page 1: HTTP 404: Not Found\n",
		"baton_sync_failing_scopes")
}

// checkReported runs rounds of src in a daemon, then wants /readyz (last
// success times masked) and gauge{source} at 1.
func checkReported(t *testing.T, src batonsync.Source, rounds int, wantReadyz, gauge string) {
	t.Helper()
	d, _ := openTest(t, fakeConfig(t.TempDir()), nil, nil)
	t.Cleanup(func() { d.Close() })
	if err := d.engine.Add(src, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	for range rounds {
		if failed := d.engine.RunOnce(context.Background(), 1); len(failed) > 0 {
			t.Fatal(failed)
		}
	}
	if got := lastSuccess.ReplaceAllString(readyz(t, d), "last success T"); got != wantReadyz {
		t.Errorf("/readyz = %q, want %q", got, wantReadyz)
	}
	if n := metric(t, d, gauge, map[string]string{"source": src.Name()}); n != 1 {
		t.Errorf("%s{source=%s} = %v, want 1", gauge, src.Name(), n)
	}
}

// readyz is /readyz's status code and body as one string.
func readyz(t *testing.T, d *Daemon) string {
	t.Helper()
	code, body := get(t, d, "/readyz")
	return strconv.Itoa(code) + " " + body
}

// TestAReloadOfAnAliasBombIsRefusedAndChangesNothing: a SIGHUP after the
// file became an alias bomb goes through config.Load's alias budget, as a
// start does, and the running configuration stays.
func TestAReloadOfAnAliasBombIsRefusedAndChangesNothing(t *testing.T) {
	cfg := fakeConfig(t.TempDir(), "bombed")
	d, _ := openTest(t, cfg, nil, nil)
	t.Cleanup(func() { d.Close() })
	d.opts.ConfigPath = "../config/testdata/alias_bomb.bad.yml"
	err := d.reload(context.Background())
	if err == nil || !strings.Contains(err.Error(), "alias_bomb.bad.yml:19: aliases expand the file to more than") {
		t.Errorf("reload of an alias bomb: %v, want it refused by the alias budget", err)
	}
	if d.Config() != cfg {
		t.Error("a refused reload replaced the configuration")
	}
}
