package daemon

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/batonhq/baton/model"
	batonsync "github.com/batonhq/baton/sync"
	"github.com/batonhq/baton/webhook"
)

// webhookQueue bounds the hints waiting to be re-fetched; beyond it the
// listener answers 503 and the tracker redelivers later.
const webhookQueue = 256

// webhookDebounce is the analysis debounce once a webhook's re-fetch has
// written: short, since a webhook exists to be seen within seconds, and the
// re-fetches of a burst are merged by the worker anyway.
const webhookDebounce = 250 * time.Millisecond

// refetchTimeout bounds one re-fetch of the hints taken together.
const refetchTimeout = 2 * time.Minute

// listenWebhooks opens the webhook listener: Options.WebhookListener when
// set, else webhooks.listen; nil when webhooks are off.
func (d *Daemon) listenWebhooks() (net.Listener, error) {
	if d.opts.WebhookListener != nil {
		return d.opts.WebhookListener, nil
	}
	addr := d.Config().Webhooks.Listen
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening for webhooks on %s: %w", addr, err)
	}
	return ln, nil
}

// serveWebhooks serves the webhook listener on ln until ctx is done and
// re-fetches what the hints name; with no listener it waits for ctx.
func (d *Daemon) serveWebhooks(ctx context.Context, ln net.Listener) {
	if ln == nil {
		<-ctx.Done()
		return
	}
	d.log.Info("webhooks listening", "listen", ln.Addr().String())
	queue := make(chan webhook.Hint, webhookQueue)
	h := webhook.NewHandler(d.webhookEndpoint, queue, d.metrics.WebhookRequest, d.log)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	var wg sync.WaitGroup
	wg.Go(func() { d.refetchHinted(ctx, queue) })
	d.serveHTTP(ctx, srv, ln)
	wg.Wait()
}

// webhookEndpoint is the endpoint of the configured source called name: its
// type and webhook secret; none without a secret.
func (d *Daemon) webhookEndpoint(name string) (webhook.Endpoint, bool) {
	cfg := d.Config()
	for _, src := range cfg.Sources {
		if src.Name != name || src.WebhookSecret == "" {
			continue
		}
		ep := webhook.Endpoint{Kind: webhook.Kind(src.Type), Secret: []byte(src.WebhookSecret.Reveal())}
		if ep.Kind == webhook.GitHub {
			for _, p := range cfg.Status.GitHub.Projects {
				ep.BoardOwners = append(ep.BoardOwners, p.Owner)
			}
		}
		return ep, true
	}
	return webhook.Endpoint{}, false
}

// refetchHinted takes the queued hints, as many as are waiting at once, and
// re-fetches the issues they name, one call per source; what was written
// is analysed after webhookDebounce.
func (d *Daemon) refetchHinted(ctx context.Context, queue <-chan webhook.Hint) {
	for {
		var hints []webhook.Hint
		select {
		case <-ctx.Done():
			return
		case h := <-queue:
			hints = append(hints, h)
		}
		for more := true; more; {
			select {
			case h := <-queue:
				hints = append(hints, h)
			default:
				more = false
			}
		}
		d.refetch(ctx, hints)
	}
}

// refetch re-fetches the issues hints name, by source, within the source's
// scope, and marks the receipts of those that wrote as waiting for the
// next published analysis.
func (d *Daemon) refetch(ctx context.Context, hints []webhook.Hint) {
	keys := map[string][]string{}
	seen := map[[2]string]bool{} // source and key: a renamed label can name thousands
	received := map[string][]time.Time{}
	for _, h := range hints {
		if h.Board != nil {
			d.pollBoards(h)
		}
		for _, k := range append(h.Keys, d.labelled(ctx, h)...) {
			if sk := [2]string{h.Source, k}; !seen[sk] && d.inSourceScope(h.Source, k) {
				seen[sk] = true
				keys[h.Source] = append(keys[h.Source], k)
			}
		}
		if h.Board == nil {
			received[h.Source] = append(received[h.Source], h.Received)
		}
	}
	for _, source := range slices.Sorted(maps.Keys(keys)) {
		rctx, cancel := context.WithTimeout(ctx, refetchTimeout)
		r, err := d.engine.Refetch(rctx, source, keys[source])
		cancel()
		if err != nil {
			d.log.Warn("re-fetching hinted issues", "source", source, "keys", len(keys[source]), "err", err)
		}
		d.log.Debug("webhook re-fetch", "source", source, "keys", len(keys[source]), "upserted", r.Upserted, "deleted", r.Deleted)
		if r.Wrote() {
			d.hooked.add(source, received[source])
			d.requestAnalysisSoon()
		}
	}
}

// pollBoards asks for a round of h's source now: a board event names no
// issue (only node ids), and what it changed is found the way a round finds
// it, by reading the boards again, each page conditionally on its ETag
// (an unchanged page is a free 304), and the issues whose place moved. The
// round's own code path leaves the projects cursor as any round would. Its
// receipt waits for that round: published if it wrote, forgotten if not.
func (d *Daemon) pollBoards(h webhook.Hint) {
	d.polled.add(h.Source, []time.Time{h.Received}) // before the round can end
	if !d.engine.PollNow(h.Source) {
		d.polled.takeSource(h.Source)
	}
}

// roundDone hands the receipts of the board events waiting for r's source
// to the next published analysis, after the webhook's short debounce, when
// the round wrote, and forgets them when it did not (nothing moved that a
// round could see).
func (d *Daemon) roundDone(r batonsync.Round) {
	at := d.polled.takeSource(r.Source)
	if r.Wrote() && len(at) > 0 {
		d.hooked.add(r.Source, at)
		d.requestAnalysisSoon()
	}
}

// labelled are the stored issues of h's renamed or deleted label.
func (d *Daemon) labelled(ctx context.Context, h webhook.Hint) []string {
	if h.Label == nil {
		return nil
	}
	keys, err := d.store.Labelled(ctx, h.Source, h.Label.Prefix, h.Label.Name)
	if err != nil {
		d.log.Warn("finding the issues of a changed label", "source", h.Source, "err", err)
	}
	return keys
}

// inSourceScope reports whether key is one the source analyses: an
// organisation's webhook also tells of repositories not configured.
func (d *Daemon) inSourceScope(source, key string) bool {
	for _, src := range d.Config().Sources {
		if src.Name != source {
			continue
		}
		scope := sourceTypes[src.Type].scope
		if scope == nil {
			return true
		}
		in := scope(src)
		k, ok := model.ParseKey(key)
		return in == nil || ok && in(k)
	}
	return false
}

// hookedReceipts are the receipt times of webhooks whose re-fetch wrote,
// waiting for the analysis that will publish it.
type hookedReceipts struct {
	mu sync.Mutex
	by map[string][]time.Time // by source
}

func (p *hookedReceipts) add(source string, at []time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by == nil {
		p.by = map[string][]time.Time{}
	}
	p.by[source] = append(p.by[source], at...)
}

// takeSource returns and forgets the receipts of source waiting.
func (p *hookedReceipts) takeSource(source string) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.by[source]
	delete(p.by, source)
	return at
}

// take returns and forgets the receipts waiting.
func (p *hookedReceipts) take() map[string][]time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	by := p.by
	p.by = nil
	return by
}

// observeHooked reports, for each receipt taken before an analysis that was
// then published, the time from receipt to now.
func (d *Daemon) observeHooked(taken map[string][]time.Time) {
	now := time.Now()
	for source, times := range taken {
		for _, at := range times {
			d.metrics.WebhookPublished(source, now.Sub(at))
		}
	}
}
