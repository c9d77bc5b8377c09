package githubsim

import "encoding/json"

// An issue is rendered again and again while nothing about it changes: by
// every page of a listing that holds it, by each of its events in the
// repository's event listing, and by each board page that shows it, where
// an unchanged re-sync asks 275 pages of 100 issues only to be answered 304.
// So the JSON of its last rendering is kept with what it was rendered from.

// renderKey is what an issue's rendering depends on beyond the issue
// itself: the request's bases, the generation of its repository (which
// moves on every change to any of the repository's issues, milestones or
// labels, so also to the issue's milestone counts) and what other issues,
// possibly of other repositories, contribute.
type renderKey struct {
	u   urls
	gen uint64
	rel relations
}

// renderKeyOf is the key of is of r rendered for u; callers hold s.mu.
func (s *Server) renderKeyOf(u urls, r *repo, is *issue) renderKey {
	return renderKey{u: u, gen: r.gen, rel: s.relationsOf(r, is)}
}

// renderedIssue is an issue's JSON as rendered for key.
type renderedIssue struct {
	key  renderKey
	json json.RawMessage
}

// issueJSONOf is renderIssue's JSON, kept on is until its key changes;
// callers hold s.mu.
func (s *Server) issueJSONOf(u urls, r *repo, ms []*milestoneJSON, is *issue) json.RawMessage {
	key := s.renderKeyOf(u, r, is)
	if c := is.rendered.Load(); c != nil && c.key == key {
		return c.json
	}
	v := s.renderRelated(u, r, ms, is, key.rel)
	b := appendIssue(nil, &v)
	is.rendered.Store(&renderedIssue{key: key, json: b})
	return b
}
