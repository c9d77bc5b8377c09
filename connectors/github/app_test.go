package github

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/httpapi"
)

const (
	testAppID          = 4242
	testInstallationID = 77
	tokenRoute         = "POST /app/installations/{id}/access_tokens"
)

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newAppEnv is a simulated GitHub that knows one app, with simKey's public
// half, and a connector configured through config.Parse to authenticate as
// that app with the private key in a PEM file holding fileKey. The
// simulation's clock is the real one: ghinstallation dates its JWTs with
// time.Now, and the simulation checks them against its own clock.
func newAppEnv(t *testing.T, simKey, fileKey *rsa.PrivateKey, repos ...string) (*env, []byte) {
	t.Helper()
	sim := githubsim.New(githubsim.Options{Now: time.Now,
		Apps: []githubsim.App{{ID: testAppID, PublicKey: &simKey.PublicKey, Installations: []int64{testInstallationID}}}})
	hs := httptest.NewServer(sim)
	t.Cleanup(hs.Close)
	dir := t.TempDir()
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(fileKey)})
	if err := os.WriteFile(filepath.Join(dir, "app.pem"), pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	yml := fmt.Sprintf(`sources:
  - name: gh
    type: github
    url: %s
    app_id: %d
    installation_id: %d
    private_key_file: app.pem
    repos: [%s]
    parallel: 4
`, hs.URL, testAppID, testInstallationID, strings.Join(repos, ", "))
	cfg, err := config.Parse(filepath.Join(dir, "baton.yaml"), []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	return connect(t, sim, cfg.Sources[0]), pemBytes
}

// TestAppAuthSyncsEverything syncs an organisation's repositories, with
// several pages and requests in flight at once, as a GitHub App: one
// installation token serves every request of two rounds.
func TestAppAuthSyncsEverything(t *testing.T) {
	key := rsaKey(t)
	e, _ := newAppEnv(t, key, key, "acme/*")
	sizes := map[string]int{"acme/core": 230, "acme/web": 12, "acme/api": 7, "acme/docs": 3, "acme/ops": 1}
	var want []string
	for repo, n := range sizes {
		e.addRepo(t, repo, n)
		for i := 1; i <= n; i++ {
			if i%5 != 0 { // every fifth is a pull request
				want = append(want, fmt.Sprintf("github:%s#%d", repo, i))
			}
		}
	}
	slices.Sort(want)
	e.mustSync(t)
	if diff := cmp.Diff(want, e.store.keys()); diff != "" {
		t.Errorf("synced keys (-want +got):\n%s", diff)
	}
	stats := e.sim.Stats()
	if n := stats.Requests[tokenRoute]; n != 1 {
		t.Errorf("%d installation token requests, want 1", n)
	}
	// One org listing, three pages of acme/core, one of each other repository.
	if stats.QuotaUsed < 8 {
		t.Errorf("%d requests charged, want at least 8", stats.QuotaUsed)
	}
	must(t, e.sim.Touch(ref("acme/web", 1)))
	e.mustSync(t)
	if n := e.sim.Stats().Requests[tokenRoute]; n != 1 {
		t.Errorf("%d installation token requests after a second round, want still 1", n)
	}
}

// TestAppAuthWrongKeyFailsPermanently signs with a key GitHub does not know:
// the round fails with a permanent 401 that says app authentication failed
// and quotes neither the key nor a token.
func TestAppAuthWrongKeyFailsPermanently(t *testing.T) {
	e, pemBytes := newAppEnv(t, rsaKey(t), rsaKey(t), "acme/core")
	e.addRepo(t, "acme/core", 3)
	_, err := e.sync(t)
	var api *httpapi.APIError
	if !errors.As(err, &api) || api.Status != 401 || !api.Permanent() {
		t.Fatalf("sync error = %v, want a permanent 401 *httpapi.APIError", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, fmt.Sprintf("GitHub App authentication failed (app %d, installation %d)", testAppID, testInstallationID)) {
		t.Errorf("error %q does not say GitHub App authentication failed for the app and installation", msg)
	}
	lines := strings.Split(strings.TrimSpace(string(pemBytes)), "\n")
	for _, secret := range append([]string{"PRIVATE KEY", "ghs_", "eyJ"}, lines[1:len(lines)-1]...) {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q contains %q", msg, secret)
		}
	}
	if len(e.store.issues) != 0 {
		t.Errorf("%d issues synced without credentials", len(e.store.issues))
	}
}

func TestAppAuthNeedsItsKey(t *testing.T) {
	app := &Config{AppID: 1, InstallationID: 2, Repos: []string{"acme/core"}}
	src := config.Source{Name: "gh", Type: "github", Parallel: 1, Settings: app}
	_, err := New(src, Options{})
	if got, want := fmt.Sprint(err), `source "gh": GitHub App 1 has no private key`; got != want {
		t.Errorf("New without a key = %q, want %q", got, want)
	}
	app.PrivateKey = "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n"
	_, err = New(src, Options{})
	if got, want := fmt.Sprint(err), `source "gh": GitHub App 1: the private key is not a PEM RSA private key`; got != want {
		t.Errorf("New with a bad key = %q, want %q", got, want)
	}
}

// TestAppRestartPaysOnceForItsNewToken: ETags are bound to the token, so a
// restarted App source, with a new installation token, pays for the first
// unchanged poll of each repository that a token source gets free; its next
// poll is free again. (The hourly renewal costs the same; see the README.)
func TestAppRestartPaysOnceForItsNewToken(t *testing.T) {
	key := rsaKey(t)
	e, _ := newAppEnv(t, key, key, "acme/core", "acme/web")
	e.addRepo(t, "acme/core", 3)
	e.addRepo(t, "acme/web", 3)
	e.mustSync(t)

	restarted := connect(t, e.sim, e.src.src)
	restarted.store = e.store
	e.sim.ResetStats()
	restarted.mustSync(t)
	if st := e.sim.Stats(); st.QuotaUsed != 2 || st.NotModified != 0 || st.Requests[tokenRoute] != 1 {
		t.Errorf("first poll after a restart: %+v; want a new token and both listings paid for", st)
	}
	e.sim.ResetStats()
	restarted.mustSync(t)
	if st := e.sim.Stats(); st.QuotaUsed != 0 || st.NotModified != 2 {
		t.Errorf("second poll: %+v; want two free 304s", st)
	}
}
