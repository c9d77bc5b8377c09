package githubsim

import "strconv"

// A board page shows 100 issues, and an unchanged re-sync asks every page
// again with the ETag it was given: a page's version (see unchanged) names,
// for each of its issues, what the issue's rendering depends on, so a page
// the client has is answered 304 without rendering.

// appendRenderKey appends to a page's version what is of r's rendering
// depends on beyond the issue itself and the request's bases (which the
// version names once): the generation of its repository (which moves on
// every change to any of the repository's issues, milestones or labels, so
// also to the issue's milestone counts) and what other issues, possibly of
// other repositories, contribute. Callers hold s.mu.
func (s *Server) appendRenderKey(v []byte, r *repo, is *issue) []byte {
	return appendRelationsKey(strconv.AppendUint(v, r.gen, 10), s.relationsOf(r, is))
}

// appendRelationsKey appends every field of rel, each after a space
// (TestRelationsKeyNamesEveryField holds it to the struct's fields).
func appendRelationsKey(v []byte, rel relations) []byte {
	for _, n := range [...]int{rel.deps.BlockedBy, rel.deps.Blocking, rel.deps.TotalBlockedBy, rel.deps.TotalBlocking,
		rel.subs.Total, rel.subs.Completed, rel.subs.PercentCompleted} {
		v = strconv.AppendInt(append(v, ' '), int64(n), 10)
	}
	v = append(append(v, ' '), rel.parent.Repo...)
	return strconv.AppendInt(append(v, '#'), int64(rel.parent.Number), 10)
}
