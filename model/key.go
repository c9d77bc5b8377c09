package model

import (
	"fmt"
	"strings"
)

// GitHubKey is the key of issue number n of owner/repo.
func GitHubKey(owner, repo string, n int) string {
	return fmt.Sprintf("github:%s/%s#%d", strings.ToLower(owner), strings.ToLower(repo), n)
}

// JiraKey is the key of the Jira issue with the given issue key (e.g. PAY-3).
func JiraKey(issueKey string) string {
	return "jira:" + strings.ToUpper(issueKey)
}
