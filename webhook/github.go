package webhook

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/batonhq/baton/model"
)

// GitHub's events and payloads are documented at
// https://docs.github.com/en/webhooks/webhook-events-and-payloads; the
// fixtures under testdata/github are shaped like its examples (and those of
// github.com/octokit/webhooks). Every issue object there carries
// repository_url and number, which is all a key needs: the repository of the
// event (repository) is not always the issue's (a cross-repository
// dependency or sub-issue).

// ghIssue is an issue object of a payload, as far as a key needs it.
type ghIssue struct {
	Number        int       `json:"number"`
	RepositoryURL string    `json:"repository_url"`
	PullRequest   *struct{} `json:"pull_request"` // a null (a RawMessage would keep it as "null") is no pull request
}

// key is the issue's baton key; false for a pull request or an issue object
// without a number or a repository.
func (i *ghIssue) key() (string, bool) {
	if i == nil || i.Number <= 0 || i.PullRequest != nil {
		return "", false
	}
	_, repo, ok := strings.Cut(i.RepositoryURL, "/repos/")
	owner, name, ok2 := strings.Cut(repo, "/")
	if !ok || !ok2 || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return model.GitHubKey(owner, name, i.Number), true
}

// githubEvents maps each event baton reads to the issues its payload names
// for re-fetching, or the board whose items changed.
var githubEvents = map[string]func(body []byte) (Hint, error){
	// issues: any action (opened, edited, closed, labeled, deleted,
	// transferred, ...) changes the issue itself; a deleted one answers 410
	// when read again, and only then is it deleted.
	"issues": theIssue,
	// issue_comment: a comment is activity on its issue (pull requests
	// excluded: their issue object carries pull_request).
	"issue_comment": theIssue,
	// label (edited, deleted): see labelChanged.
	"label": labelChanged,
	// sub_issues (sub_issue_added|removed, parent_issue_added|removed):
	// the sub-issue declares the link (its parent_issue_url), and the
	// parent those to sub-issues outside the synced repositories, so both
	// are read (https://docs.github.com/en/webhooks/webhook-events-and-payloads#sub_issues).
	"sub_issues": func(body []byte) (Hint, error) {
		var p struct {
			Parent *ghIssue `json:"parent_issue"`
			Sub    *ghIssue `json:"sub_issue"`
		}
		return ghKeys(body, &p, func() []*ghIssue { return []*ghIssue{p.Parent, p.Sub} })
	},
	// issue_dependencies (blocked_by_added|removed, blocking_added|removed):
	// the blocked issue declares the dependency, so only it is read.
	"issue_dependencies": func(body []byte) (Hint, error) {
		var p struct {
			Blocked *ghIssue `json:"blocked_issue"`
		}
		return ghKeys(body, &p, func() []*ghIssue { return []*ghIssue{p.Blocked} })
	},
	// projects_v2_item: see boardItem.
	"projects_v2_item": boardItem,
}

// theIssue names the payload's issue.
func theIssue(body []byte) (Hint, error) {
	var p struct {
		Issue *ghIssue `json:"issue"`
	}
	return ghKeys(body, &p, func() []*ghIssue { return []*ghIssue{p.Issue} })
}

// ghKeys decodes body into p and returns a hint naming the issues named.
func ghKeys(body []byte, p any, named func() []*ghIssue) (Hint, error) {
	if err := decodePayload(body, p); err != nil {
		return Hint{}, err
	}
	var h Hint
	for _, is := range named() {
		if k, ok := is.key(); ok {
			h.Keys = append(h.Keys, k)
		}
	}
	return h, nil
}

// decodePayload decodes a GitHub event's body into p.
func decodePayload(body []byte, p any) error {
	if err := json.Unmarshal(body, p); err != nil {
		return fmt.Errorf("decoding the payload: %w", err)
	}
	return nil
}

// labelChanged names the issues of a label renamed or deleted
// (label edited with changes.name.from, label deleted): GitHub changes
// every issue that carries it without an issues event, so the hint names
// the label by its old name, and the daemon reads again the issues stored
// with it. A new label or a new colour changes nothing baton reads.
func labelChanged(body []byte) (Hint, error) {
	var p struct {
		Action string `json:"action"`
		Label  struct {
			Name string `json:"name"`
		} `json:"label"`
		Changes struct {
			Name *struct {
				From string `json:"from"`
			} `json:"name"`
		} `json:"changes"`
		Repository struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
	}
	if err := decodePayload(body, &p); err != nil {
		return Hint{}, err
	}
	name := p.Label.Name
	switch {
	case p.Action == "edited" && p.Changes.Name != nil:
		name = p.Changes.Name.From
	case p.Action != "deleted":
		return Hint{}, nil
	}
	owner, repo, ok := strings.Cut(p.Repository.FullName, "/")
	if !ok || name == "" {
		return Hint{}, nil
	}
	return Hint{Label: &Label{Prefix: model.KeyPrefix(model.GitHub, strings.ToLower(owner+"/"+repo)), Name: name}}, nil
}

// boardItem reads a projects_v2_item event ("Webhook events and payloads",
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#projects_v2_item):
// an item of an organisation's Projects (v2) board was created, edited (a
// field value changed: changes.field_value), deleted, archived, restored,
// converted (from a draft) or reordered. Only organisation webhooks and
// GitHub Apps receive it. Its projects_v2_item names the board and the
// content by GraphQL node id (project_node_id, content_node_id) and the
// content's type, never the issue's number, so the hint is the board: the
// daemon reads the boards again as a round does. Items of pull requests
// and draft issues change no issue's status and are ignored. The field
// names and the actions were checked against GitHub's own example payloads,
// lib/webhooks/static/dotcom/projects_v2_item.{archived,converted,created,
// deleted,edited,reordered,restored}.payload.json in github/docs (as fixed
// by its pull request 18772).
func boardItem(body []byte) (Hint, error) {
	var p struct {
		Item struct {
			ProjectNodeID string `json:"project_node_id"`
			ContentType   string `json:"content_type"`
		} `json:"projects_v2_item"`
		Organization struct {
			Login string `json:"login"`
		} `json:"organization"`
	}
	if err := decodePayload(body, &p); err != nil {
		return Hint{}, err
	}
	if p.Item.ContentType != "Issue" || p.Organization.Login == "" {
		return Hint{}, nil
	}
	return Hint{Board: &Board{NodeID: p.Item.ProjectNodeID, Owner: p.Organization.Login}}, nil
}
