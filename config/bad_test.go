package config

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.bad.yml.err from the errors Load returns")

// TestBadFiles loads each testdata/*.bad.yml and compares the whole error
// text with the file next to it, x.bad.yml.err.
func TestBadFiles(t *testing.T) {
	if v, ok := os.LookupEnv("BATON_TEST_NEVER_SET"); ok {
		t.Fatalf("BATON_TEST_NEVER_SET is set (%q); env.bad.yml needs it unset", v)
	}
	files, err := filepath.Glob("testdata/*.bad.yml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cfg, err := Load(f)
			if err == nil {
				t.Fatalf("Load(%s) = %+v, want an error", f, cfg)
			}
			if cfg != nil {
				t.Errorf("Load(%s) returned a config with its error", f)
			}
			got := err.Error() + "\n"
			if *update {
				if err := os.WriteFile(f+".err", []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(f + ".err")
			if err != nil {
				t.Fatalf("reading expected error: %v (run go test ./config -run TestBadFiles -update, then review it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("Load(%s) error (-want +got):\n%s", f, diff)
			}
		})
	}
}
