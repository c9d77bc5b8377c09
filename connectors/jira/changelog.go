package jira

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	gosync "sync"

	jira "github.com/andygrunwald/go-jira"
	"golang.org/x/sync/errgroup"
)

// embeddedLimit is how many histories expand=changelog embeds at most. Jira
// drops older ones silently, so an embedded changelog that reached this size
// may be incomplete; a shorter one is complete.
const embeddedLimit = 40

// changelogs returns the complete histories of the given issues (all changed
// since the last sync), by issue id. Cloud reads them with the bulk changelog
// endpoint, a request per 1000 histories; Data Center reads, per issue, only
// those whose embedded changelog may have been truncated.
func (s *Source) changelogs(ctx context.Context, issues []*jira.Issue) (map[string][]jira.ChangelogHistory, error) {
	out := make(map[string][]jira.ChangelogHistory, len(issues))
	if len(issues) == 0 {
		return out, nil
	}
	if s.cloud {
		return out, s.bulkChangelogs(ctx, issues, out)
	}
	var truncated []*jira.Issue
	for _, is := range issues {
		switch {
		case is.Changelog == nil:
		case len(is.Changelog.Histories) < embeddedLimit:
			out[is.ID] = is.Changelog.Histories
		default:
			truncated = append(truncated, is)
		}
	}
	var mu gosync.Mutex
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(s.src.Parallel, 1))
	for _, is := range truncated {
		g.Go(func() error {
			hs, err := s.issueChangelog(ctx, is.Key)
			mu.Lock()
			defer mu.Unlock()
			out[is.ID] = hs
			return err
		})
	}
	return out, g.Wait()
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
	Created string `json:"created"`
	Items   []struct {
		Field string `json:"field"`
	} `json:"items"`
}

// history returns h as go-jira's ChangelogHistory, as activity takes it.
func (h *changedHistory) history() jira.ChangelogHistory {
	out := jira.ChangelogHistory{Created: h.Created, Items: make([]jira.ChangelogItems, len(h.Items))}
	for i, it := range h.Items {
		out.Items[i].Field = it.Field
	}
	return out
}

// bulkChangelogs pages POST /rest/api/3/changelog/bulkfetch until no
// nextPageToken remains (at most 1000 issues per call; a search page is smaller).
func (s *Source) bulkChangelogs(ctx context.Context, issues []*jira.Issue, out map[string][]jira.ChangelogHistory) error {
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
		resp, err := s.client.Do(req, &res)
		if err != nil {
			if resp != nil && resp.StatusCode/100 != 2 {
				err = jira.NewJiraError(resp, err)
			}
			return apiError(fmt.Sprintf("reading changelogs of %d issues, page %d", len(issues), page), resp, err)
		}
		for _, l := range res.IssueChangeLogs {
			for i := range l.ChangeHistories {
				out[l.IssueID] = append(out[l.IssueID], l.ChangeHistories[i].history())
			}
		}
		if res.NextPageToken == "" {
			return nil
		}
		body.NextPageToken = res.NextPageToken
	}
}

type changelogPage struct {
	StartAt int                     `json:"startAt"`
	Total   int                     `json:"total"`
	IsLast  bool                    `json:"isLast"`
	Values  []jira.ChangelogHistory `json:"values"`
}

// issueChangelog pages GET /rest/api/2/issue/{key}/changelog to the end.
func (s *Source) issueChangelog(ctx context.Context, key string) ([]jira.ChangelogHistory, error) {
	var all []jira.ChangelogHistory
	for {
		u := fmt.Sprintf("rest/api/2/issue/%s/changelog?startAt=%d&maxResults=100", url.PathEscape(key), len(all))
		req, err := s.client.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, fmt.Errorf("reading the changelog of %s: %w", key, err)
		}
		var page changelogPage
		resp, err := s.client.Do(req, &page)
		if err != nil {
			if resp != nil && resp.StatusCode/100 != 2 {
				err = jira.NewJiraError(resp, err)
			}
			return nil, apiError(fmt.Sprintf("reading the changelog of %s from %d", key, len(all)), resp, err)
		}
		all = append(all, page.Values...)
		if page.IsLast || len(page.Values) == 0 || len(all) >= page.Total {
			return all, nil
		}
	}
}
