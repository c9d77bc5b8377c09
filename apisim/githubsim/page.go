package githubsim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// paginate reads per_page (default 30, at most 100) and page (from 1), sets a
// Link header like GitHub's (prev, next, last, first, each only when it
// applies) and returns the bounds of the page within total items.
func paginate(w http.ResponseWriter, r *http.Request, u urls, total int) (lo, hi int) {
	q := r.URL.Query()
	per := intParam(q, "per_page", 30)
	per = min(max(per, 1), 100)
	page := max(intParam(q, "page", 1), 1)
	last := max(1, (total+per-1)/per)
	var links []string
	link := func(p int, rel string) {
		q.Set("page", strconv.Itoa(p))
		links = append(links, "<"+u.api+r.URL.Path+"?"+q.Encode()+`>; rel="`+rel+`"`)
	}
	if page > 1 {
		link(min(page-1, last), "prev")
	}
	if page < last {
		link(page+1, "next")
		link(last, "last")
	}
	if page > 1 {
		link(1, "first")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo = min((page-1)*per, total)
	return lo, min(lo+per, total)
}

func intParam(q url.Values, name string, def int) int {
	n, err := strconv.Atoi(q.Get(name))
	if err != nil {
		return def
	}
	return n
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// writePage answers with the requested page of items, each rendered, and
// GitHub's Link header.
func writePage[T, J any](w http.ResponseWriter, r *http.Request, u urls, items []T, render func(T) J) {
	lo, hi := paginate(w, r, u, len(items))
	out := make([]J, 0, hi-lo)
	for _, it := range items[lo:hi] {
		out = append(out, render(it))
	}
	writeJSON(w, out)
}
