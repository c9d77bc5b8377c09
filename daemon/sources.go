package daemon

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/github"
	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/connectors/jira"
	"github.com/batonhq/baton/model"
	batonsync "github.com/batonhq/baton/sync"
)

// sourceType is what the daemon knows of one type of source.
type sourceType struct {
	// build makes the connector of src with cfg's mappings, over transport;
	// oneRound when the process syncs once (Options.OneRound).
	build func(src config.Source, cfg *config.Config, transport http.RoundTripper, log *slog.Logger, oneRound bool) (batonsync.Source, error)
	// scope says which of src's issues are analysed, by key; nil (or a
	// nil answer): all of them.
	scope func(src config.Source) func(model.Key) bool
}

// sourceTypes is the registry of source types by their config `type:`: the
// connector's constructor, given the mappings of the configuration.
var sourceTypes = map[string]sourceType{
	"github": {
		build: func(src config.Source, cfg *config.Config, transport http.RoundTripper, log *slog.Logger, oneRound bool) (batonsync.Source, error) {
			return github.New(src, github.Options{Status: cfg.Status.GitHub, Priority: cfg.Priority.GitHubLabels, Transport: transport, Logger: log,
				OneRound: oneRound})
		},
		scope: gitHubScope,
	},
	"jira": {
		build: func(src config.Source, cfg *config.Config, transport http.RoundTripper, log *slog.Logger, _ bool) (batonsync.Source, error) {
			return jira.New(src, jira.Options{Status: cfg.Status.Jira, Priority: cfg.Priority.JiraNames, Transport: transport, Logger: log,
				GitHubHosts: gitHubHosts(cfg)})
		},
	},
}

// gitHubHosts are the web hosts of cfg's GitHub Enterprise sources: issue
// URLs on them in Jira descriptions are mirrors and references too.
func gitHubHosts(cfg *config.Config) []string {
	var hosts []string
	for _, gh := range cfg.Sources {
		if h, ok := github.WebHost(gh); ok && !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	return hosts
}

// gitHubScope keeps the issues of the repositories src names, owner/repo or
// owner/* for all of an owner's: a repository removed from repos: stays in
// the store but is no longer analysed.
func gitHubScope(src config.Source) func(model.Key) bool {
	gh := config.SettingsOf[github.Config](src)
	if len(gh.Repos) == 0 {
		return nil
	}
	repos := make([]string, len(gh.Repos))
	for i, r := range gh.Repos {
		repos[i] = strings.ToLower(r)
	}
	return func(k model.Key) bool {
		owner, _, _ := strings.Cut(k.Place, "/")
		return k.System == model.GitHub && slices.ContainsFunc(repos, func(r string) bool {
			return r == k.Place || r == owner+"/*"
		})
	}
}

// builtSource is a connector ready to be handed to the engine.
type builtSource struct {
	src      batonsync.Source
	interval time.Duration
	meter    *httpapi.Meter
	guard    batonsync.DeletionGuard
	timeout  time.Duration // of a round
}

func (b builtSource) add(e *batonsync.Engine) error {
	e.SetDeletionGuard(b.src.Name(), b.guard)
	e.SetRoundTimeout(b.src.Name(), b.timeout)
	return e.Add(b.src, b.interval, b.meter)
}

// buildSource makes the connector of src with cfg's mappings over its HTTP
// layer's meter, which metrics (and, through the engine, readiness) read.
func (d *Daemon) buildSource(cfg *config.Config, src config.Source) (builtSource, error) {
	t, ok := sourceTypes[src.Type]
	if !ok {
		return builtSource{}, fmt.Errorf("source %s: unknown type %q", src.Name, src.Type)
	}
	meter := httpapi.NewMeter(nil)
	d.metrics.WatchAPI(src.Name, meter)
	s, err := t.build(src, cfg, meter, d.log.With("source", src.Name), d.opts.OneRound)
	if err != nil {
		return builtSource{}, fmt.Errorf("source %s: %w", src.Name, err)
	}
	guard := batonsync.DeletionGuard{Percent: src.DeletionGuard.Percent, Issues: src.DeletionGuard.Issues}
	return builtSource{src: s, interval: src.Interval.D(), meter: meter, guard: guard, timeout: src.RoundTimeout.D()}, nil
}
