package githubsim

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

const docsIssues = "https://docs.github.com/rest/issues/issues"

func (s *Server) getRateLimit(w http.ResponseWriter, r *http.Request) {
	token, _ := s.authenticate(r)
	s.ctlMu.Lock()
	q := s.quota(token)
	core := map[string]any{"limit": s.opts.Quota, "used": q.used, "remaining": s.opts.Quota - q.used,
		"reset": q.reset.Unix(), "resource": "core"}
	s.ctlMu.Unlock()
	writeJSON(w, map[string]any{"resources": map[string]any{"core": core}, "rate": core})
}

func (s *Server) listOrgRepos(w http.ResponseWriter, r *http.Request) {
	org := r.PathValue("org")
	s.mu.RLock()
	defer s.mu.RUnlock()
	var repos []*repo
	for _, rp := range s.repoOrder {
		if strings.EqualFold(rp.owner, org) {
			repos = append(repos, rp)
		}
	}
	if len(repos) == 0 {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/repos/repos#list-organization-repositories")
		return
	}
	u := requestURLs(r, s.opts.HTMLBase)
	writePage(w, r, u, repos, u.repo)
}

func (s *Server) getRepo(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rp, err := s.repo(r.PathValue("owner") + "/" + r.PathValue("repo"))
	if err != nil {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/repos/repos#get-a-repository")
		return
	}
	writeJSON(w, requestURLs(r, s.opts.HTMLBase).repo(rp))
}

// listIssues is GET /repos/{owner}/{repo}/issues: state (default open),
// since (updated at or after), labels (all of), sort, direction, paging.
func (s *Server) listIssues(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := cmp.Or(q.Get("state"), "open")
	sortBy := cmp.Or(q.Get("sort"), "created")
	dir := cmp.Or(q.Get("direction"), "desc")
	since, ok := parseSince(w, r)
	if !ok {
		return
	}
	if !slices.Contains([]string{"open", "closed", "all"}, state) ||
		!slices.Contains([]string{"created", "updated", "comments"}, sortBy) ||
		!slices.Contains([]string{"asc", "desc"}, dir) {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed", docsIssues)
		return
	}
	var labels []string
	if v := q.Get("labels"); v != "" {
		labels = strings.Split(v, ",")
	}

	s.withRepoIssues(w, r, docsIssues+"#list-repository-issues", func(u urls, rp *repo) {
		match := filterIssues(rp, state, since, labels, sortBy)
		if sortBy != "updated" || dir == "desc" {
			match = slices.Clone(match) // sorted or reversed below
		}
		if sortBy != "updated" {
			slices.SortStableFunc(match, func(a, b *issue) int {
				if sortBy == "comments" {
					return cmp.Or(cmp.Compare(len(a.Comments), len(b.Comments)), cmp.Compare(a.Number, b.Number))
				}
				return cmp.Compare(a.Number, b.Number)
			})
		}
		if dir == "desc" {
			slices.Reverse(match)
		}
		ms := u.milestones(rp)
		writeAppendedPage(w, r, u, match, func(dst []byte, is *issue) []byte { return s.appendIssueJSON(dst, u, rp, ms, is) })
	})
}

// filterIssues returns the issues of rp listed for the filters, in
// (updated_at, number) order when sortBy is "updated", else in number order.
// The result is shared with later calls for the same filters until rp
// changes: callers must not modify it.
func filterIssues(rp *repo, state string, since time.Time, labels []string, sortBy string) []*issue {
	by := strings.Join([]string{state, since.UTC().Format(time.RFC3339Nano), strings.Join(labels, ","), sortBy}, "\x00")
	rp.cacheMu.Lock()
	if rp.listedBy == by && rp.listed != nil {
		defer rp.cacheMu.Unlock()
		return rp.listed
	}
	rp.cacheMu.Unlock()
	match := filterAll(rp, state, since, labels, sortBy)
	rp.cacheMu.Lock()
	defer rp.cacheMu.Unlock()
	rp.listed, rp.listedBy = match, by
	return match
}

func filterAll(rp *repo, state string, since time.Time, labels []string, sortBy string) []*issue {
	all := rp.issues
	if sortBy == "updated" {
		all = rp.updatedOrder()
		first, _ := slices.BinarySearchFunc(all, since, func(is *issue, t time.Time) int {
			if is.UpdatedAt.Before(t) {
				return -1
			}
			return 1
		})
		all = all[first:]
	}
	match := make([]*issue, 0, len(all))
	for _, is := range all {
		if is.deleted || is.movedTo.Repo != "" || (state != "all" && is.State != state) ||
			is.UpdatedAt.Before(since) || !hasAll(is.Labels, labels) {
			continue
		}
		match = append(match, is)
	}
	return match
}

func hasAll(have, want []string) bool {
	for _, l := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, strings.TrimSpace(l)) }) {
			return false
		}
	}
	return true
}

