package githubsim

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/batonhq/baton/apisim/jsonappend"
)

// An issue's JSON is written by hand, field by field in the order of
// issueJSON's tags, as json.Marshal writes it: a full sync renders every
// GitHub issue two or three times (its listing, each of its events in the
// repository's event listing, its board page), and encoding/json's
// reflection over issueJSON was about half of that
// (TestIssueJSONIsWhatMarshalWrites and
// TestWrittenIssuesFollowEveryKindOfChange compare the two).

// appendIssueJSON appends renderIssue's JSON to dst, written straight from
// the issue (users and labels from fragments); callers hold s.mu. Nothing
// is kept between requests: written so, an issue costs less than finding
// a kept copy did, and keeping every issue's JSON (2.3 kB each) nearly
// doubled the simulator's memory. Bases or repository names that JSON
// would escape (never a real host's) take renderIssue's way, through
// encoding/json.
func (s *Server) appendIssueJSON(dst []byte, u urls, r *repo, ms []*milestoneJSON, is *issue) []byte {
	full := r.fullName()
	rel := s.relationsOf(r, is)
	if !jsonappend.Plain(u.api) || !jsonappend.Plain(u.html) || !jsonappend.Plain(full) {
		b, _ := json.Marshal(s.renderRelated(u, r, ms, is, rel)) // plain structs: cannot fail
		return append(dst, b...)
	}
	// The issue's API and HTML URLs and its number are written once and
	// copied from the page (appending part of dst to dst is safe, grown or
	// not) rather than built as strings for every issue.
	dst = append(dst, `{"url":"`...)
	apiAt := len(dst)
	dst = append(append(append(append(dst, u.api...), "/repos/"...), full...), "/issues/"...)
	numAt := len(dst)
	dst = strconv.AppendInt(dst, int64(is.Number), 10)
	apiEnd := len(dst)
	dst = append(append(dst, `","repository_url":"`...), dst[apiAt:numAt-len("/issues/")]...)
	dst = append(append(dst, `","labels_url":"`...), dst[apiAt:apiEnd]...)
	dst = append(append(dst, `/labels{/name}","comments_url":"`...), dst[apiAt:apiEnd]...)
	dst = append(append(dst, `/comments","events_url":"`...), dst[apiAt:apiEnd]...)
	dst = append(dst, `/events","html_url":"`...)
	kind := "/issues/"
	if is.PullRequest {
		kind = "/pull/"
	}
	htmlAt := len(dst)
	dst = append(append(append(append(append(dst, u.html...), '/'), full...), kind...), dst[numAt:apiEnd]...)
	htmlEnd := len(dst)
	dst = strconv.AppendInt(append(dst, `","id":`...), is.id, 10)
	dst = strconv.AppendInt(append(dst, `,"node_id":"I_`...), is.id, 10)
	dst = append(append(append(dst, `","number":`...), dst[numAt:apiEnd]...), `,"title":`...)
	dst = jsonappend.String(dst, is.Title)
	dst = append(append(dst, `,"user":`...), s.fragments.user(u, is.User)...)
	dst = append(dst, `,"labels":[`...)
	for i, l := range is.Labels {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, s.fragments.label(u, r, l)...)
	}
	dst = field(append(dst, ']'), ',', "state", is.State)
	dst = append(dst, `,"locked":false,"assignee":`...)
	if len(is.Assignees) == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, s.fragments.user(u, is.Assignees[0])...)
	}
	dst = append(dst, `,"assignees":[`...)
	for i, a := range is.Assignees {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, s.fragments.user(u, a)...)
	}
	dst = append(dst, `],"milestone":`...)
	if is.Milestone > 0 && is.Milestone <= len(ms) {
		dst = appendMilestone(dst, ms[is.Milestone-1])
	} else {
		dst = append(dst, "null"...)
	}
	dst = strconv.AppendInt(append(dst, `,"comments":`...), int64(len(is.Comments)), 10)
	dst = appendTime(append(dst, `,"created_at":`...), is.CreatedAt)
	dst = appendTime(append(dst, `,"updated_at":`...), is.UpdatedAt)
	dst = append(dst, `,"closed_at":`...)
	if is.ClosedAt.IsZero() {
		dst = append(dst, "null"...)
	} else {
		dst = appendTime(dst, is.ClosedAt)
	}
	dst = append(dst, `,"author_association":"MEMBER","active_lock_reason":null`...)
	dst = nullable(dst, "body", strPtr(is.Body))
	dst = append(append(append(dst, `,"timeline_url":"`...), dst[apiAt:apiEnd]...), `/timeline"`...)
	dst = nullable(dst, "state_reason", strPtr(is.StateReason))
	if is.PullRequest {
		dst = append(append(append(append(dst, `,"pull_request":{"url":"`...), u.api...), "/repos/"...), full...)
		dst = append(append(dst, "/pulls/"...), dst[numAt:apiEnd]...)
		dst = append(append(append(dst, `","html_url":"`...), dst[htmlAt:htmlEnd]...), `","diff_url":"`...)
		dst = append(append(append(dst, dst[htmlAt:htmlEnd]...), `.diff","patch_url":"`...), dst[htmlAt:htmlEnd]...)
		dst = append(dst, `.patch","merged_at":null}`...)
	}
	return appendRelations(dst, u, rel)
}

