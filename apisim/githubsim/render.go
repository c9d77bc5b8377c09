package githubsim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// The JSON shapes below follow api.github.com's field names. Rendering happens
// per request; nothing here is stored.

type userJSON struct {
	Login     string `json:"login"`
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	AvatarURL string `json:"avatar_url"`
	URL       string `json:"url"`
	HTMLURL   string `json:"html_url"`
	Type      string `json:"type"`
	SiteAdmin bool   `json:"site_admin"`
}

type labelJSON struct {
	ID          int64   `json:"id"`
	NodeID      string  `json:"node_id"`
	URL         string  `json:"url"`
	Name        string  `json:"name"`
	Color       string  `json:"color"`
	Default     bool    `json:"default"`
	Description *string `json:"description"`
}

type milestoneJSON struct {
	URL          string  `json:"url"`
	HTMLURL      string  `json:"html_url"`
	ID           int64   `json:"id"`
	NodeID       string  `json:"node_id"`
	Number       int     `json:"number"`
	Title        string  `json:"title"`
	Description  *string `json:"description"`
	State        string  `json:"state"`
	OpenIssues   int     `json:"open_issues"`
	ClosedIssues int     `json:"closed_issues"`
	CreatedAt    string  `json:"created_at"`
	UpdatedAt    string  `json:"updated_at"`
	DueOn        *string `json:"due_on"`
	ClosedAt     *string `json:"closed_at"`
}

type pullRequestJSON struct {
	URL      string  `json:"url"`
	HTMLURL  string  `json:"html_url"`
	DiffURL  string  `json:"diff_url"`
	PatchURL string  `json:"patch_url"`
	MergedAt *string `json:"merged_at"`
}

// dependenciesJSON and subIssuesJSON are the issue schema's
// issue_dependencies_summary ("issue-dependencies-summary": blocked_by,
// blocking, total_blocked_by, total_blocking) and sub_issues_summary
// ("sub-issues-summary": total, completed, percent_completed), in
// github/rest-api-description's api.github.com.2022-11-28.json.
type dependenciesJSON struct {
	BlockedBy      int `json:"blocked_by"`
	Blocking       int `json:"blocking"`
	TotalBlockedBy int `json:"total_blocked_by"`
	TotalBlocking  int `json:"total_blocking"`
}

type subIssuesJSON struct {
	Total            int `json:"total"`
	Completed        int `json:"completed"`
	PercentCompleted int `json:"percent_completed"`
}

type issueJSON struct {
	URL                      string           `json:"url"`
	RepositoryURL            string           `json:"repository_url"`
	LabelsURL                string           `json:"labels_url"`
	CommentsURL              string           `json:"comments_url"`
	EventsURL                string           `json:"events_url"`
	HTMLURL                  string           `json:"html_url"`
	ID                       int64            `json:"id"`
	NodeID                   string           `json:"node_id"`
	Number                   int              `json:"number"`
	Title                    string           `json:"title"`
	User                     userJSON         `json:"user"`
	Labels                   []labelJSON      `json:"labels"`
	State                    string           `json:"state"`
	Locked                   bool             `json:"locked"`
	Assignee                 *userJSON        `json:"assignee"`
	Assignees                []userJSON       `json:"assignees"`
	Milestone                *milestoneJSON   `json:"milestone"`
	Comments                 int              `json:"comments"`
	CreatedAt                string           `json:"created_at"`
	UpdatedAt                string           `json:"updated_at"`
	ClosedAt                 *string          `json:"closed_at"`
	AuthorAssociation        string           `json:"author_association"`
	ActiveLockReason         *string          `json:"active_lock_reason"`
	Body                     *string          `json:"body"`
	TimelineURL              string           `json:"timeline_url"`
	StateReason              *string          `json:"state_reason"`
	PullRequest              *pullRequestJSON `json:"pull_request,omitempty"`
	IssueDependenciesSummary dependenciesJSON `json:"issue_dependencies_summary"`
	SubIssuesSummary         subIssuesJSON    `json:"sub_issues_summary"`
	// ParentIssueURL is the issue schema's "URL to get the parent issue of
	// this issue, if it is a sub-issue", nullable (github/rest-api-description,
	// api.github.com.2022-11-28.json; go-github#3840).
	ParentIssueURL *string `json:"parent_issue_url"`
}

