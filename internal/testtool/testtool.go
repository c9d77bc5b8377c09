// Package testtool finds the external programs some tests run (promtool,
// mailpit, chromium): such a test fails in CI, which installs them, and is
// skipped elsewhere without them. CPUTime measures benchmarks on a shared
// machine. VendorFile reads the connectors' corpora of vendor-shaped answers;
// RefetchOne collects what a connector re-reads for webhooks.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Find returns the path of the program name, looked up on PATH, then in GOBIN
// and GOPATH/bin (where go install puts it). Without it the test fails when
// CI=true and is skipped otherwise; install says how to get it.
func Find(t testing.TB, name, install string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, v := range []string{"GOBIN", "GOPATH"} {
		out, err := exec.Command("go", "env", v).Output()
		dir := strings.TrimSpace(string(out))
		if err != nil || dir == "" {
			continue
		}
		if v == "GOPATH" {
			dir = filepath.Join(filepath.SplitList(dir)[0], "bin")
		}
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	msg := name + " not found on PATH, in GOBIN or in GOPATH/bin; " + install
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}