// appendComment appends u.comment(r, is, *c)'s JSON as json.Marshal writes
// it, the author from fragments; callers hold s.mu. Bases or repository
// names that JSON would escape take encoding/json's way.
func (s *Server) appendComment(dst []byte, u urls, r *repo, is *issue, c *Comment) []byte {
	if !jsonappend.Plain(u.api) || !jsonappend.Plain(u.html) || !jsonappend.Plain(r.full) {
		b, _ := json.Marshal(u.comment(r, is, *c)) // plain structs: cannot fail
		return append(dst, b...)
	}
	dst = append(append(append(append(dst, `{"url":"`...), u.api...), "/repos/"...), r.full...)
	dst = strconv.AppendInt(append(dst, "/issues/comments/"...), c.ID, 10)
	dst = append(append(append(append(dst, `","html_url":"`...), u.html...), '/'), r.full...)
	dst = strconv.AppendInt(append(dst, "/issues/"...), int64(is.Number), 10)
	dst = strconv.AppendInt(append(dst, "#issuecomment-"...), c.ID, 10)
	dst = append(append(append(append(dst, `","issue_url":"`...), u.api...), "/repos/"...), r.full...)
	dst = strconv.AppendInt(append(dst, "/issues/"...), int64(is.Number), 10)
	dst = strconv.AppendInt(append(dst, `","id":`...), c.ID, 10)
	dst = strconv.AppendInt(append(dst, `,"node_id":"IC_`...), c.ID, 10)
	dst = append(append(dst, `","user":`...), s.fragments.user(u, c.User)...)
	dst = appendTime(append(dst, `,"created_at":`...), c.CreatedAt)
	dst = appendTime(append(dst, `,"updated_at":`...), c.UpdatedAt)
	dst = field(append(dst, `,"author_association":"MEMBER"`...), ',', "body", c.Body)
	return append(dst, '}')
}

// appendRelations appends the issue's dependency and sub-issue summaries
// and its parent's URL, and closes it.
func appendRelations(dst []byte, u urls, rel relations) []byte {
	d, sub := rel.deps, rel.subs
	dst = strconv.AppendInt(append(dst, `,"issue_dependencies_summary":{"blocked_by":`...), int64(d.BlockedBy), 10)
	dst = strconv.AppendInt(append(dst, `,"blocking":`...), int64(d.Blocking), 10)
	dst = strconv.AppendInt(append(dst, `,"total_blocked_by":`...), int64(d.TotalBlockedBy), 10)
	dst = strconv.AppendInt(append(dst, `,"total_blocking":`...), int64(d.TotalBlocking), 10)
	dst = strconv.AppendInt(append(dst, `},"sub_issues_summary":{"total":`...), int64(sub.Total), 10)
	dst = strconv.AppendInt(append(dst, `,"completed":`...), int64(sub.Completed), 10)
	dst = strconv.AppendInt(append(dst, `,"percent_completed":`...), int64(sub.PercentCompleted), 10)
	dst = append(dst, `},"parent_issue_url":`...)
	if rel.parent.Repo == "" {
		return append(dst, "null}"...)
	}
	// the repository of the parent: a name JSON may escape
	dst = jsonappend.String(dst, u.api+"/repos/"+rel.parent.Repo+"/issues/"+strconv.Itoa(rel.parent.Number))
	return append(dst, '}')
}

