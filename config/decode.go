package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	durationType = reflect.TypeFor[Duration]()
	sourceType   = reflect.TypeFor[Source]()
)

// checker walks a YAML tree against the type it will be decoded into before
// yaml.v3 decodes it. On the way it expands ${ENV} references in place,
// records the line of every key and list element under a path such as
// "sources[1].repos[0]", and collects every unknown key, duplicate key and
// type mismatch as a "file:line: ..." error, so that one run reports all of
// them with baton's wording.
type checker struct {
	pos  *origin
	refs refs // ${...} references hidden from the YAML parser
	errs []error
	seen map[*yaml.Node]bool // scalars already expanded (aliases share nodes)

	// budget is how many values the walk may visit. Aliases make a small
	// file stand for a huge tree (an "alias bomb"); past the budget the
	// whole file is refused, naming the alias being expanded.
	budget, visits int
	aliasLine      int // line of the outermost alias being expanded, 0 if none
}

// aliasBudget is the number of values a file of size bytes may expand to:
// a file without aliases has fewer values than bytes, so only aliases
// reused thousands of times reach it.
func aliasBudget(size int) int { return 10_000 + size }

func (c *checker) errorf(line int, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s:%d: %s", c.pos.file, line, fmt.Sprintf(format, args...)))
}

// check checks n against t; path names n for errors and the position map.
func (c *checker) check(n *yaml.Node, t reflect.Type, path string) {
	if c.visits > c.budget {
		return
	}
	if n.Kind == yaml.AliasNode {
		if c.aliasLine == 0 {
			c.aliasLine = n.Line
			defer func() { c.aliasLine = 0 }()
		}
		n = n.Alias
	}
	if c.visits++; c.visits > c.budget {
		c.errs = []error{fmt.Errorf("%s:%d: aliases expand the file to more than %d values; write the repeated parts out",
			c.pos.file, c.aliasLine, c.budget)}
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		c.pos.nulls[path] = true
		return
	}
	switch {
	case t == durationType:
		c.scalar(n, path, func(v string) error { _, err := ParseDuration(v); return err })
	case t.Kind() == reflect.String:
		c.scalar(n, path, nil)
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		c.scalar(n, path, func(v string) error {
			if _, err := strconv.ParseInt(v, 10, t.Bits()); err != nil {
				return fmt.Errorf("want a whole number, got %q", v)
			}
			return nil
		})
	case t.Kind() == reflect.Bool:
		c.scalar(n, path, func(v string) error {
			switch v {
			case "true", "True", "TRUE", "false", "False", "FALSE":
				return nil
			}
			return fmt.Errorf("want true or false, got %q", v)
		})
	case t.Kind() == reflect.Slice:
		if c.want(n, yaml.SequenceNode, path) {
			for i, e := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				c.pos.lines[p] = e.Line
				c.check(e, t.Elem(), p)
			}
		}
	case t.Kind() == reflect.Map:
		c.mapping(n, path, func(string) (reflect.Type, bool) { return t.Elem(), true })
	case t == sourceType:
		c.source(n, path)
	case t.Kind() == reflect.Struct:
		fields := yamlFields(t)
		c.mapping(n, path, func(k string) (reflect.Type, bool) { ft, ok := fields[k]; return ft, ok })
	default:
		panic("config: no check for " + t.String())
	}
}

// source checks a source mapping: the keys of Source and those of its type.
// A key of another registered type is checked as that type has it and, when
// set to something, remembered for SourceCheck.OtherTypesKeys.
func (c *checker) source(n *yaml.Node, path string) {
	typ := c.sourceTypeOf(n)
	common := yamlFields(sourceType)
	type other struct {
		key, owner string
		t          reflect.Type
	}
	var others []other
	c.mapping(n, path, func(k string) (reflect.Type, bool) {
		if ft, ok := common[k]; ok {
			return ft, true
		}
		ft, owner, ok := typeField(typ, k)
		if ok && owner != typ && newSourceConfig(typ) != nil {
			others = append(others, other{k, owner, ft})
		}
		return ft, ok
	})
	for _, o := range others {
		if set(valueOf(n, o.key), o.t) {
			c.pos.foreign[path] = append(c.pos.foreign[path], foreignKey{o.key, o.owner})
		}
	}
}

