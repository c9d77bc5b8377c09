package jirasim

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/batonhq/baton/apisim/fault"
	"github.com/batonhq/baton/apisim/jsonappend"
)

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux().ServeHTTP(w, r)
}

func (s *Server) mux() *http.ServeMux {
	s.muxOnce.Do(func() {
		m := http.NewServeMux()
		m.HandleFunc("GET /rest/api/2/myself", s.api(EndpointMyself, s.serveMyself))
		m.HandleFunc("GET /rest/api/2/field", s.api(EndpointField, s.serveFields))
		for _, v := range []string{"2", "3"} {
			p := "/rest/api/" + v
			m.HandleFunc("GET "+p+"/search", s.api(EndpointSearch, s.serveLegacySearch))
			m.HandleFunc("POST "+p+"/search", s.api(EndpointSearch, s.serveLegacySearch))
			m.HandleFunc("GET "+p+"/search/jql", s.api(EndpointSearchJQL, s.serveSearchJQL))
			m.HandleFunc("POST "+p+"/search/jql", s.api(EndpointSearchJQL, s.serveSearchJQL))
			m.HandleFunc("GET "+p+"/issue/{key}", s.api(EndpointIssue, s.serveIssue))
			m.HandleFunc("GET "+p+"/issue/{key}/changelog", s.api(EndpointChangelog, s.serveChangelog))
		}
		m.HandleFunc("POST /rest/api/3/changelog/bulkfetch", s.api(EndpointBulkChangelog, s.serveBulkChangelog))
		m.HandleFunc("POST /rest/api/2/changelog/bulkfetch", s.api(EndpointBulkChangelog, s.serveBulkChangelog))
		m.HandleFunc("POST /_sim/mutate", s.serveMutate)
		m.HandleFunc("POST /_sim/fault", s.serveFault)
		m.HandleFunc("GET /_sim/requests", s.serveRequests)
		m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			writeNoResource(w, r)
		})
		s.handler = m
	})
	return s.handler
}

// api wraps an endpoint with counting, faults and authentication.
func (s *Server) api(endpoint string, h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fault.Serve(s.count(endpoint), w, r, fail, func(w http.ResponseWriter) {
			if !s.authorised(r) {
				writeError(w, http.StatusUnauthorized, "You are not authenticated. Authentication required to perform this operation.")
				return
			}
			h(w, r)
		})
	}
}

func (s *Server) authorised(r *http.Request) bool {
	if s.opts.Token == "" {
		return false
	}
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	if u, p, ok := r.BasicAuth(); ok {
		login := s.opts.Email
		if s.opts.Deployment == DataCenter {
			login = s.opts.Username
		}
		return eq(u, login) && eq(p, s.opts.Token)
	}
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && (s.opts.Deployment == DataCenter || s.opts.AcceptBearer) && eq(tok, s.opts.Token)
}

func (s *Server) renderer(r *http.Request) renderer {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return renderer{s: s, base: scheme + "://" + r.Host}
}

func (s *Server) serveMyself(w http.ResponseWriter, r *http.Request) {
	u := map[string]any{
		"self": s.renderer(r).base + "/rest/api/2/myself", "displayName": s.opts.Email, "emailAddress": s.opts.Email,
		"active": true, "timeZone": s.opts.TimeZone, "locale": "en_US",
	}
	if s.opts.Deployment == Cloud {
		u["accountId"], u["accountType"] = "self", "atlassian"
	} else {
		u["name"], u["key"] = "self", "self"
	}
	writeJSON(w, http.StatusOK, u)
}

