package apisim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"time"
)

// ServeOptions configure Serve.
type ServeOptions struct {
	Spec       Spec
	GitHubAddr string // e.g. 127.0.0.1:8081; ":0" picks a free port
	JiraAddr   string
	// ConfigFile, when set, receives ConfigYAML for the listening addresses.
	ConfigFile string
	// CasesFile, when set, receives the planted cases (Org.Planted) as JSON.
	CasesFile string
	// MutateEvery applies Mutate (three changes) at this interval; 0 never.
	MutateEvery time.Duration
	Logger      *slog.Logger // default slog.Default()
	// Webhooks, when its URL is set, makes both simulators deliver the
	// webhooks of their mutations to baton's listener there, signed with its
	// secret, and the written config turns webhooks on.
	Webhooks WebhookTarget
	// Ready, when set, is called once both simulators listen.
	Ready func(o *Org, githubURL, jiraURL string)
}

// Serve generates the organisation opts.Spec describes and serves the
// simulated GitHub and Jira on the given addresses until ctx is done.
func Serve(ctx context.Context, opts ServeOptions) error {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	o, err := Generate(opts.Spec)
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ghL, err := lc.Listen(ctx, "tcp", opts.GitHubAddr)
	if err != nil {
		return fmt.Errorf("listening for the GitHub simulator on %s: %w", opts.GitHubAddr, err)
	}
	jiraL, err := lc.Listen(ctx, "tcp", opts.JiraAddr)
	if err != nil {
		ghL.Close()
		return fmt.Errorf("listening for the Jira simulator on %s: %w", opts.JiraAddr, err)
	}
	ghURL, jiraURL := "http://"+ghL.Addr().String()+"/", "http://"+jiraL.Addr().String()
	if err := o.DeliverWebhooks(opts.Webhooks, ghURL, jiraURL); err != nil {
		ghL.Close()
		jiraL.Close()
		return err
	}
	if err := o.writeFiles(opts, ghURL, jiraURL); err != nil {
		ghL.Close()
		jiraL.Close()
		return err
	}
	servers := []*http.Server{
		{Handler: o.GitHubHandler(), ReadHeaderTimeout: 10 * time.Second},
		{Handler: o.JiraHandler(), ReadHeaderTimeout: 10 * time.Second},
	}
	errc := make(chan error, 2)
	for i, l := range []net.Listener{ghL, jiraL} {
		go func() { errc <- servers[i].Serve(l) }()
	}
	log.Info("simulators listening", "github_url", ghURL, "jira_url", jiraURL,
		"issues", o.Spec.Issues, "seed", o.Spec.Seed, "deployment", o.Spec.JiraDeployment)
	if opts.Ready != nil {
		opts.Ready(o, ghURL, jiraURL)
	}
	err = o.run(ctx, opts.MutateEvery, log, errc)
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range servers {
		err = errors.Join(err, s.Shutdown(shutdown))
	}
	return err
}

// run mutates the organisation every interval until ctx is done or a server
// fails.
func (o *Org) run(ctx context.Context, every time.Duration, log *slog.Logger, errc <-chan error) error {
	var tick <-chan time.Time
	if every > 0 {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	rng := rand.New(rand.NewPCG(uint64(o.Spec.Seed), 1))
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return fmt.Errorf("serving a simulator: %w", err)
		case now := <-tick:
			for _, m := range o.Mutate(rng, 3, now) {
				log.Debug("simulated change", "change", m)
			}
		}
	}
}

// writeFiles writes the config and planted cases files opts asks for.
func (o *Org) writeFiles(opts ServeOptions, ghURL, jiraURL string) error {
	if opts.ConfigFile != "" {
		if err := os.WriteFile(opts.ConfigFile, []byte(o.ConfigYAML(ghURL, jiraURL)), 0o600); err != nil {
			return fmt.Errorf("writing the simulator config: %w", err)
		}
	}
	if opts.CasesFile != "" {
		data, err := json.MarshalIndent(o.Planted(), "", "  ")
		if err != nil {
			return fmt.Errorf("encoding the planted cases: %w", err)
		}
		if err := os.WriteFile(opts.CasesFile, append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("writing the planted cases: %w", err)
		}
	}
	return nil
}
