package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad parses arbitrary files. Whatever the input, Parse returns either
// a configuration that dumps, or no configuration and an error that starts
// with the file's name; it never panics. The seeds are every file under
// testdata and example.yaml, and run with every go test.
func FuzzLoad(f *testing.F) {
	files, err := filepath.Glob("testdata/*.yml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, name := range append(files, "example.yaml") {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	name := filepath.Join("testdata", "fuzz.yml") // *_file paths resolve in testdata
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(name, data)
		if err != nil {
			if cfg != nil {
				t.Errorf("Parse returned a config with its error %q", err)
			}
			if !strings.HasPrefix(err.Error(), name) {
				t.Errorf("error %q does not start with the file name", err)
			}
			return
		}
		if _, err := cfg.Dump(); err != nil {
			t.Errorf("Dump of a loaded config: %v", err)
		}
	})
}
