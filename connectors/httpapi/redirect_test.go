package httpapi_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/github"
	"github.com/batonhq/baton/connectors/httpapi"
	"github.com/batonhq/baton/connectors/jira"
	"github.com/batonhq/baton/model"
)

// TestCredentialsNeverFollowARedirectToAnotherHost points each kind of
// credential, through the real go-github and go-jira clients, at an API on
// 127.0.0.1 that redirects to 127.0.0.2 (both loopback on Linux): the second
// must never see a request with a credential, and the round fails with an
// error naming both hosts.
func TestCredentialsNeverFollowARedirectToAnotherHost(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	for _, tt := range []struct {
		name string
		// answer is what the API answers itself rather than redirect.
		answer  string
		connect func(api string) (syncer, error)
	}{
		{"GitHub token", "", func(api string) (syncer, error) {
			return github.New(config.Source{Name: "gh", Type: "github", URL: api, Token: "ghp_s3cret", Settings: &github.Config{Repos: []string{"acme/core"}}}, github.Options{})
		}},
		{"GitHub App, its token exchange redirected", "", func(api string) (syncer, error) {
			return github.New(githubApp(api, pemKey), github.Options{})
		}},
		{"GitHub App, the calls after the exchange redirected", "/app/installations/77/access_tokens", func(api string) (syncer, error) {
			return github.New(githubApp(api, pemKey), github.Options{})
		}},
		{"Jira Cloud basic", "", func(api string) (syncer, error) {
			return jira.New(config.Source{Name: "jira", Type: "jira", URL: api, Token: "s3cret", Settings: &jira.Config{Email: "tpm@example.com", JQL: "project = CORE"}}, jira.Options{})
		}},
		{"Jira Data Center bearer", "", func(api string) (syncer, error) {
			return jira.New(config.Source{Name: "jira", Type: "jira", URL: api, Token: "s3cret", Settings: &jira.Config{Deployment: "server", JQL: "project = CORE"}}, jira.Options{})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var credentials, requests atomic.Int32
			other := httpapi.Listen(t, "127.0.0.2", http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				if r.Header.Get("Authorization") != "" {
					credentials.Add(1)
				}
			}))
			api := httpapi.Listen(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.answer != "" && r.URL.Path == tt.answer {
					w.WriteHeader(http.StatusCreated)
					fmt.Fprintf(w, `{"token":"ghs_installation","expires_at":%q}`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
					return
				}
				http.Redirect(w, r, other+r.URL.RequestURI(), http.StatusFound)
			}))
			src, err := tt.connect(api)
			if err != nil {
				t.Fatal(err)
			}
			err = src.Sync(context.Background(), map[string]string{}, func(context.Context, model.Batch) error { return nil })
			if n := credentials.Load(); n != 0 {
				t.Errorf("127.0.0.2 got %d requests with credentials, want none", n)
			}
			if n := requests.Load(); n != 0 {
				t.Errorf("127.0.0.2 got %d requests, want none: the redirect is refused", n)
			}
			if err == nil {
				t.Fatal("the round succeeded, want it refused")
			}
			for _, host := range []string{strings.TrimPrefix(api, "http://"), strings.TrimPrefix(other, "http://")} {
				if !strings.Contains(err.Error(), host) {
					t.Errorf("error %q does not name %s", err, host)
				}
			}
		})
	}
}

type syncer interface {
	Sync(context.Context, map[string]string, func(context.Context, model.Batch) error) error
}

func githubApp(api string, pemKey []byte) config.Source {
	return config.Source{Name: "gh", Type: "github", URL: api, Settings: &github.Config{AppID: 4242, InstallationID: 77,
		PrivateKey: config.Secret(pemKey), Repos: []string{"acme/core"}}}
}
