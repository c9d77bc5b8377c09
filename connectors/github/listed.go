package github

import (
	"time"
	"unsafe"

	"github.com/google/go-github/v60/github"
)

// listed is an issue or pull request as a listing gives it, with only the
// fields baton reads. Decoding listings into go-github's Issue (some ninety
// fields, every user and label with a dozen URLs) was the largest part of
// the connector's CPU time on a full sync; the other fields are skipped
// unread here, and item() hands convert the go-github value it expects.
type listed struct {
	Number        int     `json:"number"`
	State         string  `json:"state"`
	StateReason   *string `json:"state_reason"`
	Title         string  `json:"title"`
	Body          *string `json:"body"`
	HTMLURL       string  `json:"html_url"`
	RepositoryURL string  `json:"repository_url"`
	Comments      int     `json:"comments"`
	CreatedAt     *stamp  `json:"created_at"`
	UpdatedAt     *stamp  `json:"updated_at"`
	ClosedAt      *stamp  `json:"closed_at"`
	Labels        []struct {
		Name string `json:"name"`
	} `json:"labels"`
	Assignees []struct {
		Login string `json:"login"`
	} `json:"assignees"`
	Milestone *struct {
		Title string `json:"title"`
		State string `json:"state"`
		DueOn *stamp `json:"due_on"`
	} `json:"milestone"`
	PullRequest *struct{}         `json:"pull_request"`
	Deps        *blockedBySummary `json:"issue_dependencies_summary"`
	Subs        *subIssuesSummary `json:"sub_issues_summary"`
	Parent      string            `json:"parent_issue_url"`
}

// item returns l as go-github's Issue with the summaries.
func (l *listed) item() item {
	it := item{Issue: github.Issue{
		Number: &l.Number, State: &l.State, StateReason: l.StateReason, Title: &l.Title, Body: l.Body,
		HTMLURL: &l.HTMLURL, RepositoryURL: &l.RepositoryURL, Comments: &l.Comments,
		CreatedAt: l.CreatedAt.timestamp(), UpdatedAt: l.UpdatedAt.timestamp(), ClosedAt: l.ClosedAt.timestamp(),
	}, Deps: l.Deps, Subs: l.Subs, Parent: l.Parent}
	// A null in either list decodes as a nameless entry, which is skipped.
	for i := range l.Labels {
		if l.Labels[i].Name != "" {
			it.Labels = append(it.Labels, &github.Label{Name: &l.Labels[i].Name})
		}
	}
	for i := range l.Assignees {
		if l.Assignees[i].Login != "" {
			it.Assignees = append(it.Assignees, &github.User{Login: &l.Assignees[i].Login})
		}
	}
	if m := l.Milestone; m != nil {
		it.Milestone = &github.Milestone{Title: &m.Title, State: &m.State, DueOn: m.DueOn.timestamp()}
	}
	if l.PullRequest != nil {
		it.PullRequestLinks = &github.PullRequestLinks{}
	}
	return it
}

// listedSize is about what a page of listed issues holds: the values,
// their strings and their lists.
func listedSize(page []listed) int64 {
	n := int64(len(page)) * int64(unsafe.Sizeof(listed{}))
	for i := range page {
		l := &page[i]
		n += int64(len(l.State) + len(l.Title) + len(l.HTMLURL) + len(l.RepositoryURL) + len(l.Parent))
		if l.Body != nil {
			n += int64(len(*l.Body))
		}
		for _, x := range l.Labels {
			n += int64(len(x.Name)) + stringHeader
		}
		for _, x := range l.Assignees {
			n += int64(len(x.Login)) + stringHeader
		}
		if l.Milestone != nil {
			n += int64(len(l.Milestone.Title)+len(l.Milestone.State)) + 2*stringHeader
		}
	}
	return n
}

// listedTimeline and listedRef are the parts of timeline items and related
// issues (blockers, sub-issues) that baton reads; each comes with whole user
// objects (and comments with their bodies) it does not. Decoding timelines
// into go-github's Timeline would build every one of them.
type listedTimeline struct {
	Event     string `json:"event"`
	CreatedAt stamp  `json:"created_at"`
	Label     *struct {
		Name string `json:"name"`
	} `json:"label"`
}

type listedRef struct {
	Number        int    `json:"number"`
	RepositoryURL string `json:"repository_url"`
}

func (r *listedRef) issue() *github.Issue {
	return &github.Issue{Number: &r.Number, RepositoryURL: &r.RepositoryURL}
}

// stamp is a github.Timestamp that decodes the usual quoted RFC 3339 text
// with time.Parse's fast path for that layout. go-github's UnmarshalJSON
// first tries the text as Unix seconds (an error allocated per timestamp),
// then parses it with a quoted layout time.Parse has no fast path for;
// that was a tenth of decoding a listing. Anything else, and text the fast
// path refuses, goes to go-github's, so results and errors are its own.
type stamp github.Timestamp

func (t *stamp) UnmarshalJSON(data []byte) error {
	if n := len(data); n > 2 && data[0] == '"' && data[n-1] == '"' {
		if at, err := time.Parse(time.RFC3339, string(data[1:n-1])); err == nil {
			t.Time = at
			return nil
		}
	}
	return (*github.Timestamp)(t).UnmarshalJSON(data)
}

// timestamp is t as go-github's type.
func (t *stamp) timestamp() *github.Timestamp { return (*github.Timestamp)(t) }