// appendEvent appends u.event(r, *e)'s JSON as json.Marshal writes it,
// the actor from fragments; callers hold s.mu. Bases or repository names
// that JSON would escape take encoding/json's way.
func (s *Server) appendEvent(dst []byte, u urls, r *repo, e *Event) []byte {
	if !jsonappend.Plain(u.api) || !jsonappend.Plain(r.full) {
		b, _ := json.Marshal(u.event(r, *e)) // plain structs: cannot fail
		return append(dst, b...)
	}
	dst = strconv.AppendInt(append(dst, `{"id":`...), e.ID, 10)
	dst = strconv.AppendInt(append(dst, `,"node_id":"E_`...), e.ID, 10)
	dst = append(append(append(append(dst, `","url":"`...), u.api...), "/repos/"...), r.full...)
	dst = strconv.AppendInt(append(dst, "/issues/events/"...), e.ID, 10)
	dst = append(append(dst, `","actor":`...), s.fragments.user(u, e.Actor)...)
	dst = field(dst, ',', "event", e.Event)
	dst = appendTime(append(dst, `,"commit_id":null,"commit_url":null,"created_at":`...), e.CreatedAt)
	if e.Label != "" { // a map: its keys sorted
		dst = field(append(dst, `,"label":`...), '{', "color", labelColor(e.Label))
		dst = append(field(dst, ',', "name", e.Label), '}')
	}
	return append(dst, '}')
}

// appendTime appends ts(t) as a JSON string.
func appendTime(dst []byte, t time.Time) []byte {
	return append(t.UTC().AppendFormat(append(dst, '"'), time.RFC3339), '"')
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

// fragments are the JSON of the users and labels rendered so far, by
// request base: an issue's own fields are written straight into the page,
// but every issue repeats the same few users and labels. Every request of
// a sync has the same base, so the last base's are found without hashing
// it again for every user and label.
type fragments struct {
	mu    sync.Mutex
	bases map[urls]*baseFragments
	last  *baseFragments
	n     int // fragments kept, over all bases
}

// baseFragments are the fragments rendered for one request base.
type baseFragments struct {
	u      urls
	users  map[string][]byte
	labels map[labelKey][]byte
}

// labelKey names one of a repository's labels.
type labelKey struct {
	r    *repo
	name string
}

// maxFragments bounds what is kept: bases, users and labels are few, but a
// client chooses the Host it sends.
const maxFragments = 10_000

func (f *fragments) user(u urls, login string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.base(u)
	if v, ok := b.users[login]; ok {
		return v
	}
	j := u.user(login)
	v := appendUser(nil, &j)
	b.users[login] = v
	f.n++
	return v
}

func (f *fragments) label(u urls, r *repo, name string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.base(u)
	k := labelKey{r, name}
	if v, ok := b.labels[k]; ok {
		return v
	}
	j := u.label(r, name)
	v := appendLabel(nil, &j)
	b.labels[k] = v
	f.n++
	return v
}

// base returns the fragments of u, starting afresh when too many are kept;
// callers hold f.mu.
func (f *fragments) base(u urls) *baseFragments {
	if f.n >= maxFragments {
		f.bases, f.last, f.n = nil, nil, 0
	}
	if f.last != nil && f.last.u == u {
		return f.last
	}
	if f.bases == nil {
		f.bases = map[urls]*baseFragments{}
	}
	b, ok := f.bases[u]
	if !ok {
		b = &baseFragments{u: u, users: map[string][]byte{}, labels: map[labelKey][]byte{}}
		f.bases[u] = b
		f.n++
	}
	f.last = b
	return b
}
