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
	s.deliver(event, func(target Webhook) ([]byte, error) { return s.payload(target, action, ref, named) })
}

// deliver renders event's payload for the webhook target, when there is
// one, and sends it in the background.
func (s *Server) deliver(event string, payload func(Webhook) ([]byte, error)) {
	target, id, ok := s.Sender.Next()
	if !ok {
		return
	}
	body, err := payload(target)
	if err != nil {
		return
	}
	h := http.Header{}
	h.Set("User-Agent", "GitHub-Hookshot/githubsim")
	h.Set("X-GitHub-Event", event)
	h.Set("X-GitHub-Delivery", fmt.Sprintf("githubsim-%d-%d", s.clock().Unix(), id))
	s.Sender.Send(target, body, h, "X-Hub-Signature-256")
}

// notifyItem delivers the projects_v2_item event with action (created,
// edited, deleted) of item it on board p, shaped as in "Webhook events and
// payloads"
// (https://docs.github.com/en/webhooks/webhook-events-and-payloads#projects_v2_item):
// the item names the board and its content by node id, never the issue's
// number. GitHub delivers it for organisations' boards only, to their
// webhooks, so a user's board delivers nothing.
func (s *Server) notifyItem(p *project, it *projectItem, action string) {
	if p.User {
		return
	}
	s.deliver("projects_v2_item", func(target Webhook) ([]byte, error) { return s.itemPayload(target, p, it, action) })
}

// itemPayload renders a projects_v2_item event; edited names the status
// field as the one whose value changed.
func (s *Server) itemPayload(target Webhook, p *project, it *projectItem, action string) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := urls{api: target.APIBase, html: s.opts.HTMLBase}
	_, is, err := s.lookup(it.ref)
	if err != nil {
		return nil, err
	}
	content, node := "Issue", fmt.Sprintf("I_%d", is.id)
	if is.PullRequest {
		content, node = "PullRequest", fmt.Sprintf("PR_%d", is.id)
	}
	item := map[string]any{
		"id": it.id, "node_id": fmt.Sprintf("PVTI_%d", it.id), "project_node_id": fmt.Sprintf("PVT_%d", p.id),
		"content_node_id": node, "content_type": content, "creator": u.user("octocat"),
		"created_at": ts(it.created), "updated_at": ts(it.updated), "archived_at": nil,
	}
	org := hashID("org:" + p.Owner)
	pl := map[string]any{"action": action, "projects_v2_item": item, "sender": u.user("octocat"),
		"organization": map[string]any{"login": p.Owner, "id": org, "node_id": fmt.Sprintf("O_%d", org), "url": u.api + "/orgs/" + p.Owner}}
	if action == "edited" {
		pl["changes"] = map[string]any{"field_value": map[string]string{"field_node_id": fmt.Sprintf("PVTSSF_%d", p.id), "field_type": "single_select"}}
	}
	return json.Marshal(pl)
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
