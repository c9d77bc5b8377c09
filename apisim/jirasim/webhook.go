package jirasim

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/batonhq/baton/apisim/hook"
)

// Webhook is where the server delivers the events of its mutations, shaped
// as Jira Cloud's admin webhooks
// (https://developer.atlassian.com/cloud/jira/platform/webhooks/): a JSON
// body naming its webhookEvent, signed when Secret is set with
// X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>, and a unique
// X-Atlassian-Webhook-Identifier. APIBase is the server's own address, which
// the payload's self links name.
type Webhook = hook.Target

// issueEvent delivers event (jira:issue_updated, comment_created, ...) with
// r as its issue; callers hold s.mu.
func (s *Server) issueEvent(event string, r *record) {
	s.deliver(func(base string) map[string]any {
		return map[string]any{"webhookEvent": event, "issue": renderer{s: s, base: base}.issue(r, parseFields(nil, false), 0)}
	})
}

// linkEvent delivers issuelink_created or issuelink_deleted for l, which
// names both ends by id only, as Jira's does; callers hold s.mu.
func (s *Server) linkEvent(event string, l *Link, from, to *record) {
	s.deliver(func(string) map[string]any {
		return map[string]any{"webhookEvent": event, "issueLink": map[string]any{
			"id": l.ID, "sourceIssueId": from.ID, "destinationIssueId": to.ID,
			"issueLinkType": map[string]any{"name": l.Type, "outwardName": linkTypes[l.Type].outward, "inwardName": linkTypes[l.Type].inward},
			"systemLink":    false,
		}}
	})
}

// deliver renders the payload now and posts it in the background.
func (s *Server) deliver(payload func(base string) map[string]any) {
	target, id, ok := s.Sender.Next()
	if !ok {
		return
	}
	p := payload(target.APIBase)
	p["timestamp"] = s.now.UnixMilli()
	body, err := json.Marshal(p)
	if err != nil {
		return
	}
	h := http.Header{}
	h.Set("X-Atlassian-Webhook-Identifier", fmt.Sprintf("jirasim-%d-%d", s.now.Unix(), id))
	s.Sender.Send(target, body, h, "X-Hub-Signature")
}
