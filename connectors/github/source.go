// Package github is baton's GitHub connector: it pulls the issues of configured
// repositories (or every repository of an organisation, "owner/*") into the
// unified model with go-github, incrementally and as cheaply in API quota as
// GitHub allows: conditional listings that cost nothing when a repository has
// not changed, dependency calls only where GitHub says there are any, each
// sub-issue's parent from its own listing entry, and a periodic full listing
// of issue numbers to notice deletions.
package github

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

// Options tune a Source beyond its configuration.
type Options struct {
	Status   config.GitHubStatus
	Priority map[string]int // label → 1 (highest) … 5
	// Transport is the base transport (nil = httpapi's network transport, with its timeouts), usually the
	// source's httpapi.Meter.
	Transport http.RoundTripper
	Logger    *slog.Logger
	Now       func() time.Time
	// Backoff is the first wait after a secondary rate limit or 429 without
	// Retry-After, doubling after each; default 60s.
	Backoff time.Duration
	// MaxWait is the longest rate-limit wait slept through within a round;
	// longer ones end the round with an error saying when to resume.
	// Default 2m.
	MaxWait time.Duration
	// ActivityWindow is how far back the comments and edits read from an
	// in-progress or blocked issue's timeline count as activity; default 30d.
	ActivityWindow time.Duration
	// OneRound says the source syncs one round in this process (baton sync
	// --once): it keeps no answer cache, whose answers only a later round
	// would ask for again, and which a full sync would fill to cache_bytes.
	OneRound bool
}

// ReconcileScope is the cursor scope where baton before 0.x kept when the
// deletions of every repository were last looked for; a repository with no
// time of its own (reconcileScope) still goes by it.
const ReconcileScope = "_reconcile"

// reconcileScope is the cursor scope holding when r's deletions were last
// looked for: each repository is reconciled on its own, so one that fails
// does not make the others list everything again every round.
func reconcileScope(r repoName) string { return ReconcileScope + ":" + r.scope() }

// Source is one configured GitHub connection.
type Source struct {
	src     config.Source
	specs   []string // the configured repos: owner/repo and owner/*
	opts    Options
	client  *github.Client
	hosts   []string     // web hosts whose issue URLs name issues here
	answers *answerCache // of issue sub-resources; nil when the process syncs one round
	log     *slog.Logger

	failures repoFailures
	book     parentBook // the sub-issues the listings showed, for Sync and the reads between

	orgMu sync.Mutex
	orgs  map[string]orgListing // by org: the last repository listing and its ETag

	// The boards, as found at the first round, and their fields and pages
	// as last read, for Sync alone; and the places on them by key as last
	// read, which Refetch reads too.
	boards     []*board
	fields     map[string]knownFields
	boardPages map[string]boardPage
	places     atomic.Pointer[map[string]place]
	placesLeft cursorMark // the projects cursor as Sync last committed or found it

	wideProbeAt int // see wideProbeAt; tests change it
}

// New returns a Source for src. It makes no network calls.
func New(src config.Source, opts Options) (*Source, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Backoff <= 0 {
		opts.Backoff = time.Minute
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 2 * time.Minute
	}
	if opts.ActivityWindow <= 0 {
		opts.ActivityWindow = 30 * 24 * time.Hour
	}
	repos := config.SettingsOf[Config](src).Repos
	if len(repos) == 0 {
		return nil, fmt.Errorf("source %q: no repos", src.Name)
	}
	for _, r := range repos {
		if o, n, ok := strings.Cut(r, "/"); !ok || o == "" || n == "" || strings.Contains(n, "/") {
			return nil, fmt.Errorf("source %q: repo %q is not owner/name or owner/*", src.Name, r)
		}
	}
	c, err := newClient(src, opts.Transport, opts)
	if err != nil {
		return nil, err
	}
	s := &Source{src: src, specs: repos, opts: opts, client: c, orgs: map[string]orgListing{},
		log: opts.Logger.With("source", src.Name), wideProbeAt: wideProbeAt}
	if !opts.OneRound {
		s.answers = newAnswerCache(cmp.Or(config.SettingsOf[Config](src).CacheBytes, cacheBytes))
	}
	if h, ok := WebHost(src); ok {
		s.hosts = []string{h}
	}
	return s, nil
}

// WebHost returns the web host of a GitHub Enterprise source (the host of its
// url, whose issues are at https://HOST/owner/repo/issues/N), so that issue
// URLs on it are recognised like github.com's; false for github.com.
func WebHost(src config.Source) (string, bool) {
	if src.Type != "github" || src.URL == "" {
		return "", false
	}
	u, err := url.Parse(src.URL)
	if err != nil || u.Hostname() == "" || strings.EqualFold(u.Hostname(), "api.github.com") {
		return "", false
	}
	return u.Hostname(), true
}

// Name is the configured source name.
func (s *Source) Name() string { return s.src.Name }

