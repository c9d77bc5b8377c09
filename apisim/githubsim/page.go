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

const jsonContentType = "application/json; charset=utf-8"

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", jsonContentType)
	_ = json.NewEncoder(w).Encode(v)
}

// writePage answers with the requested page of items, each rendered, and
// GitHub's Link header.
func writePage[T, J any](w http.ResponseWriter, r *http.Request, u urls, items []T, render func(T) J) {
	writeAppendedPage(w, r, u, items, func(dst []byte, it T) []byte {
		b, _ := json.Marshal(render(it)) // the simulator's own types: cannot fail
		return append(dst, b...)
	})
}

// writeAppendedPage is writePage for items that appendItem appends as JSON.
func writeAppendedPage[T any](w http.ResponseWriter, r *http.Request, u urls, items []T, appendItem func(dst []byte, it T) []byte) {
	lo, hi := paginate(w, r, u, len(items))
	writeArray(w, items[lo:hi], appendItem)
}

// writeArray answers with the JSON array of the items, each appended as
// JSON by render: the bytes json.Encoder writes for the slice of their
// values, without going over the JSON of each again as it would for a
// json.RawMessage. Served through serve, the array is appended to the
// recorder's pooled buffer, so a page (about 300 kB of issues) neither
// grows a buffer of its own nor is copied again.
func writeArray[T any](w http.ResponseWriter, items []T, render func(dst []byte, it T) []byte) {
	var out []byte
	if rec, ok := w.(*recorder); ok {
		out = rec.body.AvailableBuffer()
	}
	out = append(out, '[')
	for i, it := range items {
		if i > 0 {
			out = append(out, ',')
		}
		out = render(out, it)
	}
	w.Header().Set("Content-Type", jsonContentType)
	_, _ = w.Write(append(out, "]\n"...))
}
