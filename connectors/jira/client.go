// Package jira is baton's Jira connector: it pulls the issues matched by a
// source's JQL from Jira Cloud (enhanced search, bulk changelog) or Jira Data
// Center (legacy search, per-issue changelog) with go-jira, incrementally and
// in the account's time zone, into the unified model.
package jira

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	gosync "sync"
	"time"
	_ "time/tzdata" // account zones must resolve in minimal containers too

	jira "github.com/andygrunwald/go-jira"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
)

// Options are what the connector needs beyond its source's configuration.
type Options struct {
	Status   config.JiraStatus
	Priority map[string]int // Jira priority name -> 1..5, matched case-insensitively
	// Transport is the base transport (nil = httpapi's network transport, with its timeouts), usually the
	// source's httpapi.Meter; the connector adds authentication over
	// httpapi's guarded, bounded, retrying Transport.
	Transport http.RoundTripper
	Logger    *slog.Logger
	Now       func() time.Time // default time.Now; only decides when to reconcile
	// PageSize is the maxResults asked for; servers may return fewer. Default 100.
	PageSize int
	// Backoff is the first wait before retrying a 5xx; default 1s.
	Backoff time.Duration
	// GitHubHosts are the web hosts of GitHub Enterprise servers whose issue
	// URLs in descriptions are recognised like github.com's.
	GitHubHosts []string
}

// Source reads one configured Jira source. It satisfies sync.Source.
type Source struct {
	src    config.Source
	jql    string // the configured query, without ORDER BY
	opts   Options
	client *jira.Client
	base   string // site URL with a trailing slash
	cloud  bool
	log    *slog.Logger

	mu   gosync.Mutex
	site *siteInfo // account zone and sprint field, learned once per reconcile

	decoders gosync.Map // search page decoders by the fields they ask for, joined by commas
}

// siteInfo is what the connector learns about the site before searching.
type siteInfo struct {
	zone    *time.Location
	fields  customFields
	learned time.Time
}

// customFields are the ids of the custom fields the connector reads, found
// by their schema since sites name and number them freely; "" when the site
// has none.
type customFields struct {
	sprint   string
	epicLink string // Data Center's Epic Link (Cloud uses parent for epics)
}