type commentJSON struct {
	URL               string   `json:"url"`
	HTMLURL           string   `json:"html_url"`
	IssueURL          string   `json:"issue_url"`
	ID                int64    `json:"id"`
	NodeID            string   `json:"node_id"`
	User              userJSON `json:"user"`
	CreatedAt         string   `json:"created_at"`
	UpdatedAt         string   `json:"updated_at"`
	AuthorAssociation string   `json:"author_association"`
	Body              string   `json:"body"`
}

// commentedJSON is a comment as the timeline gives it: the comment's
// fields plus its event name and actor.
type commentedJSON struct {
	commentJSON
	Event string   `json:"event"`
	Actor userJSON `json:"actor"`
}

type eventJSON struct {
	ID        int64              `json:"id"`
	NodeID    string             `json:"node_id"`
	URL       string             `json:"url"`
	Actor     userJSON           `json:"actor"`
	Event     string             `json:"event"`
	CommitID  *string            `json:"commit_id"`
	CommitURL *string            `json:"commit_url"`
	CreatedAt string             `json:"created_at"`
	Label     *map[string]string `json:"label,omitempty"`
}

type repoJSON struct {
	ID              int64    `json:"id"`
	NodeID          string   `json:"node_id"`
	Name            string   `json:"name"`
	FullName        string   `json:"full_name"`
	Private         bool     `json:"private"`
	Owner           userJSON `json:"owner"`
	HTMLURL         string   `json:"html_url"`
	URL             string   `json:"url"`
	IssuesURL       string   `json:"issues_url"`
	Archived        bool     `json:"archived"`
	Disabled        bool     `json:"disabled"`
	HasIssues       bool     `json:"has_issues"`
	OpenIssuesCount int      `json:"open_issues_count"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
	PushedAt        string   `json:"pushed_at"`
}

// urls are the bases of one request's rendered links.
type urls struct {
	api  string // e.g. http://127.0.0.1:1234
	html string // e.g. https://github.com
}

func requestURLs(r *http.Request, htmlBase string) urls {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	prefix, _ := r.Context().Value(prefixKey{}).(string)
	return urls{api: scheme + "://" + r.Host + prefix, html: htmlBase}
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func tsPtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := ts(t)
	return &s
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// hashID is the 32-bit FNV-1a hash of s (hash/fnv's New32a, without its
// allocations: every rendered user and label asks for one).
func hashID(s string) int64 {
	h := uint32(2166136261)
	for i := range len(s) {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return int64(h)
}

func (u urls) user(login string) userJSON {
	id := hashID("user:" + login)
	n := strconv.FormatInt(id, 10)
	return userJSON{
		Login: login, ID: id, NodeID: "U_" + n,
		AvatarURL: "https://avatars.githubusercontent.com/u/" + n + "?v=4",
		URL:       u.api + "/users/" + login, HTMLURL: u.html + "/" + login, Type: "User",
	}
}

// label renders r's label called name.
func (u urls) label(r *repo, name string) labelJSON {
	id := hashID("label:" + r.fullName() + ":" + name)
	return labelJSON{ID: id, NodeID: "LA_" + strconv.FormatInt(id, 10), URL: u.api + "/repos/" + r.fullName() + "/labels/" + name,
		Name: name, Color: labelColor(name)}
}

// labelColor gives each label name a stable colour.
func labelColor(name string) string {
	return fmt.Sprintf("%06x", hashID("color:"+name)&0xffffff)
}

func (u urls) repo(r *repo) repoJSON {
	open := 0
	for _, is := range r.issues {
		if !is.deleted && is.movedTo.Repo == "" && is.State == "open" {
			open++
		}
	}
	return repoJSON{
		ID: r.id, NodeID: fmt.Sprintf("R_%d", r.id), Name: r.name, FullName: r.fullName(),
		Owner: u.user(r.owner), HTMLURL: u.html + "/" + r.fullName(), URL: u.api + "/repos/" + r.fullName(),
		IssuesURL: u.api + "/repos/" + r.fullName() + "/issues{/number}", HasIssues: !r.noIssues, Archived: r.archived,
		OpenIssuesCount: open, CreatedAt: ts(r.createdAt), UpdatedAt: ts(r.createdAt), PushedAt: ts(r.createdAt),
	}
}

// milestones renders every milestone of r, index n-1 for number n, with
// its issue counts; callers hold s.mu. Done once per request, not per issue.
func (u urls) milestones(r *repo) []*milestoneJSON {
	out := make([]*milestoneJSON, len(r.milestones))
	for i, m := range r.milestones {
		id := r.id*1000 + int64(m.Number)
		out[i] = &milestoneJSON{
			URL:     fmt.Sprintf("%s/repos/%s/milestones/%d", u.api, r.fullName(), m.Number),
			HTMLURL: fmt.Sprintf("%s/%s/milestone/%d", u.html, r.fullName(), m.Number),
			ID:      id, NodeID: fmt.Sprintf("MI_%d", id), Number: m.Number, Title: m.Title, State: m.State,
			CreatedAt: ts(m.CreatedAt), UpdatedAt: ts(m.CreatedAt), DueOn: tsPtr(m.DueOn),
		}
	}
	for i, n := range r.milestoneIssues() {
		out[i].OpenIssues, out[i].ClosedIssues = n[0], n[1]
	}
	return out
}

// renderIssue renders is of r, given r's rendered milestones; callers hold s.mu.
func (s *Server) renderIssue(u urls, r *repo, ms []*milestoneJSON, is *issue) issueJSON {
	return s.renderRelated(u, r, ms, is, s.relationsOf(r, is))
}

// renderRelated renders is of r, given r's rendered milestones and what
// other issues contribute, rel; callers hold s.mu.
func (s *Server) renderRelated(u urls, r *repo, ms []*milestoneJSON, is *issue, rel relations) issueJSON {
	repoURL := u.api + "/repos/" + r.fullName()
	api := repoURL + "/issues/" + strconv.Itoa(is.Number)
	out := issueJSON{
		URL: api, RepositoryURL: repoURL, LabelsURL: api + "/labels{/name}",
		CommentsURL: api + "/comments", EventsURL: api + "/events", TimelineURL: api + "/timeline",
		HTMLURL: u.issueHTML(r, is),
		ID:      is.id, NodeID: "I_" + strconv.FormatInt(is.id, 10), Number: is.Number, Title: is.Title,
		User: u.user(is.User), Labels: make([]labelJSON, 0, len(is.Labels)), State: is.State, Assignees: make([]userJSON, 0, len(is.Assignees)),
		Comments: len(is.Comments), CreatedAt: ts(is.CreatedAt), UpdatedAt: ts(is.UpdatedAt),
		ClosedAt: tsPtr(is.ClosedAt), AuthorAssociation: "MEMBER", Body: strPtr(is.Body),
		StateReason:              strPtr(is.StateReason),
		IssueDependenciesSummary: rel.deps, SubIssuesSummary: rel.subs,
	}
	if is.Milestone > 0 && is.Milestone <= len(ms) {
		out.Milestone = ms[is.Milestone-1]
	}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, u.label(r, l))
	}
	for _, a := range is.Assignees {
		out.Assignees = append(out.Assignees, u.user(a))
	}
	if len(out.Assignees) > 0 {
		out.Assignee = &out.Assignees[0]
	}
	if is.PullRequest {
		pr := fmt.Sprintf("%s/repos/%s/pulls/%d", u.api, r.fullName(), is.Number)
		out.PullRequest = &pullRequestJSON{URL: pr, HTMLURL: out.HTMLURL, DiffURL: out.HTMLURL + ".diff", PatchURL: out.HTMLURL + ".patch"}
	}
	if rel.parent.Repo != "" {
		url := fmt.Sprintf("%s/repos/%s/issues/%d", u.api, rel.parent.Repo, rel.parent.Number)
		out.ParentIssueURL = &url
	}
	return out
}

// issueHTML is the web address of is of r.
func (u urls) issueHTML(r *repo, is *issue) string {
	kind := "issues"
	if is.PullRequest {
		kind = "pull"
	}
	return u.html + "/" + r.fullName() + "/" + kind + "/" + strconv.Itoa(is.Number)
}

// relations are what other issues contribute to an issue's rendering.
type relations struct {
	deps   dependenciesJSON
	subs   subIssuesJSON
	parent IssueRef // zero for an issue that is no sub-issue
}

func (s *Server) relationsOf(r *repo, is *issue) relations {
	return relations{deps: s.dependencies(r, is), subs: s.subIssues(is), parent: s.parentOfIssue(is)}
}

// dependencies summarises is's blockers (open ones in BlockedBy, all in
// TotalBlockedBy) and how many issues name it as a blocker (both Blocking
// and TotalBlocking: the server does not track which of those are open).
func (s *Server) dependencies(r *repo, is *issue) dependenciesJSON {
	var d dependenciesJSON
	d.TotalBlockedBy, d.BlockedBy = s.countLive(is.BlockedBy, "open")
	d.TotalBlocking = s.blocking[IssueRef{Repo: r.lower, Number: is.Number}] // as key() names it
	d.Blocking = d.TotalBlocking
	return d
}

func (s *Server) subIssues(is *issue) subIssuesJSON {
	var d subIssuesJSON
	d.Total, d.Completed = s.countLive(is.SubIssues, "closed")
	if d.Total > 0 {
		d.PercentCompleted = 100 * d.Completed / d.Total
	}
	return d
}

// countLive counts the existing issues among refs, and those of them in
// state; callers hold s.mu.
func (s *Server) countLive(refs []IssueRef, state string) (total, inState int) {
	for _, ref := range refs {
		if _, is, ok := s.live(ref); ok {
			total++
			if is.State == state {
				inState++
			}
		}
	}
	return total, inState
}

func (u urls) comment(r *repo, is *issue, c Comment) commentJSON {
	return commentJSON{
		URL:      fmt.Sprintf("%s/repos/%s/issues/comments/%d", u.api, r.fullName(), c.ID),
		HTMLURL:  fmt.Sprintf("%s/%s/issues/%d#issuecomment-%d", u.html, r.fullName(), is.Number, c.ID),
		IssueURL: fmt.Sprintf("%s/repos/%s/issues/%d", u.api, r.fullName(), is.Number),
		ID:       c.ID, NodeID: fmt.Sprintf("IC_%d", c.ID), User: u.user(c.User),
		CreatedAt: ts(c.CreatedAt), UpdatedAt: ts(c.UpdatedAt), AuthorAssociation: "MEMBER", Body: c.Body,
	}
}

func (u urls) event(r *repo, e Event) eventJSON {
	out := eventJSON{
		ID: e.ID, NodeID: fmt.Sprintf("E_%d", e.ID), URL: fmt.Sprintf("%s/repos/%s/issues/events/%d", u.api, r.fullName(), e.ID),
		Actor: u.user(e.Actor), Event: e.Event, CreatedAt: ts(e.CreatedAt),
	}
	if e.Label != "" {
		out.Label = &map[string]string{"name": e.Label, "color": labelColor(e.Label)}
	}
	return out
}

func (u urls) commented(r *repo, is *issue, c Comment) commentedJSON {
	return commentedJSON{commentJSON: u.comment(r, is, c), Event: "commented", Actor: u.user(c.User)}
}
