package main

import (
	"context"
	"fmt"
	"reflect"

	"github.com/batonhq/baton/config"
)

// reload re-reads the configuration file and applies it without a restart:
// sources that were added, removed or changed (a re-read token_file
// included) start, stop or restart; teams, rules and mappings apply from the
// next page and analysis. listen and storage.path need a restart. A file that
// does not load changes nothing.
func (d *daemon) reload(ctx context.Context) error {
	next, err := config.Load(d.path)
	if err != nil {
		return err
	}
	logWarnings(d.log, next)
	cur := d.config()
	if next.Listen != cur.Listen || next.Storage != cur.Storage {
		d.log.Warn("listen and storage.path changes take effect on restart", "listen", cur.Listen, "storage", cur.Storage.Path)
		next.Listen, next.Storage = cur.Listen, cur.Storage
	}
	remap := !reflect.DeepEqual(cur.Status, next.Status) || !reflect.DeepEqual(cur.Priority, next.Priority)
	before := map[string]config.Source{}
	for _, s := range cur.Sources {
		before[s.Name] = s
	}
	// Build every new or changed connector before anything changes, so a
	// source that cannot be built leaves the running configuration whole.
	var changed []builtSource
	var started []string
	for _, s := range next.Sources {
		old, ok := before[s.Name]
		delete(before, s.Name)
		if ok && !remap && reflect.DeepEqual(old, s) {
			continue
		}
		b, err := d.buildSource(next, s)
		if err != nil {
			return fmt.Errorf("applying the reloaded configuration: %w", err)
		}
		changed, started = append(changed, b), append(started, s.Name)
	}
	gone := make([]string, 0, len(before))
	for name := range before {
		gone = append(gone, name)
	}
	d.conf.Store(next)
	d.engine.SetTeams(next.ModelTeams())
	for _, b := range changed {
		b.add(d.engine)
	}
	for _, name := range gone {
		d.engine.Remove(name)
	}
	d.metrics.RemoveSources(gone...)
	d.metrics.AddSources(d.engine.Sources()...)
	d.log.Info("configuration reloaded", "sources_started", started, "sources_removed", gone)
	d.requestAnalysis()
	return ctx.Err()
}
