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
	cur := d.config()
	if next.Listen != cur.Listen || next.Storage != cur.Storage {
		d.log.Warn("listen and storage.path changes take effect on restart", "listen", cur.Listen, "storage", cur.Storage.Path)
		next.Listen, next.Storage = cur.Listen, cur.Storage
	}
	remap := !reflect.DeepEqual(cur.Status, next.Status) || !reflect.DeepEqual(cur.Priority, next.Priority)
	gone := map[string]bool{}
	before := map[string]config.Source{}
	for _, s := range cur.Sources {
		gone[s.Name], before[s.Name] = true, s
	}
	d.conf.Store(next)
	d.engine.SetTeams(next.ModelTeams())
	var started []string
	for _, s := range next.Sources {
		delete(gone, s.Name)
		if old, ok := before[s.Name]; ok && !remap && reflect.DeepEqual(old, s) {
			continue
		}
		if err := d.addSource(s); err != nil {
			return fmt.Errorf("applying the reloaded configuration: %w", err)
		}
		started = append(started, s.Name)
	}
	for name := range gone {
		d.engine.Remove(name)
	}
	d.metrics.AddSources(d.engine.Sources()...)
	d.log.Info("configuration reloaded", "sources_started", started, "sources_removed", len(gone))
	d.requestAnalysis()
	return ctx.Err()
}