// issueAt resolves the issue in the path, answering 404, 410 (deleted) or
// 301 (transferred) itself when it is not here; callers hold s.mu.
func (s *Server) issueAt(w http.ResponseWriter, r *http.Request) (*repo, *issue, bool) {
	n, err := strconv.Atoi(r.PathValue("number"))
	ref := IssueRef{Repo: r.PathValue("owner") + "/" + r.PathValue("repo"), Number: n}
	var rp *repo
	var is *issue
	if err == nil {
		rp, is, err = s.lookup(ref)
	}
	switch {
	case err != nil:
		writeError(w, http.StatusNotFound, "Not Found", docsIssues+"#get-an-issue")
		return nil, nil, false
	case is.deleted:
		writeError(w, http.StatusGone, "This issue was deleted", docsIssues+"#get-an-issue")
		return nil, nil, false
	case is.movedTo.Repo != "":
		u := requestURLs(r, s.opts.HTMLBase)
		var rest string // what follows the number, e.g. "/comments"
		if parts := strings.SplitN(r.URL.Path, "/", 7); len(parts) == 7 {
			rest = "/" + parts[6]
		}
		loc := fmt.Sprintf("%s/repos/%s/issues/%d%s", u.api, is.movedTo.Repo, is.movedTo.Number, rest)
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", loc)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusMovedPermanently)
		writeJSON(w, map[string]string{"message": "Moved Permanently", "url": loc, "documentation_url": docsIssues + "#get-an-issue"})
		return nil, nil, false
	}
	return rp, is, true
}

// withIssue serves the issue in the path with serve, under s.mu, unless
// issueAt has answered that it is not here.
func (s *Server) withIssue(w http.ResponseWriter, r *http.Request, serve func(u urls, rp *repo, is *issue)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rp, is, ok := s.issueAt(w, r)
	if !ok {
		return
	}
	serve(requestURLs(r, s.opts.HTMLBase), rp, is)
}

func (s *Server) getIssue(w http.ResponseWriter, r *http.Request) {
	s.withIssue(w, r, func(u urls, rp *repo, is *issue) {
		w.Header().Set("Content-Type", jsonContentType)
		_, _ = w.Write(append(s.appendIssueJSON(nil, u, rp, u.milestones(rp), is), '\n')) // as writeJSON's json.Encoder ends it
	})
}

// listComments is GET …/issues/{n}/comments: oldest first, since filters on
// updated_at.
func (s *Server) listComments(w http.ResponseWriter, r *http.Request) {
	since, ok := parseSince(w, r)
	if !ok {
		return
	}
	s.withIssue(w, r, func(u urls, rp *repo, is *issue) {
		var cs []Comment
		for _, c := range is.Comments {
			if !c.UpdatedAt.Before(since) {
				cs = append(cs, c)
			}
		}
		writePage(w, r, u, cs, func(c Comment) commentJSON { return u.comment(rp, is, c) })
	})
}

// parseSince reads the since parameter, answering 422 itself when it is not
// a timestamp; no since is the zero time.
func parseSince(w http.ResponseWriter, r *http.Request) (time.Time, bool) {
	v := r.URL.Query().Get("since")
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed: since is not an ISO 8601 timestamp", docsIssues)
		return time.Time{}, false
	}
	return t, true
}

// listEvents is GET …/issues/{n}/events, oldest first.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	s.withIssue(w, r, func(u urls, rp *repo, is *issue) {
		writePage(w, r, u, is.Events, func(e Event) eventJSON { return u.event(rp, e) })
	})
}

// listTimeline is GET …/issues/{n}/timeline: the issue's comments (as
// "commented" events) and events together, oldest first. Like GitHub's it
// takes no since: every call lists the whole history.
func (s *Server) listTimeline(w http.ResponseWriter, r *http.Request) {
	s.withIssue(w, r, func(u urls, rp *repo, is *issue) {
		writePage(w, r, u, timeline(is), func(e timelineItem) any {
			if e.comment != nil {
				return u.commented(rp, is, *e.comment)
			}
			return u.event(rp, *e.event)
		})
	})
}

// timelineItem is a comment or an event of an issue's timeline.
type timelineItem struct {
	at      time.Time
	id      int64
	comment *Comment
	event   *Event
}

// timeline is the issue's comments and events, oldest first.
func timeline(is *issue) []timelineItem {
	all := make([]timelineItem, 0, len(is.Comments)+len(is.Events))
	for i := range is.Comments {
		all = append(all, timelineItem{at: is.Comments[i].CreatedAt, id: is.Comments[i].ID, comment: &is.Comments[i]})
	}
	for i := range is.Events {
		all = append(all, timelineItem{at: is.Events[i].CreatedAt, id: is.Events[i].ID, event: &is.Events[i]})
	}
	slices.SortStableFunc(all, func(a, b timelineItem) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.id, b.id)) })
	return all
}

func (s *Server) listBlockedBy(w http.ResponseWriter, r *http.Request) {
	s.listRelated(w, r, func(is *issue) []IssueRef { return is.BlockedBy })
}

func (s *Server) listSubIssues(w http.ResponseWriter, r *http.Request) {
	s.listRelated(w, r, func(is *issue) []IssueRef { return is.SubIssues })
}

// listRelated lists, as issues, the existing issues that related names for
// the issue in the path (following transfers, which may cross repositories).
func (s *Server) listRelated(w http.ResponseWriter, r *http.Request, related func(*issue) []IssueRef) {
	s.withIssue(w, r, func(u urls, _ *repo, is *issue) {
		type found struct {
			repo  *repo
			issue *issue
		}
		var all []found
		for _, ref := range related(is) {
			if rp, ri, ok := s.live(ref); ok {
				all = append(all, found{rp, ri})
			}
		}
		ms := map[*repo][]*milestoneJSON{}
		writeAppendedPage(w, r, u, all, func(dst []byte, f found) []byte {
			if _, ok := ms[f.repo]; !ok {
				ms[f.repo] = u.milestones(f.repo)
			}
			return s.appendIssueJSON(dst, u, f.repo, ms[f.repo], f.issue)
		})
	})
}
