package webhook

import "sync"

// deliveries remembers the last n delivery ids (GitHub's X-GitHub-Delivery,
// Jira Cloud's X-Atlassian-Webhook-Identifier), so a redelivery or a
// replayed capture is answered without queueing: bounded memory, oldest
// forgotten first.
type deliveries struct {
	mu   sync.Mutex
	ring []string
	next int
	seen map[string]struct{}
}

func newDeliveries(n int) *deliveries {
	return &deliveries{ring: make([]string, n), seen: make(map[string]struct{}, n)}
}

// has reports whether id was added and is still remembered.
func (d *deliveries) has(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.seen[id]
	return ok
}

// add remembers id, forgetting the oldest when full.
func (d *deliveries) add(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.seen[id]; ok {
		return
	}
	delete(d.seen, d.ring[d.next])
	d.ring[d.next] = id
	d.seen[id] = struct{}{}
	d.next = (d.next + 1) % len(d.ring)
}
