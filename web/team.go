package web

import (
	"net/http"

	"github.com/batonhq/baton/rollup"
)

// teamPage is the team's rollup, live: what it waits on and who waits on
// it, its stalled work, its next steps.
type teamPage struct {
	frame
	Name       string
	InProgress int
	D          *rollup.Digest
}

func (s *Site) team(v *view, f frame, r *http.Request) (any, error) {
	name := r.PathValue("name")
	if !v.team(name) {
		return nil, errNotFound{"team " + name}
	}
	return &teamPage{frame: f, Name: name, InProgress: v.progress[name], D: v.digest(name)}, nil
}
