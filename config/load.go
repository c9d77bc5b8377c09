package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// origin remembers where a Config was read from, so that Validate can say
// file:line.
type origin struct {
	file  string
	lines map[string]int  // path ("sources[1].repos[0]") -> line of its key or element
	nulls map[string]bool // paths written with no value (null or empty after expansion)
	// foreign lists, per source ("sources[2]"), the keys of other types the
	// file set on it, in the order written.
	foreign map[string][]foreignKey
}

// foreignKey is a key of type owner written on a source of another type.
type foreignKey struct{ key, owner string }

// Load reads, expands, decodes, completes and validates the configuration
// file at path. See Parse.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return Parse(path, data)
}

// Parse does what Load does with data already read; name is the file name
// used in errors and the directory relative token_file and password_file
// paths are resolved against. The steps, each reporting every problem it
// finds as "name:line: message" (joined with errors.Join):
//
//  1. YAML syntax;
//  2. ${VAR} / ${VAR:-default} expansion in values, unknown and duplicate
//     keys, values of the wrong type;
//  3. defaults (see applyDefaults), per-team rule overrides;
//  4. token_file / password_file reading;
//  5. Validate.
func Parse(name string, data []byte) (*Config, error) {
	size := len(data)
	data, refs := protect(data)
	root, err := document(name, data)
	if err != nil {
		return nil, err
	}
	cfg := &Config{origin: &origin{file: name, lines: map[string]int{}, nulls: map[string]bool{}, foreign: map[string][]foreignKey{}}}
	if root.Kind == yaml.DocumentNode {
		ch := checker{pos: cfg.origin, refs: refs, seen: map[*yaml.Node]bool{}, budget: aliasBudget(size)}
		ch.check(root.Content[0], reflect.TypeFor[Config](), "")
		if len(ch.errs) > 0 {
			return nil, errors.Join(ch.errs...)
		}
		if err := root.Decode(cfg); err != nil {
			return nil, syntaxError(name, err)
		}
	}
	cfg.applyDefaults()
	fileErrs := cfg.readSecretFiles()
	if err := errors.Join(append(fileErrs, cfg.Validate())...); err != nil {
		return nil, err
	}
	return cfg, nil
}

// document parses the one YAML document of data; a second one is refused,
// since it would be silently ignored.
func document(name string, data []byte) (yaml.Node, error) {
	var root, next yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && err != io.EOF {
		return root, syntaxError(name, err)
	}
	switch err := dec.Decode(&next); {
	case err == io.EOF:
		return root, nil
	case err != nil:
		return root, syntaxError(name, err)
	}
	return root, fmt.Errorf("%s:%d: a second YAML document; baton reads one, so remove the \"---\" and what follows or merge it", name, next.Line)
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// syntaxError rewrites yaml.v3's "yaml: line N: msg" as "name:N: msg".
func syntaxError(name string, err error) error {
	var lines []string
	if te, ok := err.(*yaml.TypeError); ok {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	errs := make([]error, len(lines))
	for i, l := range lines {
		if m := yamlLine.FindStringSubmatch(l); m != nil {
			errs[i] = fmt.Errorf("%s:%s: %s", name, m[1], l[len(m[0]):])
		} else {
			errs[i] = fmt.Errorf("%s: %s", name, strings.TrimPrefix(l, "yaml: "))
		}
	}
	return errors.Join(errs...)
}

// where returns "file:line: " for path, using the nearest enclosing element
// whose line is known; it is "file: " or "" when nothing is known.
func (c *Config) where(path string) string {
	if c.origin == nil {
		return ""
	}
	for p := path; ; p = parent(p) {
		if line, ok := c.origin.lines[p]; ok {
			return fmt.Sprintf("%s:%d: ", c.origin.file, line)
		}
		if p == "" {
			return c.origin.file + ": "
		}
	}
}

// parent returns the path one level up: "a.b[2]" -> "a.b" -> "a" -> "".
func parent(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// given reports whether the file set path to a value (not null, not empty
// after expansion). A Config built in code has nothing given.
func (c *Config) given(path string) bool {
	if c.origin == nil {
		return false
	}
	_, ok := c.origin.lines[path]
	return ok && !c.origin.nulls[path]
}
