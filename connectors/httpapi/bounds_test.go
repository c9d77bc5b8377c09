package httpapi

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// listen starts a server on host (a loopback address) and returns its URL.
func listen(t *testing.T, host string, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestRedirectToAnotherOriginIsRefusedNamingBoth(t *testing.T) {
	var reached atomic.Int32
	other := listen(t, "127.0.0.2", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	api := listen(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other+r.URL.Path, http.StatusFound)
	}))
	_, err := (&http.Client{Transport: NewTransport(nil, mustParse(t, api), 1, nil)}).Get(api + "/rest/api/2/myself")
	var oe *OriginError
	if !errors.As(err, &oe) {
		t.Fatalf("got %v, want an *OriginError", err)
	}
	for _, host := range []string{strings.TrimPrefix(api, "http://"), strings.TrimPrefix(other, "http://")} {
		if !strings.Contains(err.Error(), host) {
			t.Errorf("error %q does not name %s", err, host)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the other origin got %d requests, want none", n)
	}
	if !oe.Permanent() {
		t.Error("a refused origin is not permanent; retrying cannot help")
	}
}

func TestOriginTellsPortsAndSchemesApart(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"https://api.github.com/", "https://API.github.com:443/repos", true},
		{"http://127.0.0.1/", "http://127.0.0.1:80/x", true},
		{"https://api.github.com/", "http://api.github.com/", false},
		{"https://jira.example.com/", "https://jira.example.com:8443/", false},
		{"https://jira.example.com/", "https://jira.example.com.evil.test/", false},
	} {
		if got := Origin(mustParse(t, tt.a)) == Origin(mustParse(t, tt.b)); got != tt.same {
			t.Errorf("%s and %s: same origin %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

// A server that accepts the request and never answers: the attempt ends at
// its deadline with an error saying so, not when the caller gives up.
func TestHungServerEndsTheRequestAtItsDeadline(t *testing.T) {
	release := make(chan struct{})
	api := listen(t, "127.0.0.1", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(func() { close(release) })
	tr := NewTransport(nil, mustParse(t, api), 1, nil)
	tr.RequestTimeout = 50 * time.Millisecond
	_, err := (&http.Client{Transport: tr}).Get(api + "/search")
	var de *DeadlineError
	if !errors.As(err, &de) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want a *DeadlineError", err)
	}
	if !strings.Contains(err.Error(), "GET "+api+"/search") {
		t.Errorf("error %q does not name the request", err)
	}
}

// The deadline covers the body too: a server that sends headers and then
// trickles forever ends at it as well.
func TestStalledBodyEndsAtTheDeadline(t *testing.T) {
	release := make(chan struct{})
	api := listen(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("["))
		w.(http.Flusher).Flush()
		<-release
	}))
	t.Cleanup(func() { close(release) })
	tr := NewTransport(nil, mustParse(t, api), 1, nil)
	// Long enough for the headers to arrive on a loaded box (-race, two
	// busy cores): the deadline under test is the body's.
	tr.RequestTimeout = time.Second
	resp, err := (&http.Client{Transport: tr}).Get(api + "/search")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	var de *DeadlineError
	if !errors.As(err, &de) {
		t.Fatalf("reading the body: got %v, want a *DeadlineError", err)
	}
}

func TestOversizeBodyIsRefusedNamingURLAndLimit(t *testing.T) {
	for _, tt := range []struct {
		name    string
		chunked bool
	}{{"declared length", false}, {"streamed", true}} {
		t.Run(tt.name, func(t *testing.T) {
			api := listen(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				body := strings.Repeat("x", 3<<10)
				if !tt.chunked {
					w.Header().Set("Content-Length", "3072")
				}
				for i := 0; i < len(body); i += 512 {
					_, _ = w.Write([]byte(body[i : i+512]))
					w.(http.Flusher).Flush()
				}
			}))
			tr := NewTransport(nil, mustParse(t, api), 1, nil)
			tr.MaxBody = 2 << 10
			resp, err := (&http.Client{Transport: tr}).Get(api + "/rest/api/2/search?jql=project%3DX")
			if err == nil {
				defer resp.Body.Close()
				var got []byte
				got, err = io.ReadAll(resp.Body)
				if len(got) > 2<<10 {
					t.Errorf("read %d bytes, want at most the 2048 allowed", len(got))
				}
			}
			var le *BodyLimitError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *BodyLimitError", err)
			}
			want := "the response to GET " + api + "/rest/api/2/search is larger than the limit of 2048 bytes"
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q, want it to say %q", err, want)
			}
		})
	}
}

func TestBodyWithinTheLimitIsReadWhole(t *testing.T) {
	api := listen(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat("x", 2<<10)))
	}))
	tr := NewTransport(nil, mustParse(t, api), 1, nil)
	tr.MaxBody = 2 << 10
	resp, err := (&http.Client{Transport: tr}).Get(api)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil || len(got) != 2<<10 {
		t.Errorf("read %d bytes, err %v; want all 2048", len(got), err)
	}
}

// A server that accepts and never sends headers is given up on after the
// network transport's response header timeout, whatever the request deadline.
func TestNetworkGivesUpOnAServerThatSendsNoHeaders(t *testing.T) {
	release := make(chan struct{})
	api := listen(t, "127.0.0.1", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(func() { close(release) })
	slow := newNetwork(time.Second, 50*time.Millisecond)
	t.Cleanup(slow.CloseIdleConnections)
	_, err := (&http.Client{Transport: NewTransport(slow, mustParse(t, api), 1, nil)}).Get(api)
	if err == nil || !strings.Contains(err.Error(), "timeout awaiting response headers") {
		t.Fatalf("got %v, want the response header timeout", err)
	}
}

// A source's requests in flight together keep their connections between
// bursts: the second burst of four dials none.
func TestParallelRequestsReuseTheirConnections(t *testing.T) {
	var dialled atomic.Int32
	release := make(chan struct{})
	var waiting atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if waiting.Add(1)%4 != 0 { // the four are in flight at once
			<-release
		} else {
			for range 3 {
				release <- struct{}{}
			}
		}
		w.WriteHeader(http.StatusNotModified)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			dialled.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: newNetwork(time.Second, time.Second)}
	burst := func() {
		t.Helper()
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				resp, err := client.Get(srv.URL)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	}
	burst()
	first := dialled.Load()
	burst()
	if got := dialled.Load(); first != 4 || got != first {
		t.Errorf("dialled %d connections for the first burst and %d more for the second, want 4 and none", first, got-first)
	}
}
