package config

import (
	"testing"

	"github.com/batonhq/baton/internal/golden"
)

// TestDumpIsUnchanged compares what `baton config check --show` prints for
// each testdata/*.good.yml with testdata/*.good.yml.show, so that moving a
// key between packages cannot change the effective configuration's text.
func TestDumpIsUnchanged(t *testing.T) {
	eachFile(t, "testdata/*.good.yml", func(t *testing.T, f string) {
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
