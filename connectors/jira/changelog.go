package jira

import (
	"context"
	"fmt"
	"net/http"

	jira "github.com/andygrunwald/go-jira"
)

// changelogs returns the complete histories of the given issues (all changed
// since the last sync), by issue id. Cloud caps the changelog a search embeds
// (at 40 histories, silently), so Cloud reads them with the bulk changelog
// endpoint, a request per 1000 histories. Data Center embeds the whole
// changelog and has no other way to read it: its issues' own changelog
// resource is Cloud-only (Data Center answers 404, atlassian-python-api#1396).
func (s *Source) changelogs(ctx context.Context, issues []*issue) (map[string][]changedHistory, error) {
	out := make(map[string][]changedHistory, len(issues))
	if len(issues) == 0 {
		return out, nil
	}
	if s.cloud {
		return out, s.bulkChangelogs(ctx, issues, out)
	}
	for _, is := range issues {
		if is.Changelog != nil {
			out[is.ID] = is.Changelog
		}
	}
	return out, nil
}

type bulkRequest struct {
	IssueIDsOrKeys []string `json:"issueIdsOrKeys"`
	MaxResults     int      `json:"maxResults,omitempty"`
	NextPageToken  string   `json:"nextPageToken,omitempty"`
}

type bulkResponse struct {
	IssueChangeLogs []struct {
		IssueID         string           `json:"issueId"`
		ChangeHistories []changedHistory `json:"changeHistories"`
	} `json:"issueChangeLogs"`
	NextPageToken string `json:"nextPageToken"`
}

// changedHistory is a history with only what activity reads: when it was
// made and which fields it changed. Decoding into go-jira's ChangelogHistory
// also built each history's author (with its avatar URLs) and every item's
// from and to values; here they are skipped unread.
type changedHistory struct {
	Created string        `json:"created"`
	Items   []changedItem `json:"items"`
}

type changedItem struct {
	Field string `json:"field"`
}

// bulkChangelogs pages POST /rest/api/3/changelog/bulkfetch until no
// nextPageToken remains (at most 1000 issues per call; a search page is smaller;
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-changelog-bulkfetch-post).
func (s *Source) bulkChangelogs(ctx context.Context, issues []*issue, out map[string][]changedHistory) error {
	body := bulkRequest{}
	for _, is := range issues {
		body.IssueIDsOrKeys = append(body.IssueIDsOrKeys, is.ID)
		out[is.ID] = nil
	}
	for page := 1; ; page++ {
		req, err := s.client.NewRequestWithContext(ctx, http.MethodPost, "rest/api/3/changelog/bulkfetch", body)
		if err != nil {
			return fmt.Errorf("reading changelogs page %d: %w", page, err)
		}
		var res bulkResponse
		resp, err := s.do(req, &res)
		if err != nil {
			if resp != nil && resp.StatusCode/100 != 2 {
				err = jira.NewJiraError(resp, err)
			}
			return apiError(fmt.Sprintf("reading changelogs of %d issues, page %d", len(issues), page), resp, err)
		}
		for _, l := range res.IssueChangeLogs {
			// Kept as decoded, not copied, unless an issue's histories go on
			// from the answer before.
			if hs := out[l.IssueID]; hs != nil {
				out[l.IssueID] = append(hs, l.ChangeHistories...)
			} else {
				out[l.IssueID] = l.ChangeHistories
			}
		}
		if res.NextPageToken == "" {
			return nil
		}
		body.NextPageToken = res.NextPageToken
	}
}