// serveFields lists system fields, the sprint field, and a decoy text field
// also named "Sprint" so that only discovery by schema finds the right one.
func (s *Server) serveFields(w http.ResponseWriter, r *http.Request) {
	sys := func(id, name, typ string) map[string]any {
		return map[string]any{"id": id, "key": id, "name": name, "custom": false, "navigable": true, "searchable": true,
			"clauseNames": []string{id}, "schema": map[string]any{"type": typ, "system": id}}
	}
	custom := func(id, name, typ, items, custom string) map[string]any {
		n, _ := strconv.Atoi(strings.TrimPrefix(id, "customfield_"))
		schema := map[string]any{"type": typ, "custom": custom, "customId": n}
		if items != "" {
			schema["items"] = items
		}
		return map[string]any{"id": id, "key": id, "name": name, "custom": true, "navigable": true, "searchable": true,
			"clauseNames": []string{"cf[" + strconv.Itoa(n) + "]", name}, "schema": schema}
	}
	decoy := "customfield_10099"
	if decoy == s.opts.SprintField {
		decoy = "customfield_10098"
	}
	fields := []any{
		sys("summary", "Summary", "string"), sys("status", "Status", "status"), sys("priority", "Priority", "priority"),
		sys("assignee", "Assignee", "user"), sys("duedate", "Due date", "date"), sys("resolution", "Resolution", "resolution"),
		sys("resolutiondate", "Resolved", "datetime"), sys("created", "Created", "datetime"), sys("updated", "Updated", "datetime"),
		sys("labels", "Labels", "array"), sys("components", "Components", "array"), sys("comment", "Comment", "comments-page"),
		sys("issuelinks", "Linked Issues", "array"), sys("description", "Description", "string"),
		custom(decoy, "Sprint", "string", "", "com.atlassian.jira.plugin.system.customfieldtypes:textfield"),
		custom("customfield_10016", "Story point estimate", "number", "", "com.pyxis.greenhopper.jira:jsw-story-points"),
		custom(s.opts.SprintField, "Sprint", "array", "json", "com.pyxis.greenhopper.jira:gh-sprint"),
		sys("parent", "Parent", "issuelink"),
	}
	if s.opts.Deployment == DataCenter {
		fields = append(fields, custom(s.opts.EpicLinkField, "Epic Link", "any", "", "com.pyxis.greenhopper.jira:gh-epic-link"))
	}
	writeJSON(w, http.StatusOK, fields)
}

// searchParams are the parameters of either search, from the query or a POST body.
type searchParams struct {
	JQL           string          `json:"jql"`
	StartAt       int             `json:"startAt"`
	MaxResults    int             `json:"maxResults"`
	NextPageToken string          `json:"nextPageToken"`
	Fields        []string        `json:"fields"`
	Expand        json.RawMessage `json:"expand"` // a string (Cloud) or a list (Data Center)
	expand        string
}

// readSearchParams reads the search's parameters, answering 400 itself when
// they are not valid.
func readSearchParams(w http.ResponseWriter, r *http.Request) (*searchParams, bool) {
	p, err := parseSearchParams(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return nil, false
	}
	return p, true
}

func parseSearchParams(r *http.Request) (*searchParams, error) {
	p := &searchParams{}
	if r.Method == http.MethodPost {
		if err := json.NewDecoder(r.Body).Decode(p); err != nil {
			return nil, errors.New("Invalid request payload. Refer to the REST API documentation and try again.")
		}
		var one string
		var many []string
		if json.Unmarshal(p.Expand, &one) == nil {
			p.expand = one
		} else if json.Unmarshal(p.Expand, &many) == nil {
			p.expand = strings.Join(many, ",")
		}
		return p, nil
	}
	q := r.URL.Query()
	p.JQL, p.NextPageToken, p.Fields, p.expand = q.Get("jql"), q.Get("nextPageToken"), q["fields"], q.Get("expand")
	for name, dst := range map[string]*int{"startAt": &p.StartAt, "maxResults": &p.MaxResults} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, errors.New("The value '" + v + "' is invalid for the parameter '" + name + "'.")
			}
			*dst = n
		}
	}
	return p, nil
}

func (p *searchParams) changelog() bool {
	return strings.Contains(p.expand, "changelog")
}

