package githubsim

import (
	"net/http"
	"sync"
)

// An unchanged re-sync asks every page of every board again with the ETag
// it was given, and a board page is 100 issues: rendering them only to
// hash them and answer 304 made the simulator the slower side of the
// round. So a handler may say what a page is rendered from (its version);
// the ETag served for the same request, token and version is kept, and a
// request that carries it is answered 304 without rendering. The ETag
// itself is still the hash of the body, so the answers do not change.

// pageETags are the ETags of the pages served with a version, by request.
type pageETags struct {
	mu sync.Mutex
	m  map[string]pageETag
}

type pageETag struct {
	version string
	etag    string
}

// maxPageETags bounds what is kept: a few times the pages of the benchmark
// organisation's boards, whose cursors change as items move.
const maxPageETags = 20_000

func (x *pageETags) get(key, version string) (string, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	e, ok := x.m[key]
	return e.etag, ok && e.version == version
}

func (x *pageETags) put(key, version, etag string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.m == nil || len(x.m) >= maxPageETags {
		x.m = map[string]pageETag{}
	}
	x.m[key] = pageETag{version: version, etag: etag}
}

// unchanged reports, for a handler serving through serve, whether the
// client already has the page it is about to render from version; the
// handler then renders nothing (its headers still count) and serve
// answers 304.
func unchanged(w http.ResponseWriter, version string) bool {
	rec, ok := w.(*recorder)
	if !ok {
		return false
	}
	rec.version = version
	etag, ok := rec.known(version)
	if ok {
		rec.etag = etag
	}
	return ok
}
