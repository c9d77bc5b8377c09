package githubsim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

const (
	appID          = 12345
	installationID = 678
)

// newAppSim is a server that knows one app, installed once, and the app's
// private key.
func newAppSim(t *testing.T) (*Server, *httptest.Server, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Now: func() time.Time { return t0 }, Tokens: []string{token},
		Apps: []App{{ID: appID, PublicKey: &key.PublicKey, Installations: []int64{installationID}}}})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs, key
}

// appJWT signs claims for iss with key, RS256.
func appJWT(t *testing.T, key *rsa.PrivateKey, iss string, iat, exp time.Time) string {
	t.Helper()
	signed, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.RegisteredClaims{
		Issuer: iss, IssuedAt: jwt.NewNumericDate(iat), ExpiresAt: jwt.NewNumericDate(exp),
	}).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}

// do sends method url with Authorization auth and decodes the JSON answer.
func do(t *testing.T, method, url, auth string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("%s %s: decoding body: %v", method, url, err)
	}
	return resp.StatusCode, body
}

func TestInstallationTokenIsIssuedAndAccepted(t *testing.T) {
	s, hs, key := newAppSim(t)
	fill(t, s, "acme/core", 3)
	url := hs.URL + "/app/installations/" + strconv.Itoa(installationID) + "/access_tokens"
	status, body := do(t, http.MethodPost, url, "Bearer "+appJWT(t, key, strconv.Itoa(appID), t0.Add(-30*time.Second), t0.Add(90*time.Second)))
	if status != http.StatusCreated {
		t.Fatalf("access_tokens = %d %v, want 201", status, body)
	}
	tok, _ := body["token"].(string)
	if !strings.HasPrefix(tok, "ghs_") || len(tok) < 20 {
		t.Errorf("token = %q, want ghs_…", tok)
	}
	if got, want := body["expires_at"], t0.Add(time.Hour).Format(time.RFC3339); got != want {
		t.Errorf("expires_at = %v, want %s", got, want)
	}
	if status, body := do(t, http.MethodGet, hs.URL+"/repos/acme/core/issues/1", "token "+tok); status != http.StatusOK {
		t.Errorf("issue with the installation token = %d %v, want 200", status, body)
	}
	if n, _ := s.Remaining(tok); n != 4999 {
		t.Errorf("installation token has %d requests left, want 4999 (a quota of its own)", n)
	}
	if n, _ := s.Remaining(token); n != 5000 {
		t.Errorf("configured token has %d requests left, want 5000", n)
	}
	if n := s.Stats().Requests[accessTokensRoute]; n != 1 {
		t.Errorf("%d access token requests counted, want 1", n)
	}
	s.Advance(time.Hour)
	if status, _ := do(t, http.MethodGet, hs.URL+"/repos/acme/core/issues/1", "token "+tok); status != http.StatusUnauthorized {
		t.Errorf("issue with an expired installation token = %d, want 401", status)
	}
}

func TestInstallationTokenRefusals(t *testing.T) {
	s, hs, key := newAppSim(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	url := func(id int) string { return hs.URL + "/app/installations/" + strconv.Itoa(id) + "/access_tokens" }
	iss, iat, exp := strconv.Itoa(appID), t0.Add(-30*time.Second), t0.Add(90*time.Second)
	for _, tt := range []struct {
		name   string
		url    string
		auth   string
		status int
		msg    string
	}{
		{"no authorization", url(installationID), "", 401, "could not be decoded"},
		{"a token, not a JWT", url(installationID), "Bearer " + token, 401, "could not be decoded"},
		{"signed by another key", url(installationID), "Bearer " + appJWT(t, other, iss, iat, exp), 401, "could not be decoded"},
		{"unknown app", url(installationID), "Bearer " + appJWT(t, key, "999", iat, exp), 401, "Integration not found"},
		{"iss not a number", url(installationID), "Bearer " + appJWT(t, key, "acme", iat, exp), 401, "('iss')"},
		{"expired", url(installationID), "Bearer " + appJWT(t, key, iss, t0.Add(-5*time.Minute), t0.Add(-time.Second)), 401, "('exp') must be"},
		{"exp more than 10 minutes ahead", url(installationID), "Bearer " + appJWT(t, key, iss, iat, t0.Add(11*time.Minute)), 401, "too far in the future"},
		{"iat in the future", url(installationID), "Bearer " + appJWT(t, key, iss, t0.Add(2*time.Minute), t0.Add(5*time.Minute)), 401, "('iat')"},
		{"unknown installation", url(installationID + 1), "Bearer " + appJWT(t, key, iss, iat, exp), 404, "Not Found"},
	} {
		status, body := do(t, http.MethodPost, tt.url, tt.auth)
		msg, _ := body["message"].(string)
		if status != tt.status || !strings.Contains(msg, tt.msg) {
			t.Errorf("%s: %d %v, want %d with a message containing %q", tt.name, status, body, tt.status, tt.msg)
		}
		if _, ok := body["token"]; ok {
			t.Errorf("%s: answer carries a token", tt.name)
		}
	}
	if got := s.Stats().QuotaUsed; got != 0 {
		t.Errorf("token requests charged %d quota, want 0", got)
	}
	// With apps configured, a token the server never issued is refused.
	if status, _ := do(t, http.MethodGet, hs.URL+"/rate_limit", "token ghs_made_up"); status != http.StatusUnauthorized {
		t.Errorf("made-up token = %d, want 401", status)
	}
}