// serveLegacySearch is /rest/api/2/search: removed on Cloud, paged by startAt
// with a total on Data Center.
func (s *Server) serveLegacySearch(w http.ResponseWriter, r *http.Request) {
	if s.opts.Deployment == Cloud {
		writeError(w, http.StatusGone, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046")
		return
	}
	if strings.HasPrefix(r.URL.Path, "/rest/api/3/") {
		writeNoResource(w, r)
		return
	}
	p, ok := readSearchParams(w, r)
	if !ok {
		return
	}
	hits, err := s.search(p.JQL, true, 0) // total needs them all
	if err != nil {
		writeSearchError(w, err)
		return
	}
	size := p.MaxResults
	if size == 0 {
		size = 50
	}
	size = min(size, s.opts.PageCap)
	start := min(p.StartAt, len(hits))
	page := hits[start:min(start+size, len(hits))]
	// {"expand":…,"issues":[…],"maxResults":…,"startAt":…,"total":…}: a
	// map's members in sorted order, the issues written in place.
	buf := s.renderPage(r, `{"expand":"schema,names","issues":`, page, parseFields(p.Fields, false), p.changelog())
	defer bodies.Put(buf)
	out := strconv.AppendInt(append(*buf, `,"maxResults":`...), int64(size), 10)
	out = strconv.AppendInt(append(out, `,"startAt":`...), int64(start), 10)
	*buf = append(strconv.AppendInt(append(out, `,"total":`...), int64(len(hits)), 10), "}\n"...)
	writeBody(w, http.StatusOK, *buf)
}

// serveSearchJQL is Cloud's enhanced search: nextPageToken and isLast, no
// total, ids only unless fields are named, pages capped whatever is asked
// (at PageCap, or KeyPageCap when only ids and keys are asked for).
func (s *Server) serveSearchJQL(w http.ResponseWriter, r *http.Request) {
	if s.opts.Deployment != Cloud {
		writeNoResource(w, r)
		return
	}
	p, ok := readSearchParams(w, r)
	if !ok {
		return
	}
	start, ok := pageStart(w, p.NextPageToken)
	if !ok {
		return
	}
	fs := parseFields(p.Fields, true)
	size, limit := p.MaxResults, s.opts.PageCap
	if fs.keysOnly() {
		limit = s.opts.KeyPageCap
	}
	if size == 0 {
		size = 50
	}
	size = min(size, limit)
	hits, err := s.search(p.JQL, false, start+size+1) // the page and whether one follows
	if err != nil {
		writeSearchError(w, err)
		return
	}
	start = min(start, len(hits))
	end := min(start+size, len(hits))
	// {"isLast":…,"issues":[…],"nextPageToken":…}: a map's members in
	// sorted order, the issues written in place.
	last := end == len(hits)
	buf := s.renderPage(r, `{"isLast":`+strconv.FormatBool(last)+`,"issues":`, hits[start:end], fs, p.changelog())
	defer bodies.Put(buf)
	out := *buf
	if !last {
		out = jsonappend.String(append(out, `,"nextPageToken":`...), encodeToken(end))
	}
	*buf = append(out, "}\n"...)
	writeBody(w, http.StatusOK, *buf)
}

// renderPage appends head, then the JSON array of the page's issues, to a
// buffer of bodies, which the caller puts back when it has written it.
func (s *Server) renderPage(r *http.Request, head string, page []*record, fs fieldSet, changelog bool) *[]byte {
	embedded := 0
	if changelog {
		embedded = s.opts.EmbeddedHistories
	}
	rd := s.renderer(r)
	fields := rd.fieldsOf(fs)
	s.mu.RLock()
	defer s.mu.RUnlock()
	buf := bodies.Get().(*[]byte)
	out := append(append((*buf)[:0], head...), '[')
	for i, rec := range page {
		if i > 0 {
			out = append(out, ',')
		}
		out = rd.appendIssue(out, rec, fs, fields, embedded)
	}
	*buf = append(out, ']')
	return buf
}

func encodeToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("sim:" + strconv.Itoa(offset)))
}

// pageStart is where the page a nextPageToken names starts (0 without a
// token), answering 400 itself when the token is not one of ours.
func pageStart(w http.ResponseWriter, token string) (int, bool) {
	if token == "" {
		return 0, true
	}
	n, err := decodeToken(token)
	if err != nil {
		writeError(w, http.StatusBadRequest, "The provided next page token is invalid or expired.")
		return 0, false
	}
	return n, true
}

func decodeToken(tok string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	n, ok := strings.CutPrefix(string(b), "sim:")
	if !ok {
		return 0, errors.New("not a simulator token")
	}
	return strconv.Atoi(n)
}

func writeSearchError(w http.ResponseWriter, err error) {
	var je *jqlError
	if errors.As(err, &je) {
		writeError(w, http.StatusBadRequest, je.msg)
		return
	}
	writeError(w, http.StatusInternalServerError, err.Error())
}

// writeError writes Jira's error shape.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"errorMessages": []string{msg}, "errors": map[string]string{}})
}

// bodies are the buffers of writeJSON and of the search pages' issues,
// kept between requests: a page is hundreds of kB, which a new buffer would
// grow to again and again.
var bodies = sync.Pool{New: func() any { return new([]byte) }}

// writeJSON answers with v as json.Encoder writes it (jsonappend's bytes).
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := bodies.Get().(*[]byte)
	defer bodies.Put(buf)
	*buf = append(jsonappend.Value((*buf)[:0], v), '\n')
	writeBody(w, status, *buf)
}

// writeBody answers with body, JSON ended by a newline as json.Encoder
// ends it.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeNoResource is Jira's (Jersey's) answer to a path it has no resource
// for, shaped as Data Center sends it (atlassian-python-api#1396):
// {"message":"null for uri: <the request URL>","status-code":404}.
func writeNoResource(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "null for uri: " + r.URL.String(), "status-code": http.StatusNotFound})
}
