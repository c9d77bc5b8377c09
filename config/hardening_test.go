package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestAliasBombIsRefusedInFewMegabytes parses testdata/alias_bomb.bad.yml,
// 27 KB that aliases expand to over 6 million values, and measures what it
// allocates: before aliases were budgeted it took 1 GB (and 7 s); now the
// file is refused after a walk proportional to its size.
func TestAliasBombIsRefusedInFewMegabytes(t *testing.T) {
	data, err := os.ReadFile("testdata/alias_bomb.bad.yml")
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = Parse("bomb.yml", data)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "aliases expand the file") {
		t.Fatalf("Parse(alias bomb) error = %v, want the alias budget refused", err)
	}
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(16<<20); got > limit {
		t.Errorf("Parse(alias bomb) allocated %d bytes, want at most %d", got, limit)
	}
}

func BenchmarkParseAliasBomb(b *testing.B) {
	data, err := os.ReadFile("testdata/alias_bomb.bad.yml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("bomb.yml", data); err == nil {
			b.Fatal("alias bomb accepted")
		}
	}
}

// TestAliasesWithinBudgetStillLoad keeps ordinary anchors working: a repos
// list written once and used by several sources.
func TestAliasesWithinBudgetStillLoad(t *testing.T) {
	cfg := mustParse(t, `
sources:
  - {name: a, type: github, token: t, repos: &repos [acme/core, acme/web]}
  - {name: b, type: github, token: t, repos: *repos}
`)
	if len(cfg.Sources) != 2 {
		t.Errorf("got %d sources, want 2", len(cfg.Sources))
	}
}

func TestURLQueryIsNeverEchoed(t *testing.T) {
	_, err := Parse("q.yml", []byte(`
sources:
  - {name: gh, type: github, token: t, repos: [acme/core], url: "https://api.github.com/?access_token=ghp_SECRET"}
`))
	if got := errText(err); strings.Contains(got, "ghp_SECRET") || strings.Contains(got, "access_token") ||
		!strings.Contains(got, "q.yml:3: sources[0].url") {
		t.Errorf("error = %q, want the url's position without its query", got)
	}
}

func TestSecretFileReadableByOthersWarns(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o400, false}, {0o640, true}, {0o604, true}} {
		file := filepath.Join(dir, "token")
		if err := os.WriteFile(file, []byte("t0ken\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(file, tc.mode); err != nil {
			t.Fatal(err)
		}
		cfg, err := Parse(filepath.Join(dir, "baton.yaml"), []byte(`
sources:
  - {name: gh, type: github, token_file: token, repos: [acme/core]}
`))
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(cfg.Warnings(), "\n")
		want := ""
		if tc.warn {
			want = fmt.Sprintf("%s:3: sources[0].token_file: %s is readable by group or others (mode %04o); chmod 600 it",
				filepath.Join(dir, "baton.yaml"), file, tc.mode)
		}
		if got != want {
			t.Errorf("mode %04o: warnings %q, want %q", tc.mode, got, want)
		}
		if err := os.Chmod(file, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSecretFileOverTheLimitIsRefused: a token file of 64 KiB loads, one
// byte more is refused naming the key's line and the file, not its content.
func TestSecretFileOverTheLimitIsRefused(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		size int
		want string
	}{
		{maxSecretFile, "<nil>"},
		{maxSecretFile + 1, fmt.Sprintf("%s:3: sources[0].token_file: %s is larger than 64 KiB, too large for a secret",
			filepath.Join(dir, "baton.yaml"), filepath.Join(dir, "token"))},
	} {
		if err := os.WriteFile(filepath.Join(dir, "token"), bytes.Repeat([]byte("t"), tc.size), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Parse(filepath.Join(dir, "baton.yaml"), []byte(`
sources:
  - {name: gh, type: github, token_file: token, repos: [acme/core]}
`))
		if got := errText(err); got != tc.want {
			t.Errorf("%d bytes: error %q, want %q", tc.size, got, tc.want)
		}
	}
}

// TestGroupReadableSecretSharedByThePlatformDoesNotWarn: Kubernetes mounts a
// Secret's files owned by root, group fsGroup, group-readable; for a process
// of that group that owns nothing there, the group is the platform's way of
// giving it the file. A group-readable file of its own (chmod 600 it) or of a
// group it is not in still warns.
func TestGroupReadableSecretSharedByThePlatformDoesNotWarn(t *testing.T) {
	for _, tc := range []struct {
		name              string
		owner, group, uid int
		groups            []int
		shared            bool
	}{
		{"kubernetes fsGroup", 0, 65532, 65532, []int{65532}, true},
		{"supplementary group", 0, 2000, 1000, []int{1000, 2000}, true},
		{"its own file", 1000, 1000, 1000, []int{1000}, false},
		{"another group", 0, 2000, 1000, []int{1000}, false},
	} {
		if got := sharedWithProcess(tc.owner, tc.group, tc.uid, tc.groups); got != tc.shared {
			t.Errorf("%s: shared %v, want %v", tc.name, got, tc.shared)
		}
	}
}
