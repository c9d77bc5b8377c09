// Package hook delivers the simulators' webhooks as the real services do:
// a POST of the JSON body in the background, signed with the hex
// HMAC-SHA256 of the body under the target's secret ("sha256=<hex>", the
// form of GitHub's X-Hub-Signature-256 and Jira Cloud's X-Hub-Signature).
package hook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// Target is where a simulator delivers its webhooks. APIBase is the
// simulator's own address, which payload links name.
type Target struct {
	URL, Secret, APIBase string
}

// Sender delivers to one target at a time; the zero Sender delivers nothing.
// A simulator's Server embeds it for its SetWebhook and WaitDeliveries.
type Sender struct {
	mu     sync.Mutex
	target Target
	n      int
	wg     sync.WaitGroup
}

// SetWebhook makes every later delivery go to t (a zero t: none).
func (s *Sender) SetWebhook(t Target) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.target = t
}

// Next returns the target and a delivery number unique to this sender;
// false when there is no target.
func (s *Sender) Next() (Target, int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	return s.target, s.n, s.target.URL != ""
}

// WaitDeliveries waits for the deliveries under way.
func (s *Sender) WaitDeliveries() { s.wg.Wait() }

// Send posts body to t in the background with header, adding the body's
// signature under signature when t has a secret.
func (s *Sender) Send(t Target, body []byte, header http.Header, signature string) {
	req, err := http.NewRequest(http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header = header
	req.Header.Set("Content-Type", "application/json")
	if t.Secret != "" {
		mac := hmac.New(sha256.New, []byte(t.Secret))
		mac.Write(body)
		req.Header.Set(signature, "sha256="+hex.EncodeToString(mac.Sum(nil)))
	}
	s.wg.Go(func() {
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
	})
}
