package testtool

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// VendorFile returns testdata/vendor/name: an answer shaped like the vendor's
// documented example, whose sibling name.source must name that page, under
// docs (e.g. "https://docs.github.com/").
func VendorFile(t testing.TB, name, docs string) []byte {
	t.Helper()
	path := filepath.Join("testdata", "vendor", name)
	src, err := os.ReadFile(path + ".source")
	if err != nil || !strings.HasPrefix(string(src), docs) {
		t.Fatalf("%s: want a .source naming the %s page it follows (%v)", path, docs, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// VendorDecode decodes VendorFile(t, name, docs) into v.
func VendorDecode(t testing.TB, name, docs string, v any) {
	t.Helper()
	if err := json.Unmarshal(VendorFile(t, name, docs), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
