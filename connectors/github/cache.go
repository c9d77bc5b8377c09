package github

import (
	"container/list"
	"sync"
)

// answerCache makes the GETs of an issue's sub-resources (blockers,
// sub-issues, timeline) conditional: for each page it remembers the ETag
// of the latest answer, the paging its Link header gave (GitHub's 304 need
// not repeat it), and what the connector kept of it — the keys of the
// issues a blocker answer lists, the times a timeline page gives — so that
// a 304, which costs no quota, yields what the answer did. It keeps
// neither the answer's body nor its headers: a blocker answer is whole
// issues, kilobytes each, of which the connector reads two fields.
// Listings are not cached here: their ETags live in the cursors. It keeps
// at most max bytes (as answer.size counts them), dropping the least
// recently used.
type answerCache struct {
	max int64

	mu      sync.Mutex
	size    int64      // bytes of the entries kept
	order   *list.List // of *answer, most recently used first
	entries map[string]*list.Element
}

// cacheBytes is the default of a source's cache_bytes: 32 MiB keeps the
// blockers and timelines of a few hundred thousand issues well inside the
// 512Mi pod budget with room for several sources.
const cacheBytes = 32 << 20

// maxKept is the most one page may keep: a larger one is not remembered,
// rather than evict many small ones.
const maxKept = 256 << 10

// answerOverhead is what an entry costs beyond its strings and what it
// keeps: the answer, its list element and its slot in the map.
const answerOverhead = 200

// pageLinks is the paging an answer's Link header gave: the next and last
// page numbers, or the after cursor.
type pageLinks struct {
	next, last int
	after      string
}

// answer is what the cache remembers of one page.
type answer struct {
	url, etag string
	links     pageLinks
	kept      any   // what the caller kept of the page
	keptBytes int64 // its size, as the caller counted it
}

// size is what an entry costs: its strings, what it keeps and the overhead.
func (a *answer) size() int64 {
	return int64(len(a.url)+len(a.etag)+len(a.links.after)+answerOverhead) + a.keptBytes
}

func newAnswerCache(max int64) *answerCache {
	return &answerCache{max: max, order: list.New(), entries: map[string]*list.Element{}}
}

// get returns the answer remembered for url, nil when none (or c is nil).
func (c *answerCache) get(url string) *answer {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[url]
	if !ok {
		return nil
	}
	c.order.MoveToFront(el)
	return el.Value.(*answer)
}

// put remembers a, unless c is nil or a is larger than maxKept, and drops
// the least recently used answers until what is kept fits in max.
func (c *answerCache) put(a *answer) {
	if c == nil || a.keptBytes > maxKept {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[a.url]; ok {
		c.size -= el.Value.(*answer).size()
		el.Value = a
		c.order.MoveToFront(el)
	} else {
		c.entries[a.url] = c.order.PushFront(a)
	}
	c.size += a.size()
	for c.size > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		c.size -= oldest.Value.(*answer).size()
		delete(c.entries, oldest.Value.(*answer).url)
	}
}
