package daemon

import (
	"context"
	"fmt"
	"reflect"

	"github.com/batonhq/baton/config"
)

// reloadOnHangup applies the configuration file again on each signal from
// Options.Hangup until ctx is done. Reloads run one at a time in this
// actor, and shutdown halts it before the engine: no reload can reach an
// engine that is stopping.
func (d *Daemon) reloadOnHangup(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.opts.Hangup: // nil, and so never ready, when nobody catches SIGHUP
		}
		if err := d.reload(ctx); err != nil {
			d.log.Error("configuration reload failed; keeping the running configuration", "err", err)
		}
	}
}

// reload re-reads the configuration file and applies it without a restart:
// sources that were added, removed or changed (a re-read token_file
// included) start, stop or restart; teams, rules and mappings apply from the
// next page and analysis; the rollup scheduler restarts. listen,
// storage.path and webhooks.listen need a restart. A file that does not load changes nothing.
func (d *Daemon) reload(ctx context.Context) error {
	next, err := d.load(d.opts.ConfigPath)
	if err != nil {
		return err
	}
	for _, w := range next.Warnings() {
		d.log.Warn(w)
	}
	cur := d.Config()
	if next.Listen != cur.Listen || next.Storage != cur.Storage || next.Webhooks != cur.Webhooks {
		d.log.Warn("listen, storage.path and webhooks.listen changes take effect on restart",
			"listen", cur.Listen, "storage", cur.Storage.Path, "webhooks_listen", cur.Webhooks.Listen)
		next.Listen, next.Storage, next.Webhooks = cur.Listen, cur.Storage, cur.Webhooks
	}
	changed, started, err := d.buildChanged(cur, next)
	if err != nil {
		return fmt.Errorf("applying the reloaded configuration: %w", err)
	}
	gone := removed(cur, next)
	d.conf.Store(next)
	for _, b := range changed {
		if err := b.add(d.engine); err != nil {
			return err // not while serving: shutdown stops reloads before the engine
		}
	}
	for _, name := range gone {
		d.engine.Remove(name)
	}
	d.metrics.RemoveSources(gone...)
	d.metrics.AddSources(d.engine.Sources()...)
	d.log.Info("configuration reloaded", "sources_started", started, "sources_removed", gone)
	d.requestAnalysis()
	select {
	case d.rescheduled <- struct{}{}:
	default:
	}
	return ctx.Err()
}

// buildChanged builds every connector of next that is new or changed since
// cur before anything changes, so a source that cannot be built leaves the
// running configuration whole.
func (d *Daemon) buildChanged(cur, next *config.Config) ([]builtSource, []string, error) {
	remap := !reflect.DeepEqual(cur.Status, next.Status) || !reflect.DeepEqual(cur.Priority, next.Priority)
	before := map[string]config.Source{}
	for _, s := range cur.Sources {
		before[s.Name] = s
	}
	var changed []builtSource
	var started []string
	for _, s := range next.Sources {
		if old, ok := before[s.Name]; ok && !remap && reflect.DeepEqual(old, s) {
			continue
		}
		b, err := d.buildSource(next, s)
		if err != nil {
			return nil, nil, err
		}
		changed, started = append(changed, b), append(started, s.Name)
	}
	return changed, started, nil
}

// removed names the sources of cur that next no longer has.
func removed(cur, next *config.Config) []string {
	kept := map[string]bool{}
	for _, s := range next.Sources {
		kept[s.Name] = true
	}
	gone := []string{}
	for _, s := range cur.Sources {
		if !kept[s.Name] {
			gone = append(gone, s.Name)
		}
	}
	return gone
}
