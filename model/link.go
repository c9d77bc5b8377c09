package model

// LinkType is the meaning of a link.
type LinkType string

// The link types. For Blocks, From blocks To (To waits on From); for Parent,
// From is the parent of To; Relates carries no dependency.
const (
	Blocks  LinkType = "blocks"
	Parent  LinkType = "parent"
	Relates LinkType = "relates"
)

// Origin is where a link was found.
type Origin string

// The origins of links.
const (
	OriginJiraLink         Origin = "jira_link"
	OriginGitHubDependency Origin = "github_dependency"
	OriginGitHubSubIssue   Origin = "github_sub_issue"
	OriginJiraParent       Origin = "jira_parent" // parent field or Data Center's Epic Link
	OriginTextReference    Origin = "text_reference"
)

// Link is a directed relation between two issues. To or From may name an issue
// outside the synced scope.
type Link struct {
	From    string   `json:"from"`
	To      string   `json:"to"`
	Type    LinkType `json:"type"`
	Origin  Origin   `json:"origin"`
	RawType string   `json:"raw_type,omitempty"` // e.g. "is blocked by", "Blocked by #12"
}
