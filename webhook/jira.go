package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/batonhq/baton/model"
)

// Jira's webhook events and payloads are documented at
// https://developer.atlassian.com/cloud/jira/platform/webhooks/ (Cloud) and
// https://developer.atlassian.com/server/jira/platform/webhooks/ (Data
// Center): every payload names its event in webhookEvent; issue and comment
// events carry the issue (id and key), link events only the ids of both
// ends (issueLink.sourceIssueId and destinationIssueId). The fixtures under
// testdata/jira are shaped like those examples.

type jiraPayload struct {
	Event string `json:"webhookEvent"`
	Issue *struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	} `json:"issue"`
	IssueLink *struct {
		Source      json.Number `json:"sourceIssueId"`
		Destination json.Number `json:"destinationIssueId"`
	} `json:"issueLink"`
}

// jiraEvents are the events baton reads.
var jiraEvents = map[string]bool{
	"jira:issue_created": true, "jira:issue_updated": true, "jira:issue_deleted": true,
	"issuelink_created": true, "issuelink_deleted": true,
	"comment_created": true, "comment_updated": true, "comment_deleted": true,
}

// jiraKeys returns the event of a Jira payload and the keys of the issues to
// read again: the issue of an issue or comment event, both ends of a link
// (Jira lists a link on each of its issues), by id (jira:10002).
func jiraKeys(body []byte) (event string, keys []string, err error) {
	var p jiraPayload
	d := json.NewDecoder(bytes.NewReader(body)) // no copy of a body of up to MaxJiraBody
	d.UseNumber()
	if err := d.Decode(&p); err != nil {
		return "", nil, fmt.Errorf("decoding the payload: %w", err)
	}
	if !jiraEvents[p.Event] {
		return p.Event, nil, nil
	}
	switch {
	case p.IssueLink != nil:
		for _, id := range []json.Number{p.IssueLink.Source, p.IssueLink.Destination} {
			if n, err := strconv.ParseInt(id.String(), 10, 64); err == nil && n > 0 {
				keys = append(keys, model.JiraKey(id.String()))
			}
		}
	case p.Issue != nil && p.Issue.Key != "":
		keys = append(keys, model.JiraKey(p.Issue.Key))
	}
	return p.Event, keys, nil
}
