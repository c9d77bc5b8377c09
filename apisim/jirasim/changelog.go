package jirasim

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/batonhq/baton/apisim/jsonappend"
)

// lookup finds an issue by key or numeric id. The caller holds s.mu.
func (s *Server) lookup(keyOrID string) *record {
	if r, ok := s.issues[keyOrID]; ok {
		return r
	}
	id, err := strconv.Atoi(keyOrID)
	if err != nil {
		return nil
	}
	return s.byID[id]
}

// writeIssue answers with what render makes, under s.mu, of the issue in the
// path, or with Jira's 404 when there is none.
func (s *Server) writeIssue(w http.ResponseWriter, r *http.Request, render func(*record) any) {
	s.mu.RLock()
	rec := s.lookup(r.PathValue("key"))
	var out any
	if rec != nil {
		out = render(rec)
	}
	s.mu.RUnlock()
	if rec == nil {
		writeError(w, http.StatusNotFound, "Issue does not exist or you do not have permission to see it.")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// serveIssue is GET /rest/api/2/issue/{key}: all fields unless named;
// expand=changelog embeds the same truncated changelog as search.
func (s *Server) serveIssue(w http.ResponseWriter, r *http.Request) {
	rd := s.renderer(r)
	q := r.URL.Query()
	embedded := 0
	if p := (&searchParams{expand: q.Get("expand")}); p.changelog() {
		embedded = s.opts.EmbeddedHistories
	}
	s.writeIssue(w, r, func(rec *record) any {
		return rd.issue(rec, parseFields(q["fields"], false), embedded)
	})
}

// serveChangelog is Cloud's GET /rest/api/2/issue/{key}/changelog: the
// complete history, oldest first, paged by startAt (at most 100 a page). Data
// Center has no such resource and answers as for any unknown path
// (atlassian-python-api#1396).
func (s *Server) serveChangelog(w http.ResponseWriter, r *http.Request) {
	if s.opts.Deployment != Cloud {
		writeNoResource(w, r)
		return
	}
	rd := s.renderer(r)
	q := r.URL.Query()
	start, _ := strconv.Atoi(q.Get("startAt"))
	size, _ := strconv.Atoi(q.Get("maxResults"))
	if size <= 0 || size > 100 {
		size = 100
	}
	s.writeIssue(w, r, func(rec *record) any {
		hs := rec.Histories
		start = min(max(start, 0), len(hs))
		end := min(start+size, len(hs))
		return map[string]any{
			"self": rd.base + r.URL.RequestURI(), "startAt": start, "maxResults": size, "total": len(hs),
			"isLast": end == len(hs), "values": rd.histories(hs[start:end]),
		}
	})
}

// serveBulkChangelog is Cloud's POST /rest/api/3/changelog/bulkfetch: the
// complete histories of up to 1000 issues, paged by nextPageToken over all
// their histories together. Its answer is the Cloud platform OpenAPI's
// BulkChangelogResponseBean (developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues,
// "Bulk fetch changelogs"): issueChangeLogs of issueId and changeHistories,
// and nextPageToken, null on the last page, which leaving it out decodes as.
// Jira orders the histories by date and issue id; this simulator keeps the
// order of issueIdsOrKeys.
func (s *Server) serveBulkChangelog(w http.ResponseWriter, r *http.Request) {
	if s.opts.Deployment != Cloud {
		writeNoResource(w, r)
		return
	}
	var body struct {
		IssueIDsOrKeys []string `json:"issueIdsOrKeys"`
		MaxResults     int      `json:"maxResults"`
		NextPageToken  string   `json:"nextPageToken"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.IssueIDsOrKeys) == 0 || len(body.IssueIDsOrKeys) > 1000 {
		writeError(w, http.StatusBadRequest, "issueIdsOrKeys must name between 1 and 1000 issues.")
		return
	}
	size := body.MaxResults
	if size <= 0 || size > s.opts.BulkChangelogCap {
		size = s.opts.BulkChangelogCap
	}
	skip, ok := pageStart(w, body.NextPageToken)
	if !ok {
		return
	}
	rd := s.renderer(r)
	buf := bodies.Get().(*[]byte)
	defer bodies.Put(buf)
	// {"issueChangeLogs":[{"changeHistories":…,"issueId":…},…],"nextPageToken":…}:
	// the members in a map's sorted order, written straight into the body.
	out := append((*buf)[:0], `{"issueChangeLogs":[`...)
	s.mu.RLock()
	seen, taken, logs := 0, 0, 0
	more := false
	for _, k := range body.IssueIDsOrKeys {
		rec := s.lookup(k)
		if rec == nil {
			continue
		}
		hs := rec.Histories
		from := min(max(skip-seen, 0), len(hs))
		seen += len(hs)
		if from == len(hs) {
			continue
		}
		if taken == size {
			more = true
			break
		}
		to := min(from+size-taken, len(hs))
		taken += to - from
		if logs++; logs > 1 {
			out = append(out, ',')
		}
		out = rd.appendHistories(append(out, `{"changeHistories":`...), hs[from:to])
		out = append(jsonappend.String(append(out, `,"issueId":`...), strconv.Itoa(rec.ID)), '}')
		if to < len(hs) {
			more = true
			break
		}
	}
	s.mu.RUnlock()
	out = append(out, ']')
	if more {
		out = jsonappend.String(append(out, `,"nextPageToken":`...), encodeToken(skip+taken))
	}
	*buf = append(out, "}\n"...)
	writeBody(w, http.StatusOK, *buf)
}