// sourceTypeOf returns the expanded value of the type key of source mapping
// n, or "" if it has none that expands.
func (c *checker) sourceTypeOf(n *yaml.Node) string {
	v := valueOf(n, "type")
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	if c.seen[v] {
		return v.Value
	}
	typ, err := expand(c.refs.restore(v.Value))
	if err != nil {
		return ""
	}
	return typ
}

// valueOf returns the value of key in mapping n, or nil.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// set reports whether v, decoded as a t, is more than the zero value or an
// empty list: what a dumped configuration writes for another type's keys.
func set(v *yaml.Node, t reflect.Type) bool {
	x := reflect.New(t)
	if v == nil || v.Decode(x.Interface()) != nil {
		return v != nil
	}
	e := x.Elem()
	if e.Kind() == reflect.Slice || e.Kind() == reflect.Map {
		return e.Len() > 0
	}
	return !e.IsZero()
}

// scalar expands a scalar value in place and checks it with valid, if given.
// A value that expands to nothing counts as absent (null).
func (c *checker) scalar(n *yaml.Node, path string, valid func(string) error) {
	if !c.want(n, yaml.ScalarNode, path) {
		return
	}
	if !c.seen[n] {
		c.seen[n] = true
		v, err := expand(c.refs.restore(n.Value))
		if err != nil {
			c.errorf(n.Line, "%s: %v", path, err)
			return
		}
		n.Value = v
		switch {
		case valid == nil: // text: keep it text even if it reads "null" or "~"
			n.Tag, n.Style = "!!str", n.Style|yaml.TaggedStyle
		default: // a number, checked below: port: "${SMTP_PORT}" is fine
			n.Tag, n.Style = "", 0
		}
	}
	if n.Value == "" && valid != nil {
		n.Tag = "!!null"
		c.pos.nulls[path] = true
		return
	}
	if valid != nil {
		if err := valid(n.Value); err != nil {
			c.errorf(n.Line, "%s: %v", path, err)
		}
	}
}

// mapping checks the keys of a mapping node; field says what type a key's
// value has and whether the key is known at all.
func (c *checker) mapping(n *yaml.Node, path string, field func(string) (reflect.Type, bool)) {
	if !c.want(n, yaml.MappingNode, path) {
		return
	}
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		k.Value = c.refs.restore(k.Value) // keys are not expanded
		if k.Kind != yaml.ScalarNode {
			c.errorf(k.Line, "%s: keys must be plain strings", describe(path))
			continue
		}
		if line, dup := first[k.Value]; dup {
			c.errorf(k.Line, "duplicate key %q in %s (first at line %d)", k.Value, describe(path), line)
			continue
		}
		first[k.Value] = k.Line
		ft, ok := field(k.Value)
		if !ok && path == "" {
			c.errorf(k.Line, "unknown key %q", k.Value)
			continue
		}
		if !ok {
			c.errorf(k.Line, "unknown key %q in %s", k.Value, path)
			continue
		}
		p := join(path, k.Value)
		c.pos.lines[p] = k.Line
		c.check(v, ft, p)
	}
}

// want reports whether n has the wanted kind, and records an error if not.
func (c *checker) want(n *yaml.Node, kind yaml.Kind, path string) bool {
	if n.Kind == kind {
		return true
	}
	names := map[yaml.Kind]string{yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list", yaml.ScalarNode: "a single value"}
	got := names[n.Kind]
	if n.Kind == yaml.ScalarNode {
		got = fmt.Sprintf("%q", c.refs.restore(n.Value))
	}
	c.errorf(n.Line, "%s: want %s, got %s", describe(path), names[kind], got)
	return false
}

// yamlFields maps the YAML keys of struct type t, inlined structs included,
// to their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case !f.IsExported() || name == "-":
		case opts == "inline":
			for k, v := range yamlFields(f.Type) {
				fields[k] = v
			}
		default:
			fields[name] = f.Type
		}
	}
	return fields
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names a path in a message; the root has no path.
func describe(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}
