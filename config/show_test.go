package config

import (
	"path/filepath"
	"testing"

	"github.com/batonhq/baton/internal/golden"
)

// TestDumpIsUnchanged compares what `baton config check --show` prints for
// each testdata/*.good.yml with testdata/*.good.yml.show, so that moving a
// key between packages cannot change the effective configuration's text.
func TestDumpIsUnchanged(t *testing.T) {
	files, err := filepath.Glob("testdata/*.good.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no good files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cfg, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			out, err := cfg.Dump()
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, f+".show", out)
		})
	}
}
