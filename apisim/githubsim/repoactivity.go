package githubsim

import (
	"cmp"
	"iter"
	"net/http"
	"slices"
	"strings"
	"time"
)

// listRepoEvents is GET /repos/{owner}/{repo}/issues/events ("List issue
// events for a repository",
// https://docs.github.com/en/rest/issues/events#list-issue-events-for-a-repository):
// the events of every issue and pull request of the repository, each with
// its issue (the issue-event schema's "issue", a nullable-issue, in
// github/rest-api-description), paged by per_page (max 100) and page; no
// since, no sort. GitHub documents no order; this one
// serves them by id, newest id first, and the generator's ids do not follow
// the events' times, so a client cannot lean on an order either.
func (s *Server) listRepoEvents(w http.ResponseWriter, r *http.Request) {
	s.withRepoIssues(w, r, "https://docs.github.com/rest/issues/events#list-issue-events-for-a-repository", func(u urls, rp *repo) {
		ms := u.milestones(rp)
		writeAppendedPage(w, r, u, rp.issueEvents(), func(dst []byte, x issueEvent) []byte {
			// as GitHub's: the event's fields, then its issue
			dst = s.appendEvent(dst, u, rp, x.e)
			dst = append(dst[:len(dst)-1], `,"issue":`...)
			return append(s.appendIssueJSON(dst, u, rp, ms, x.is), '}')
		})
	})
}

// issueEvent is an event and the issue it happened to.
type issueEvent struct {
	is *issue
	e  *Event
}

// issueEvents returns the events of r's live issues, newest id first;
// callers hold the server's read lock. The result is kept until r changes,
// for a sync pages through all of them: callers must not modify it.
func (r *repo) issueEvents() []issueEvent {
	r.cacheMu.Lock()
	defer r.cacheMu.Unlock()
	if r.events == nil {
		r.events = []issueEvent{}
		for is := range liveIssues(r) {
			for i := range is.Events {
				r.events = append(r.events, issueEvent{is, &is.Events[i]})
			}
		}
		slices.SortFunc(r.events, func(a, b issueEvent) int { return cmp.Compare(b.e.ID, a.e.ID) })
	}
	return r.events
}

// listRepoComments is GET /repos/{owner}/{repo}/issues/comments ("List
// issue comments for a repository",
// https://docs.github.com/en/rest/issues/comments#list-issue-comments-for-a-repository):
// the comments on every issue and pull request; since keeps those updated at
// or after it; sort created (the default) or updated, direction asc or desc
// (ignored without sort, which lists by id ascending).
func (s *Server) listRepoComments(w http.ResponseWriter, r *http.Request) {
	since, ok := parseSince(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	sortBy, dir := q.Get("sort"), cmp.Or(q.Get("direction"), "desc")
	if !slices.Contains([]string{"", "created", "updated"}, sortBy) || !slices.Contains([]string{"asc", "desc"}, dir) {
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed", docsIssues)
		return
	}
	s.withRepoIssues(w, r, "https://docs.github.com/rest/issues/comments#list-issue-comments-for-a-repository", func(u urls, rp *repo) {
		writeAppendedPage(w, r, u, rp.issueComments(since, sortBy, dir), func(dst []byte, x issueComment) []byte {
			return s.appendComment(dst, u, rp, x.is, x.c)
		})
	})
}

// issueComment is a comment and the issue it is on.
type issueComment struct {
	is *issue
	c  *Comment
}

// issueComments returns the comments of r's live issues updated at or
// after since, in the order sortBy and dir ask; callers hold the server's
// read lock. The result is kept until r changes or other filters are
// asked, for a sync pages through one listing: callers must not modify it.
func (r *repo) issueComments(since time.Time, sortBy, dir string) []issueComment {
	by := strings.Join([]string{since.UTC().Format(time.RFC3339Nano), sortBy, dir}, "\x00")
	r.cacheMu.Lock()
	defer r.cacheMu.Unlock()
	if r.comments != nil && r.commentsBy == by {
		return r.comments
	}
	all := []issueComment{}
	for is := range liveIssues(r) {
		for i := range is.Comments {
			if !is.Comments[i].UpdatedAt.Before(since) {
				all = append(all, issueComment{is, &is.Comments[i]})
			}
		}
	}
	slices.SortFunc(all, func(a, b issueComment) int {
		byID := cmp.Compare(a.c.ID, b.c.ID)
		switch sortBy {
		case "created":
			return cmp.Or(a.c.CreatedAt.Compare(b.c.CreatedAt), byID)
		case "updated":
			return cmp.Or(a.c.UpdatedAt.Compare(b.c.UpdatedAt), byID)
		}
		return byID
	})
	if sortBy != "" && dir == "desc" {
		slices.Reverse(all)
	}
	r.comments, r.commentsBy = all, by
	return all
}

// liveIssues are rp's issues and pull requests, but those deleted or
// transferred away; callers hold s.mu.
func liveIssues(rp *repo) iter.Seq[*issue] {
	return func(yield func(*issue) bool) {
		for _, is := range rp.issues {
			if !is.deleted && is.movedTo.Repo == "" && !yield(is) {
				return
			}
		}
	}
}

// withRepoIssues serves the repository in the path with serve, under s.mu,
// or answers 404, or 410 when its issues are off.
func (s *Server) withRepoIssues(w http.ResponseWriter, r *http.Request, docs string, serve func(u urls, rp *repo)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rp, err := s.repo(r.PathValue("owner") + "/" + r.PathValue("repo"))
	switch {
	case err != nil:
		writeError(w, http.StatusNotFound, "Not Found", docs)
	case rp.noIssues:
		writeError(w, http.StatusGone, "Issues are disabled for this repo", docs)
	default:
		serve(requestURLs(r, s.opts.HTMLBase), rp)
	}
}
