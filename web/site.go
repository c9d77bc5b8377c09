// Package web is baton's read-only dashboard: an overview of the teams, the
// blocking graph as a picture, the findings, and a page per team and per
// issue. Pages are rendered on the server with html/template from the
// latest published analysis (indexed once per snapshot), with embedded
// assets and no script; a page view reads no store and calls no API.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/batonhq/baton/analysis"
	"github.com/batonhq/baton/rollup"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options are where the dashboard gets what it shows.
type Options struct {
	// Report is the latest published analysis; nil before the first one.
	Report func() *analysis.Report
	// Sources is each configured source's sync state, from memory.
	Sources func() []SourceState
	// LastRollups is what the latest rollup of each group reported (by
	// rollup.OrgGroup and rollup.TeamGroup), for the change since then;
	// read once per snapshot. Nil, or a group left out, shows no change.
	LastRollups func() map[string]*rollup.Stats
	// Location is the zone times are shown in; nil means UTC.
	Location func() *time.Location
	// Now is the time of a request, for how old each source's last sync is;
	// nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// SourceState is how fresh one source's data is.
type SourceState struct {
	Name        string
	LastSuccess time.Time // end of its last successful round; zero: none yet
	Failing     bool      // its last round failed
	LastError   string
	ResumeAt    time.Time // when a rate-limited source resumes; zero otherwise
}

// Site serves the dashboard.
type Site struct {
	opts   Options
	pages  map[string]*template.Template
	layout *layout

	mu  sync.Mutex
	cur *view // of the last report a page was rendered from
}

// New returns the dashboard over opts.
func New(opts Options) *Site {
	return &Site{opts: opts, pages: parsePages(), layout: &layout{}}
}

// Register adds the dashboard's pages to mux: GET only, so the mux answers
// any other method with 405.
func (s *Site) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.serve("overview", s.overview))
	mux.HandleFunc("GET /graph", s.serve("graph", s.graph))
	mux.HandleFunc("GET /findings", s.serve("findings", s.findingsPage))
	mux.HandleFunc("GET /teams/{name}", s.serve("team", s.team))
	mux.HandleFunc("GET /issues/{key...}", s.serve("issue", s.issuePage))
	mux.Handle("GET /static/", http.FileServerFS(staticFS))
}

// Index indexes the latest published analysis now, so that no page view
// pays for it: the daemon calls it after publishing each one.
func (s *Site) Index() { s.view() }

// view returns the indexed snapshot, building it when a new one was
// published; nil before the first analysis.
func (s *Site) view() *view {
	r := s.opts.Report()
	if r == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil || s.cur.r != r {
		var last map[string]*rollup.Stats
		if s.opts.LastRollups != nil {
			last = s.opts.LastRollups()
		}
		s.cur = newView(r, last, s.location())
	}
	return s.cur
}

func (s *Site) location() *time.Location {
	if s.opts.Location == nil {
		return time.UTC
	}
	if loc := s.opts.Location(); loc != nil {
		return loc
	}
	return time.UTC
}

// errNotFound is what a page builder returns for a team or issue the
// snapshot does not have.
type errNotFound struct{ what string }

func (e errNotFound) Error() string { return e.what + " not found" }

// build makes the data of one page from the snapshot and the request.
type build func(v *view, f frame, r *http.Request) (any, error)

// serve renders page with the data b builds; before the first analysis it
// says so, with 503, so a load balancer does not route to it yet.
func (s *Site) serve(page string, b build) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := s.view()
		f := frame{Page: page, clock: time.Now(), loc: s.location()}
		if s.opts.Now != nil {
			f.clock = s.opts.Now()
		}
		status := http.StatusOK
		var data any = &f
		if v == nil {
			page, status = "waiting", http.StatusServiceUnavailable
		} else {
			f.Teams, f.Now = v.r.Teams, v.r.Now
			var err error
			if data, err = b(v, f, r); err != nil {
				page, status, data = "notfound", http.StatusNotFound, &notFound{frame: f, What: err.Error()}
				if _, ok := err.(errNotFound); !ok {
					s.opts.Logger.Error("dashboard page", "page", f.Page, "err", err)
					status, data = http.StatusInternalServerError, &notFound{frame: f, What: err.Error(), Failed: true}
				}
			}
		}
		var buf bytes.Buffer
		if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
			s.opts.Logger.Error("rendering dashboard page", "page", page, "err", err)
			http.Error(w, "rendering failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(status)
		w.Write(buf.Bytes())
	}
}

// notFound says what the snapshot does not have, or (Failed) why a page
// could not be made.
type notFound struct {
	frame
	What   string
	Failed bool
}

// pageNames are the templates under templates/ besides the layout.
var pageNames = []string{"overview", "graph", "findings", "team", "issue", "waiting", "notfound"}

// parsePages parses each page with the layout it fills in.
func parsePages() map[string]*template.Template {
	base := template.Must(template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	pages := map[string]*template.Template{}
	for _, p := range pageNames {
		pages[p] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+p+".html"))
	}
	return pages
}
