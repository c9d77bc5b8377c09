package github

import (
	"bytes"
	"container/list"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// etagCache is a transport that makes GETs of an issue's sub-resources
// (blockers, sub-issues, timeline) conditional: it remembers the ETag and
// body of the latest answers, sends If-None-Match, and turns a 304 — which
// costs no quota — back into the remembered 200, headers included (GitHub's
// 304 need not repeat Link) and updated with those the 304 sends (its rate
// limit). Listings are not cached here: their ETags live in the cursors.
// It keeps at most max bytes of answers, dropping the least recently used.
type etagCache struct {
	base http.RoundTripper
	max  int64

	mu      sync.Mutex
	size    int64      // bytes of the entries kept
	order   *list.List // of *cached, most recently used first
	entries map[string]*list.Element
}

// cacheBytes is the default of a source's cache_bytes: 32 MiB keeps a few thousand issues'
// sub-resources (GitHub's are mostly small) well inside the 512Mi pod budget
// with room for several sources.
const cacheBytes = 32 << 20

// maxCachedBody is the largest body remembered.
const maxCachedBody = 256 << 10

type cached struct {
	url    string
	etag   string
	header http.Header
	body   []byte
}

// size is what an entry costs: its body, URL, ETag and headers.
func (e *cached) size() int64 {
	n := len(e.url) + len(e.etag) + len(e.body)
	for k, vs := range e.header {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return int64(n)
}

func newETagCache(base http.RoundTripper, max int64) *etagCache {
	return &etagCache{base: base, max: max, order: list.New(), entries: map[string]*list.Element{}}
}

// cacheable reports whether req is a GET of /…/issues/{n}/{something}
// without a caller's own If-None-Match.
func cacheable(req *http.Request) bool {
	if req.Method != http.MethodGet || req.Header.Get("If-None-Match") != "" {
		return false
	}
	_, rest, ok := strings.Cut(req.URL.Path, "/issues/")
	if !ok {
		return false
	}
	num, sub, ok := strings.Cut(rest, "/")
	_, err := strconv.Atoi(num)
	return ok && err == nil && sub != ""
}

func (c *etagCache) RoundTrip(req *http.Request) (*http.Response, error) {
	if !cacheable(req) {
		return c.base.RoundTrip(req)
	}
	key := req.URL.String()
	hit := c.get(key)
	if hit != nil {
		req = req.Clone(req.Context())
		req.Header.Set("If-None-Match", hit.etag)
	}
	resp, err := c.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && hit != nil:
		resp.Body.Close()
		header := hit.header.Clone()
		for k, v := range resp.Header {
			if k != "Content-Length" {
				header[k] = v
			}
		}
		resp.StatusCode, resp.Status, resp.Header = http.StatusOK, "200 OK", header
		resp.Body = io.NopCloser(bytes.NewReader(hit.body))
		resp.ContentLength = int64(len(hit.body))
	case resp.StatusCode == http.StatusOK && resp.Header.Get("ETag") != "":
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if len(body) <= maxCachedBody && json.Valid(body) { // never remember a truncated answer
			header := resp.Header.Clone()
			header.Del("Content-Length")
			c.put(&cached{url: key, etag: resp.Header.Get("ETag"), header: header, body: body})
		}
	}
	return resp, nil
}

func (c *etagCache) get(key string) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*cached)
}

func (c *etagCache) put(e *cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.url]; ok {
		c.size -= el.Value.(*cached).size()
		el.Value = e
		c.order.MoveToFront(el)
	} else {
		c.entries[e.url] = c.order.PushFront(e)
	}
	c.size += e.size()
	for c.size > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		c.size -= oldest.Value.(*cached).size()
		delete(c.entries, oldest.Value.(*cached).url)
	}
}
