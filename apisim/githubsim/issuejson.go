package githubsim

import (
	"encoding/json"
	"strconv"

	"github.com/batonhq/baton/apisim/jsonappend"
)

// An issue's JSON is written by hand, field by field in the order of
// issueJSON's tags, as json.Marshal writes it: a full sync renders every
// GitHub issue two or three times (its listing, each of its events in the
// repository's event listing, its board page), and encoding/json's
// reflection over issueJSON was about half of that (TestCachedRenderingsFollowEveryKindOfChange and
// TestIssueJSONIsWhatMarshalWrites compare the two).

// issueJSONOf is renderIssue's JSON; callers hold s.mu.
func (s *Server) issueJSONOf(u urls, r *repo, ms []*milestoneJSON, is *issue) json.RawMessage {
	return s.appendIssueJSON(nil, u, r, ms, is)
}

// appendIssueJSON appends renderIssue's JSON to dst; callers hold s.mu.
// Nothing is kept between requests: written by hand straight into the page,
// an issue costs about what finding a kept copy did, and keeping every
// issue's JSON (2.3 kB each) nearly doubled the simulator's memory.
func (s *Server) appendIssueJSON(dst []byte, u urls, r *repo, ms []*milestoneJSON, is *issue) []byte {
	v := s.renderIssue(u, r, ms, is)
	return appendIssue(dst, &v)
}

// appendIssue appends v as json.Marshal writes it.
func appendIssue(dst []byte, v *issueJSON) []byte {
	dst = field(dst, '{', "url", v.URL)
	dst = field(dst, ',', "repository_url", v.RepositoryURL)
	dst = field(dst, ',', "labels_url", v.LabelsURL)
	dst = field(dst, ',', "comments_url", v.CommentsURL)
	dst = field(dst, ',', "events_url", v.EventsURL)
	dst = field(dst, ',', "html_url", v.HTMLURL)
	dst = strconv.AppendInt(append(dst, `,"id":`...), v.ID, 10)
	dst = field(dst, ',', "node_id", v.NodeID)
	dst = strconv.AppendInt(append(dst, `,"number":`...), int64(v.Number), 10)
	dst = field(dst, ',', "title", v.Title)
	dst = appendUser(append(dst, `,"user":`...), &v.User)
	dst = appendList(append(dst, `,"labels":`...), v.Labels, appendLabel)
	dst = field(dst, ',', "state", v.State)
	dst = strconv.AppendBool(append(dst, `,"locked":`...), v.Locked)
	dst = append(dst, `,"assignee":`...)
	if v.Assignee == nil {
		dst = append(dst, "null"...)
	} else {
		dst = appendUser(dst, v.Assignee)
	}
	dst = appendList(append(dst, `,"assignees":`...), v.Assignees, appendUser)
	dst = append(dst, `,"milestone":`...)
	if v.Milestone == nil {
		dst = append(dst, "null"...)
	} else {
		dst = appendMilestone(dst, v.Milestone)
	}
	dst = strconv.AppendInt(append(dst, `,"comments":`...), int64(v.Comments), 10)
	dst = field(dst, ',', "created_at", v.CreatedAt)
	dst = field(dst, ',', "updated_at", v.UpdatedAt)
	dst = nullable(dst, "closed_at", v.ClosedAt)
	dst = field(dst, ',', "author_association", v.AuthorAssociation)
	dst = nullable(dst, "active_lock_reason", v.ActiveLockReason)
	dst = nullable(dst, "body", v.Body)
	dst = field(dst, ',', "timeline_url", v.TimelineURL)
	dst = nullable(dst, "state_reason", v.StateReason)
	if pr := v.PullRequest; pr != nil {
		dst = field(append(dst, `,"pull_request":`...), '{', "url", pr.URL)
		dst = field(dst, ',', "html_url", pr.HTMLURL)
		dst = field(dst, ',', "diff_url", pr.DiffURL)
		dst = field(dst, ',', "patch_url", pr.PatchURL)
		dst = append(nullable(dst, "merged_at", pr.MergedAt), '}')
	}
	d := v.IssueDependenciesSummary
	dst = strconv.AppendInt(append(dst, `,"issue_dependencies_summary":{"blocked_by":`...), int64(d.BlockedBy), 10)
	dst = strconv.AppendInt(append(dst, `,"blocking":`...), int64(d.Blocking), 10)
	dst = strconv.AppendInt(append(dst, `,"total_blocked_by":`...), int64(d.TotalBlockedBy), 10)
	dst = strconv.AppendInt(append(dst, `,"total_blocking":`...), int64(d.TotalBlocking), 10)
	s := v.SubIssuesSummary
	dst = strconv.AppendInt(append(dst, `},"sub_issues_summary":{"total":`...), int64(s.Total), 10)
	dst = strconv.AppendInt(append(dst, `,"completed":`...), int64(s.Completed), 10)
	dst = strconv.AppendInt(append(dst, `,"percent_completed":`...), int64(s.PercentCompleted), 10)
	dst = nullable(append(dst, '}'), "parent_issue_url", v.ParentIssueURL)
	return append(dst, '}')
}

