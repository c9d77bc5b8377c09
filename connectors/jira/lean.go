package jira

import (
	jira "github.com/andygrunwald/go-jira"
)

// issue is a Jira issue as the connector reads it: its id and key, the
// fields convert reads and, on Data Center, its embedded changelog. Cloud's
// search pages are decoded into it directly (search.go); what go-jira
// decodes (Data Center's search pages, an issue read again) is mapped onto it
// by issueOf. As go-jira's types, every Cloud issue was decoded into a
// run-time type and copied into a jira.IssueFields of 1,208 bytes, each
// comment into a jira.Comment of 640 and each history into a
// jira.ChangelogHistory of 312: a quarter of what a 200,000-issue sync
// allocated, and a third of the connector's own CPU.
type issue struct {
	ID, Key string
	Fields  *issueFields
	// Changelog is the changelog Data Center embeds (expand=changelog);
	// nil on Cloud, which reads it in bulk (changelog.go).
	Changelog []changedHistory
}

// issueFields are the fields of an issue convert reads, under the names and
// JSON keys of jira.IssueFields, those that are objects as lean types of
// only what convert reads of them (GET rest/api/2/search/jql answers each
// with the issue's fields by id:
// https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issue-search/#api-rest-api-2-search-jql-get).
// What a lean type leaves out is skipped unread, so a value of the wrong
// type there (a status id as a number) does not fail the page; one that
// convert reads still fails it, with the field's path in the error. A null
// in a list stays nil, and convert skips it.
type issueFields struct {
	Summary        string        `json:"summary"`
	Description    string        `json:"description"`
	Status         *pageStatus   `json:"status"`
	Priority       *named        `json:"priority"`
	Assignee       *pageUser     `json:"assignee"`
	Duedate        jira.Date     `json:"duedate"`
	Resolution     *named        `json:"resolution"`
	Resolutiondate pageTime      `json:"resolutiondate"`
	Created        pageTime      `json:"created"`
	Updated        pageTime      `json:"updated"`
	Labels         []string      `json:"labels"`
	Components     []*named      `json:"components"`
	Comments       *pageComments `json:"comment"`
	IssueLinks     []*pageLink   `json:"issuelinks"`
	Parent         *jira.Parent  `json:"parent"`
	// Unknowns are the requested fields without a place above (the sprint
	// and Epic Link fields), by id, as go-jira keeps them.
	Unknowns map[string]any `json:"-"`
}

// named is a priority, resolution or component: convert reads its name.
type named struct {
	Name string `json:"name"`
}

// pageStatus is a status as convert reads it: its name and its category.
type pageStatus struct {
	Name           string `json:"name"`
	StatusCategory struct {
		Key string `json:"key"`
	} `json:"statusCategory"`
}

// pageUser is a user as convert names an assignee.
type pageUser struct {
	AccountID    string `json:"accountId"`
	Name         string `json:"name"`
	EmailAddress string `json:"emailAddress"`
	DisplayName  string `json:"displayName"`
}

// pageTime is a jira.Time read by readJiraTime where it can, else by
// go-jira's UnmarshalJSON, which parses every time with a quoted layout
// through time.Parse's generic parser. Only the instant is kept the same:
// convert reads nothing else (go-jira's is in the local or a fixed zone,
// this one in UTC).
type pageTime jira.Time

func (t *pageTime) UnmarshalJSON(b []byte) error {
	if n := len(b); n > 2 && b[0] == '"' && b[n-1] == '"' {
		if at, ok := readJiraTime(string(b[1 : n-1])); ok {
			*t = pageTime(at)
			return nil
		}
	}
	return (*jira.Time)(t).UnmarshalJSON(b)
}

// pageLink is an issue link as convert reads it: its type and the keys of
// its ends. As jira.IssueLink, each end would be a jira.Issue whose fields
// go-jira decodes twice (IssueFields.UnmarshalJSON), which took 0.26 of the
// 0.60 CPU seconds of decoding the search pages of a simulated organisation.
type pageLink struct {
	Type         jira.IssueLinkType `json:"type"`
	OutwardIssue *linkEnd           `json:"outwardIssue"`
	InwardIssue  *linkEnd           `json:"inwardIssue"`
}

// linkEnd is the issue at one end of a pageLink: convert reads its key.
type linkEnd struct {
	Key string `json:"key"`
}

// pageComments are an issue's comments as activity reads them: when each
// was made. As jira.Comments, each comment's author and its last editor
// were decoded as go-jira's User (with the avatars' URLs), and its body,
// for one time.
type pageComments struct {
	Comments []*pageComment `json:"comments"`
}

type pageComment struct {
	Created string `json:"created"`
}

// issueOf maps an issue go-jira decoded onto what the connector reads of it.
func issueOf(is *jira.Issue) issue {
	out := issue{ID: is.ID, Key: is.Key}
	if is.Changelog != nil {
		out.Changelog = make([]changedHistory, len(is.Changelog.Histories))
		for i, h := range is.Changelog.Histories {
			out.Changelog[i] = historyOf(h)
		}
	}
	f := is.Fields
	if f == nil {
		return out
	}
	out.Fields = &issueFields{
		Summary: f.Summary, Description: f.Description,
		Duedate: f.Duedate,
		Created: pageTime(f.Created), Updated: pageTime(f.Updated), Resolutiondate: pageTime(f.Resolutiondate),
		Labels:   f.Labels,
		Parent:   f.Parent,
		Unknowns: f.Unknowns,
	}
	lf := out.Fields
	if f.Status != nil {
		lf.Status = &pageStatus{Name: f.Status.Name}
		lf.Status.StatusCategory.Key = f.Status.StatusCategory.Key
	}
	if f.Priority != nil {
		lf.Priority = &named{Name: f.Priority.Name}
	}
	if f.Resolution != nil {
		lf.Resolution = &named{Name: f.Resolution.Name}
	}
	if a := f.Assignee; a != nil {
		lf.Assignee = &pageUser{AccountID: a.AccountID, Name: a.Name, EmailAddress: a.EmailAddress, DisplayName: a.DisplayName}
	}
	if f.Components != nil {
		lf.Components = make([]*named, len(f.Components))
		for i, c := range f.Components {
			if c != nil {
				lf.Components[i] = &named{Name: c.Name}
			}
		}
	}
	if f.Comments != nil {
		lf.Comments = &pageComments{}
		if f.Comments.Comments != nil {
			lf.Comments.Comments = make([]*pageComment, len(f.Comments.Comments))
			for i, c := range f.Comments.Comments {
				if c != nil {
					lf.Comments.Comments[i] = &pageComment{Created: c.Created}
				}
			}
		}
	}
	if f.IssueLinks != nil {
		lf.IssueLinks = make([]*pageLink, len(f.IssueLinks))
		for i, l := range f.IssueLinks {
			if l != nil {
				lf.IssueLinks[i] = &pageLink{Type: l.Type, OutwardIssue: linkEndOf(l.OutwardIssue), InwardIssue: linkEndOf(l.InwardIssue)}
			}
		}
	}
	return out
}

func linkEndOf(is *jira.Issue) *linkEnd {
	if is == nil {
		return nil
	}
	return &linkEnd{Key: is.Key}
}

// historyOf is a go-jira history as activity reads it.
func historyOf(h jira.ChangelogHistory) changedHistory {
	out := changedHistory{Created: h.Created, Items: make([]changedItem, len(h.Items))}
	for i, it := range h.Items {
		out.Items[i].Field = it.Field
	}
	return out
}