// ids returns the fields found, to ask the search for.
func (c customFields) ids() []string {
	var out []string
	for _, id := range []string{c.sprint, c.epicLink} {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// New returns a connector for src, which must be a jira source.
func New(src config.Source, opts Options) (*Source, error) {
	if src.Type != "jira" {
		return nil, fmt.Errorf("jira source %q: type is %q, not jira", src.Name, src.Type)
	}
	if src.URL == "" {
		return nil, fmt.Errorf("jira source %q: url is empty", src.Name)
	}
	cfg := config.SettingsOf[Config](src)
	if strings.TrimSpace(cfg.JQL) == "" {
		return nil, fmt.Errorf("jira source %q: jql is empty", src.Name)
	}
	if strings.Contains(strings.ToUpper(cfg.JQL), "ORDER BY") {
		return nil, fmt.Errorf("jira source %q: jql has an ORDER BY: leave it out, baton orders by updated and key to page safely", src.Name)
	}
	cloud := cfg.Deployment == "" || cfg.Deployment == "cloud"
	if !cloud && cfg.Deployment != "server" {
		return nil, fmt.Errorf("jira source %q: deployment %q: want cloud or server", src.Name, cfg.Deployment)
	}
	if src.Token.Reveal() == "" {
		return nil, fmt.Errorf("jira source %q: token is empty", src.Name)
	}
	if cloud && cfg.Email == "" {
		return nil, fmt.Errorf("jira source %q: deployment cloud needs email (the account of the API token)", src.Name)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if len(opts.Status.BlockingLinkTypes) == 0 {
		opts.Status.BlockingLinkTypes = []string{"Blocks"}
	}
	base := strings.TrimRight(src.URL, "/") + "/"
	api, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("jira source %q: url: %w", src.Name, err)
	}
	// The credentials go over httpapi's transport, which refuses any request
	// (a redirect included) to another origin than api's.
	retry := httpapi.NewTransport(opts.Transport, api, src.Parallel, httpapi.DefaultPolicy)
	retry.Backoff = opts.Backoff
	retry.MaxBody = src.MaxResponseBytes
	var auth http.RoundTripper
	switch {
	case cloud:
		auth = &jira.BasicAuthTransport{Username: cfg.Email, Password: src.Token.Reveal(), Transport: retry}
	case cfg.Username != "":
		auth = &jira.BasicAuthTransport{Username: cfg.Username, Password: src.Token.Reveal(), Transport: retry}
	default:
		auth = &jira.BearerAuthTransport{Token: src.Token.Reveal(), Transport: retry}
	}
	client, err := jira.NewClient(&http.Client{Transport: auth}, base)
	if err != nil {
		return nil, fmt.Errorf("jira source %q: url: %w", src.Name, err)
	}
	return &Source{
		src: src, jql: cfg.JQL, opts: opts, client: client, base: base, cloud: cloud,
		log: opts.Logger.With("source", src.Name),
	}, nil
}

// Name is the configured source name.
func (s *Source) Name() string { return s.src.Name }

// learn asks the site for the account's time zone and the sprint field, once
// and again after every reconcile interval.
func (s *Source) learn(ctx context.Context, refresh bool) (*siteInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.site != nil && !refresh {
		return s.site, nil
	}
	me, resp, err := s.client.User.GetSelfWithContext(ctx)
	if err != nil {
		return nil, apiError("reading the account's time zone (/rest/api/2/myself)", resp, err)
	}
	zone := time.UTC
	if me.TimeZone != "" {
		if zone, err = time.LoadLocation(me.TimeZone); err != nil {
			return nil, fmt.Errorf("reading the account's time zone: %q: %w", me.TimeZone, err)
		}
	}
	fields, resp, err := s.client.Field.GetListWithContext(ctx)
	if err != nil {
		return nil, apiError("discovering the sprint and Epic Link fields (/rest/api/2/field)", resp, err)
	}
	s.site = &siteInfo{zone: zone, fields: customFieldsOf(fields), learned: s.opts.Now()}
	return s.site, nil
}

// customFieldsOf finds the sprint and Epic Link fields among the site's
// fields by schema; the first of each wins.
func customFieldsOf(fields []jira.Field) customFields {
	var c customFields
	for _, f := range fields {
		switch f.Schema.Custom {
		case sprintSchema:
			c.sprint = cmp.Or(c.sprint, f.ID)
		case epicLinkSchema:
			c.epicLink = cmp.Or(c.epicLink, f.ID)
		}
	}
	return c
}

// The schemas that identify the sprint and Epic Link custom fields whatever
// their ids or names.
const (
	sprintSchema   = "com.pyxis.greenhopper.jira:gh-sprint"
	epicLinkSchema = "com.pyxis.greenhopper.jira:gh-epic-link"
)

// do sends req as go-jira's Do does, decoding a successful answer into v
// with httpapi.DecodeJSON rather than encoding/json, and closing its body.
// An error status's body is left open, as Do leaves it: the caller reads
// and closes it with jira.NewJiraError.
func (s *Source) do(req *http.Request, v any) (*jira.Response, error) {
	resp, err := s.client.Do(req, nil)
	if err != nil {
		return resp, err
	}
	defer resp.Body.Close()
	return resp, httpapi.DecodeJSON(resp.Body, v)
}

// apiError turns a go-jira failure into an *httpapi.APIError that keeps the
// HTTP status and Retry-After, which go-jira's own error hides.
func apiError(op string, resp *jira.Response, err error) *httpapi.APIError {
	e := &httpapi.APIError{Op: op, Err: err}
	var jerr *jira.Error
	if errors.As(err, &jerr) {
		e.Err = nil
		if len(jerr.ErrorMessages) > 0 {
			e.Msg = strings.Join(jerr.ErrorMessages, "; ")
		} else {
			for k, v := range jerr.Errors {
				e.Msg += k + ": " + v + " "
			}
			e.Msg = strings.TrimSpace(e.Msg)
		}
	}
	if resp != nil && resp.Response != nil {
		e.Status = resp.StatusCode
		e.Wait = httpapi.ParseRetryAfter(resp.Header, time.Now())
		if e.Status/100 != 2 && e.Err != nil && e.Msg == "" {
			// go-jira's text for a non-JSON error body: keep only the status.
			e.Err = nil
		}
	}
	return e
}

// searchError explains the two statuses that mean the deployment setting is wrong.
func (s *Source) searchError(op string, resp *jira.Response, err error) error {
	e := apiError(op, resp, err)
	switch {
	case e.Status == http.StatusGone && !s.cloud:
		e.Msg += fmt.Sprintf(" (source %q has deployment: server, but this site removed the legacy search: it is probably Jira Cloud; set deployment: cloud)", s.src.Name)
	case e.Status == http.StatusNotFound && s.cloud:
		e.Msg += fmt.Sprintf(" (source %q has deployment: cloud, but this site has no enhanced search: it is probably Jira Data Center/Server; set deployment: server)", s.src.Name)
	case e.Status == http.StatusGone && s.cloud:
		e.Msg += fmt.Sprintf(" (source %q: the search API is gone on this site; check deployment: and url:)", s.src.Name)
	case e.Status == http.StatusNotFound && !s.cloud:
		e.Msg += fmt.Sprintf(" (source %q has deployment: server, but this site has no /rest/api/2/search: check url:, or set deployment: cloud)", s.src.Name)
	}
	return e
}
