package testtool

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/batonhq/baton/connectors/httpapi"
)

// Answer is a response a connector read: the request's URL and the body.
type Answer struct {
	Req  *http.Request
	Body []byte
}

// Answers is a transport that keeps every successful answer its base gives,
// for a test to decode again.
type Answers struct {
	Base http.RoundTripper // nil = http.DefaultTransport

	mu   sync.Mutex
	kept []Answer
}

// RoundTrip implements http.RoundTripper.
func (a *Answers) RoundTrip(req *http.Request) (*http.Response, error) {
	base := a.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	a.mu.Lock()
	a.kept = append(a.kept, Answer{Req: req, Body: body})
	a.mu.Unlock()
	return resp, nil
}

// Kept returns the answers kept so far, in the order they came.
func (a *Answers) Kept() []Answer {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Answer(nil), a.kept...)
}

// DecodeBoth decodes body into a T with encoding/json's Decoder, as the
// client libraries do, and with httpapi.DecodeJSON, as the connectors do,
// and returns both; it fails the test unless both give the same error.
func DecodeBoth[T any](t testing.TB, name string, body []byte) (std, fast T) {
	t.Helper()
	errStd := json.NewDecoder(bytes.NewReader(body)).Decode(&std)
	errFast := httpapi.DecodeJSON(bytes.NewReader(body), &fast)
	if (errStd == nil) != (errFast == nil) || (errStd != nil && errStd.Error() != errFast.Error()) {
		t.Errorf("%s: httpapi.DecodeJSON says %v, encoding/json %v", name, errFast, errStd)
	}
	return std, fast
}
