package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
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
			if *update {
				if err := os.WriteFile(f+".show", out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(f + ".show")
			if err != nil {
				t.Fatalf("reading expected dump: %v (run go test ./config -run TestDumpIsUnchanged -update, then review it)", err)
			}
			if diff := cmp.Diff(string(want), string(out)); diff != "" {
				t.Errorf("Dump(%s) (-want +got):\n%s", f, diff)
			}
		})
	}
}
