package githubsim

// A board page shows 100 issues, and an unchanged re-sync asks every page
// again with the ETag it was given: a page's version (see unchanged) names,
// for each of its issues, what the issue's rendering depends on, so a page
// the client has is answered 304 without rendering.

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
