package githubsim

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/batonhq/baton/apisim/hook"
)

// Webhook is where the server delivers the events of its mutations, signed
// as GitHub signs them: X-Hub-Signature-256, the hex HMAC-SHA256 of the body
// under Secret ("Validating webhook deliveries",
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries),
// with X-GitHub-Event and a unique X-GitHub-Delivery. APIBase is the
// server's own address, which the payload's issue URLs name.
type Webhook = hook.Target

// notify delivers event with action about ref, the payload naming each of
// named's issues under its field (issue, blocked_issue, parent_issue, ...)
// shaped as in "Webhook events and payloads"
// (https://docs.github.com/en/webhooks/webhook-events-and-payloads).
// Delivery runs in the background, like GitHub's.
func (s *Server) notify(event, action string, ref IssueRef, named map[string]IssueRef) {
	target, id, ok := s.Sender.Next()
	if !ok {
		return
	}
	body, err := s.payload(target, action, ref, named)
	if err != nil {
		return
	}
	h := http.Header{}
	h.Set("User-Agent", "GitHub-Hookshot/githubsim")
	h.Set("X-GitHub-Event", event)
	h.Set("X-GitHub-Delivery", fmt.Sprintf("githubsim-%d-%d", s.clock().Unix(), id))
	s.Sender.Send(target, body, h, "X-Hub-Signature-256")
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