// appendList appends the JSON array of items, each appended by appendItem,
// or null for nil.
func appendList[T any](dst []byte, items []T, appendItem func([]byte, *T) []byte) []byte {
	if items == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i := range items {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendItem(dst, &items[i])
	}
	return append(dst, ']')
}

func appendUser(dst []byte, u *userJSON) []byte {
	dst = field(dst, '{', "login", u.Login)
	dst = strconv.AppendInt(append(dst, `,"id":`...), u.ID, 10)
	dst = field(dst, ',', "node_id", u.NodeID)
	dst = field(dst, ',', "avatar_url", u.AvatarURL)
	dst = field(dst, ',', "url", u.URL)
	dst = field(dst, ',', "html_url", u.HTMLURL)
	dst = field(dst, ',', "type", u.Type)
	dst = strconv.AppendBool(append(dst, `,"site_admin":`...), u.SiteAdmin)
	return append(dst, '}')
}

func appendLabel(dst []byte, l *labelJSON) []byte {
	dst = strconv.AppendInt(append(dst, `{"id":`...), l.ID, 10)
	dst = field(dst, ',', "node_id", l.NodeID)
	dst = field(dst, ',', "url", l.URL)
	dst = field(dst, ',', "name", l.Name)
	dst = field(dst, ',', "color", l.Color)
	dst = strconv.AppendBool(append(dst, `,"default":`...), l.Default)
	dst = nullable(dst, "description", l.Description)
	return append(dst, '}')
}

func appendMilestone(dst []byte, m *milestoneJSON) []byte {
	dst = field(dst, '{', "url", m.URL)
	dst = field(dst, ',', "html_url", m.HTMLURL)
	dst = strconv.AppendInt(append(dst, `,"id":`...), m.ID, 10)
	dst = field(dst, ',', "node_id", m.NodeID)
	dst = strconv.AppendInt(append(dst, `,"number":`...), int64(m.Number), 10)
	dst = field(dst, ',', "title", m.Title)
	dst = nullable(dst, "description", m.Description)
	dst = field(dst, ',', "state", m.State)
	dst = strconv.AppendInt(append(dst, `,"open_issues":`...), int64(m.OpenIssues), 10)
	dst = strconv.AppendInt(append(dst, `,"closed_issues":`...), int64(m.ClosedIssues), 10)
	dst = field(dst, ',', "created_at", m.CreatedAt)
	dst = field(dst, ',', "updated_at", m.UpdatedAt)
	dst = nullable(dst, "due_on", m.DueOn)
	dst = nullable(dst, "closed_at", m.ClosedAt)
	return append(dst, '}')
}

// field appends sep (an object's '{' or ',') and the member name: value.
func field(dst []byte, sep byte, name, value string) []byte {
	dst = append(append(append(dst, sep, '"'), name...), `":`...)
	return jsonappend.String(dst, value)
}

// nullable appends ,"name": and value, or null for nil.
func nullable(dst []byte, name string, value *string) []byte {
	dst = append(append(append(dst, `,"`...), name...), `":`...)
	if value == nil {
		return append(dst, "null"...)
	}
	return jsonappend.String(dst, *value)
}