// emitError marks a failure of emit, which ends the whole Sync.
type emitError struct{ err error }

func (e emitError) Error() string { return e.err.Error() }
func (e emitError) Unwrap() error { return e.err }

// Sync lists what changed in every repository since its cursor and emits it
// page by page; every ReconcileInterval it also lists all issue numbers to
// find deletions. One repository's failure does not stop the others: their
// data is emitted and the failures are returned joined. A failure of emit
// stops everything and is returned as is.
func (s *Source) Sync(ctx context.Context, cursors map[string]string, emit func(context.Context, model.Batch) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The boards go first: the issues listed take their status from them.
	br, err := s.readBoards(ctx, cursors[ProjectsScope])
	if err != nil {
		return err
	}
	repos, orgs, errs := s.repos(ctx, cursors)
	if err := s.book.load(repos, cursors); err != nil {
		return err
	}
	s.noteParentDeclared(repos, cursors)
	if len(orgs) > 0 {
		if err := emit(ctx, model.Batch{Source: s.src.Name, Cursors: orgs}); err != nil {
			return err
		}
	}
	// Four pages a worker may wait to commit: the committer waits for the
	// store's writer while Jira commits, and with one a worker the workers
	// still waited 5.0 s of worker time for room in the queue (traced,
	// 200k benchmark; 0.7 s with four), for about 100 KB a page queued.
	c := startCommits(ctx, cancel, 4*s.src.Parallel, s.log, emit, func(b model.Batch) {
		if br != nil { // an issue emitted need not be read again for its move
			for _, is := range b.Issues {
				delete(br.moved, is.Key)
			}
		}
	})
	// Ends the committer should what follows panic (the engine recovers
	// Sync's panics): once stopped below, stopping again does nothing.
	defer c.stop()
	errs = append(errs, s.forEachRepo(ctx, repos, func(ctx context.Context, r repoName) error {
		if s.failures.waiting(r, s.opts.Now()) {
			return nil
		}
		err := s.syncAndReconcile(ctx, r, cursors, c)
		return s.failures.record(r, err, s.opts.Now(), s.src.Interval.D(), s.src.ReconcileInterval.D(), s.log)
	})...)
	if err := c.stop(); err != nil {
		var p panicked
		if errors.As(err, &p) { // its repository waits, as one whose sync panicked
			s.failures.record(p.repo, err, s.opts.Now(), s.src.Interval.D(), s.src.ReconcileInterval.D(), s.log)
		}
		return err
	}
	if len(errs) == 0 && br != nil {
		if err := s.emitMoved(ctx, br, repos, emit); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}

// syncAndReconcile syncs r and, when its reconcile is due and the sync did
// not list it whole, lists all its issue numbers.
func (s *Source) syncAndReconcile(ctx context.Context, r repoName, cursors map[string]string, c *commits) error {
	complete, err := s.syncRepo(ctx, r, cursors[r.scope()], cursors[parentsScope(r)], c)
	if err != nil || complete || !s.reconcileDue(cmp.Or(cursors[reconcileScope(r)], cursors[ReconcileScope])) {
		return err
	}
	return s.reconcileRepo(ctx, r, c)
}

// forEachRepo runs f for every repository, src.Parallel at a time, and
// returns the failures.
func (s *Source) forEachRepo(ctx context.Context, repos []repoName, f func(context.Context, repoName) error) []error {
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, max(1, s.src.Parallel))
	)
	for _, r := range repos {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return append(errs, ctx.Err())
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := s.recovering(ctx, r, f); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errs
}

// recovering runs f for r. It runs in a goroutine of its own, beyond the
// engine's recover, so a panic there is turned into r's failure here, with
// its stack logged: one unexpected payload must not stop the daemon.
func (s *Source) recovering(ctx context.Context, r repoName, f func(context.Context, repoName) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("syncing a repository panicked", "source", s.src.Name, "repo", r.String(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = panicked{op: "syncing " + r.String(), repo: r, value: p}
		}
	}()
	return f(ctx, r)
}

// panicked is a repository's sync, or a commit, that panicked. It is
// permanent: the same data would panic again, so the round is not retried
// at once.
type panicked struct {
	op    string   // what was being done: "syncing owner/repo"
	repo  repoName // whose sync or page it was
	value any
}

func (p panicked) Error() string   { return fmt.Sprintf("%s: panic: %v", p.op, p.value) }
func (p panicked) Permanent() bool { return true }

// reconciledNow is the cursor recording that r's deletions were looked for now.
func (s *Source) reconciledNow(r repoName) map[string]string {
	return map[string]string{reconcileScope(r): s.opts.Now().UTC().Format(time.RFC3339)}
}

// reconcileDue reports whether a full listing is due, given when the last
// one finished.
func (s *Source) reconcileDue(last string) bool {
	t, err := time.Parse(time.RFC3339, last)
	return err != nil || s.opts.Now().Sub(t) >= s.src.ReconcileInterval.D()
}
