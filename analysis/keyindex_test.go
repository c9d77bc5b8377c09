package analysis

import (
	"fmt"
	"testing"
	"time"

	"github.com/batonhq/baton/model"
)

func TestEveryNodeIsFoundByItsKeyAfterTheIndexGrows(t *testing.T) {
	var issues []model.Issue
	for i := range 3 {
		issues = append(issues, issue(fmt.Sprintf("jira:CORE-%d", i)))
	}
	g := buildGraph(issues, nil, time.UTC)
	for i := range 1000 { // link ends outside the issues, far more than the index was sized for
		if v, want := g.node(fmt.Sprintf("jira:EXT-%d", i)), int32(3+i); v != want {
			t.Fatalf("node of jira:EXT-%d = %d, want %d", i, v, want)
		}
	}
	for v := range int32(g.nodes()) {
		if got, ok := g.find(g.key(v)); !ok || got != v {
			t.Errorf("find(%s) = %d, %t; want %d", g.key(v), got, ok, v)
		}
	}
	for _, key := range []string{"jira:CORE-3", "jira:EXT-1000", "", "jira:CORE-0 "} {
		if v, ok := g.find(key); ok {
			t.Errorf("find(%q) = %d, want none", key, v)
		}
	}
	x := newKeyIndex(0) // one slot: putAll makes room first
	var ss []uint64
	for v := range int32(g.nodes()) {
		ss = append(ss, x.slot(g.key(v), v))
	}
	g.index = x
	g.index.putAll(ss)
	look := []lookup{{key: "jira:CORE-3"}, {key: ""}, {key: "jira:CORE-0 "}}
	for v := range int32(g.nodes()) {
		look = append(look, lookup{key: g.key(v)})
	}
	g.findAll(look)
	for _, l := range look {
		if want, _ := g.find(l.key); l.node != want {
			t.Errorf("findAll: node of %q = %d, want %d", l.key, l.node, want)
		}
	}
}

func TestAKeyWhoseHashBitsMatchAnotherNodesIsStillToldApart(t *testing.T) {
	g := buildGraph([]model.Issue{issue("jira:CORE-1"), issue("jira:CORE-2")}, nil, time.UTC)
	// Node 1 placed as if its key hashed like node 0's: found first on the
	// way to node 0, its key must be read and rejected.
	g.index = newKeyIndex(2)
	g.index.putAll([]uint64{g.index.slot(g.key(0), 1), g.index.slot(g.key(0), 0)})
	if v, ok := g.find("jira:CORE-1"); !ok || v != 0 {
		t.Errorf("find(jira:CORE-1) = %d, %t; want 0", v, ok)
	}
	look := []lookup{{key: "jira:CORE-1"}, {key: "jira:CORE-3"}}
	g.findAll(look)
	if look[0].node != 0 || look[1].node != -1 {
		t.Errorf("findAll: nodes of jira:CORE-1, jira:CORE-3 = %d, %d; want 0, -1", look[0].node, look[1].node)
	}
}
