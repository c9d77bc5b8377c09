package githubsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Webhook is where the server delivers the events of its mutations, signed
// as GitHub signs them: X-Hub-Signature-256, the hex HMAC-SHA256 of the body
// under Secret ("Validating webhook deliveries",
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries),
// with X-GitHub-Event and a unique X-GitHub-Delivery. APIBase is the
// server's own address, which the payload's issue URLs name.
type Webhook struct {
	URL, Secret, APIBase string
}

// hooks is the server's webhook state.
type hooks struct {
	mu       sync.Mutex
	target   Webhook // no URL: none
	delivery int
	wg       sync.WaitGroup
}

// SetWebhook makes every later mutation deliver its event to w (a zero w:
// none).
func (s *Server) SetWebhook(w Webhook) {
	s.hooks.mu.Lock()
	defer s.hooks.mu.Unlock()
	s.hooks.target = w
}

// WaitDeliveries waits for the deliveries under way.
func (s *Server) WaitDeliveries() { s.hooks.wg.Wait() }

// notify delivers event with action about ref, the payload naming each of
// named's issues under its field (issue, blocked_issue, parent_issue, ...)
// shaped as in "Webhook events and payloads"
// (https://docs.github.com/en/webhooks/webhook-events-and-payloads).
// Delivery runs in the background, like GitHub's, a few seconds at most.
func (s *Server) notify(event, action string, ref IssueRef, named map[string]IssueRef) {
	s.hooks.mu.Lock()
	target := s.hooks.target
	s.hooks.delivery++
	id := s.hooks.delivery
	s.hooks.mu.Unlock()
	if target.URL == "" {
		return
	}
	body, err := s.payload(target, action, ref, named)
	if err != nil {
		return
	}
	mac := hmac.New(sha256.New, []byte(target.Secret))
	mac.Write(body)
	s.hooks.wg.Go(func() {
		req, err := http.NewRequest(http.MethodPost, target.URL, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "GitHub-Hookshot/githubsim")
		req.Header.Set("X-GitHub-Event", event)
		req.Header.Set("X-GitHub-Delivery", fmt.Sprintf("githubsim-%d-%d", s.clock().Unix(), id))
		req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
	})
}

// payload renders the event's JSON: action, the named issues (deleted ones
// too, as a deleted event carries the issue), repository and sender.
func (s *Server) payload(target Webhook, action string, ref IssueRef, named map[string]IssueRef) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := urls{api: target.APIBase, html: s.opts.HTMLBase}
	r, _, err := s.lookup(ref)
	if err != nil {
		return nil, err
	}
	p := map[string]any{"action": action, "repository": u.repo(r), "sender": u.user("octocat")}
	for field, n := range named {
		if nr, is, err := s.lookup(n); err == nil {
			p[field] = s.renderIssue(u, nr, u.milestones(nr), is)
		}
	}
	return json.Marshal(p)
}
