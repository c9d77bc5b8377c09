package github

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/model"
)

func TestAPIBaseAddsEnterprisePathToAHostOnlyURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://ghe.example.com":              "https://ghe.example.com/api/v3/",
		"https://ghe.example.com/":             "https://ghe.example.com/api/v3/",
		"https://ghe.example.com/api/v3":       "https://ghe.example.com/api/v3/",
		"https://proxy.example.com/github/":    "https://proxy.example.com/github/",
		"https://api.github.com":               "https://api.github.com/",
		"https://api.acme.ghe.com/":            "https://api.acme.ghe.com/",
		"https://acme.api.example.com":         "https://acme.api.example.com/",
		"http://127.0.0.1:8080":                "http://127.0.0.1:8080/",
		"https://ghe.example.com:8443":         "https://ghe.example.com:8443/api/v3/",
		"https://ghe.example.com/api/v3/":      "https://ghe.example.com/api/v3/",
		"https://ghe.example.com/custom/api/":  "https://ghe.example.com/custom/api/",
		"https://GHE.example.com":              "https://GHE.example.com/api/v3/",
		"https://api.ghe.example.com/api/v3/x": "https://api.ghe.example.com/api/v3/x/",
	} {
		u, err := apiBase(raw)
		if err != nil || u.String() != want {
			t.Errorf("apiBase(%q) = %v, %v; want %s", raw, u, err, want)
		}
	}
}

// TestEnterpriseServerByHostOnly syncs from a GitHub Enterprise Server
// configured by its host alone, through go-github: every request goes under
// /api/v3/, and issue URLs on that host are references like github.com's.
func TestEnterpriseServerByHostOnly(t *testing.T) {
	sim := githubsim.New(githubsim.Options{Now: func() time.Time { return t0 }, Tokens: []string{token}, HTMLBase: "https://ghe.example.com"})
	hs := httptest.NewServer(sim)
	t.Cleanup(hs.Close)
	sim.SetNow(t0)
	must(t, sim.AddRepo("acme", "core"))
	for _, body := range []string{"", "blocked by https://ghe.example.com/acme/core/issues/1"} {
		if _, err := sim.AddIssue("acme/core", githubsim.Issue{Title: "t", Body: body, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	target, _ := url.Parse(hs.URL)
	var mu gosync.Mutex
	var paths []string
	toSim := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		mu.Lock()
		paths = append(paths, req.URL.Host+req.URL.Path)
		mu.Unlock()
		r := req.Clone(req.Context())
		r.URL.Scheme, r.URL.Host, r.Host = target.Scheme, target.Host, ""
		return http.DefaultTransport.RoundTrip(r)
	})
	cfg := config.Source{Name: "ghe", Type: "github", URL: "https://ghe.example.com", Token: token,
		Settings: &Config{Repos: []string{"acme/core"}}, Parallel: 1, ReconcileInterval: config.Duration(24 * time.Hour)}
	src, err := New(cfg, Options{Now: sim.Now, Backoff: time.Millisecond, Transport: toSim})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{sim: sim, src: src, store: newMemStore()}
	e.mustSync(t)
	if len(paths) == 0 {
		t.Fatal("no request reached the server")
	}
	for _, p := range paths {
		if !strings.HasPrefix(p, "ghe.example.com/api/v3/") {
			t.Errorf("request to %s, want ghe.example.com/api/v3/…", p)
		}
	}
	want := []model.Link{{From: "github:acme/core#1", To: "github:acme/core#2", Type: model.Blocks,
		Origin: model.OriginTextReference, RawType: "blocked by https://ghe.example.com/acme/core/issues/1"}}
	if diff := cmp.Diff(want, e.store.issues["github:acme/core#2"].Links); diff != "" {
		t.Errorf("core#2 links (-want +got):\n%s", diff)
	}
	if got := e.store.issues["github:acme/core#1"].URL; got != "https://ghe.example.com/acme/core/issues/1" {
		t.Errorf("core#1 URL %q, want the enterprise host's", got)
	}
}
