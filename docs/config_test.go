package docs

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/batonhq/baton/config"
	"github.com/batonhq/baton/connectors/github"
	"github.com/batonhq/baton/connectors/jira"
)

// wholeKeys are keys documented as one row although config decodes them
// into a struct: a team's rules are the keys of rules:, documented once.
var wholeKeys = map[string]bool{"teams[].rules": true}

// codeKeys returns every key config decodes, as a path (sources[].name,
// rollup.smtp.host): the leaves, and the mappings and lists above them.
func codeKeys() (leaves, parents map[string]bool) {
	leaves, parents = map[string]bool{}, map[string]bool{}
	walkKeys(reflect.TypeFor[config.Config](), "", leaves, parents)
	// A source's own keys, which its connector registers and decodes.
	walkKeys(reflect.TypeFor[github.Config](), "sources[].", leaves, parents)
	walkKeys(reflect.TypeFor[jira.Config](), "sources[].", leaves, parents)
	return leaves, parents
}

func walkKeys(t reflect.Type, prefix string, leaves, parents map[string]bool) {
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			walkKeys(f.Type, prefix, leaves, parents)
			continue
		}
		key := prefix + name
		switch ft := f.Type; {
		case wholeKeys[key]:
			leaves[key] = true
		case ft.Kind() == reflect.Struct:
			parents[key] = true
			walkKeys(ft, key+".", leaves, parents)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			parents[key] = true
			walkKeys(ft.Elem(), key+"[].", leaves, parents)
		default:
			leaves[key] = true
		}
	}
}

// documentedKeys returns the keys in the first column of configuration.md's
// tables, in order.
func documentedKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	for _, m := range rows(t, "configuration.md", regexp.MustCompile("^\\| `([a-z_.\\[\\]]+)` \\|")) {
		keys = append(keys, m[1])
	}
	return keys
}

func TestConfigurationDocumentsEveryKeyAndNoOther(t *testing.T) {
	leaves, parents := codeKeys()
	documented := documentedKeys(t)
	for _, k := range documented {
		if !leaves[k] && !parents[k] {
			t.Errorf("configuration.md documents %s, a key config does not decode", k)
		}
	}
	for k := range leaves {
		if !slices.Contains(documented, k) {
			t.Errorf("configuration.md does not document %s", k)
		}
	}
	if len(leaves) < 70 {
		t.Errorf("the walk of config's structs found %d keys, want the 70-odd there are", len(leaves))
	}
}

// TestTheExampleWritesOnlyDocumentedKeys walks config/example.yaml: every
// key it writes, live, is a documented one, so the two cannot drift apart.
func TestTheExampleWritesOnlyDocumentedKeys(t *testing.T) {
	b, err := os.ReadFile("../config/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	leaves, parents := codeKeys()
	documented := documentedKeys(t)
	written := map[string]bool{}
	exampleKeys(doc.Content[0], "", leaves, written)
	for k := range written {
		switch {
		case leaves[k] && !slices.Contains(documented, k):
			t.Errorf("config/example.yaml writes %s, which configuration.md does not document", k)
		case !leaves[k] && !parents[k]:
			t.Errorf("config/example.yaml writes %s, a key config does not decode", k)
		}
	}
	for _, k := range []string{"sources[].repos", "sources[].jql", "rollup.smtp.host", "teams[].rules"} {
		if !written[k] {
			t.Errorf("the walk of example.yaml missed %s: it found %v", k, written)
		}
	}
}

// exampleKeys adds the key paths under n to written, stopping at a leaf
// (a map of priorities, a team's rules).
func exampleKeys(n *yaml.Node, prefix string, leaves, written map[string]bool) {
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			exampleKeys(item, strings.TrimSuffix(prefix, ".")+"[].", leaves, written)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := prefix + n.Content[i].Value
			written[key] = true
			if !leaves[key] {
				exampleKeys(n.Content[i+1], key+".", leaves, written)
			}
		}
	}
}
