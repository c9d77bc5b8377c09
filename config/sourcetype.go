package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// SourceConfig is the part of a source's configuration that belongs to its
// type: the keys a connector adds to the source mapping (flat, beside name,
// type, url and the others of Source), their defaults and their checks. A
// connector registers the type with RegisterSourceType, and config decodes a
// source's own keys into a fresh value from it. Its fields are declared with
// yaml tags of the kinds config decodes: text, whole numbers, Duration and
// lists of them.
type SourceConfig interface {
	// Defaults fills in what the file left out, src included (a default url).
	// given reports whether the file wrote one of the source's keys, so that
	// a number written as 0 is kept for Validate to check.
	Defaults(src *Source, given func(key string) bool)
	// Validate reports every problem of src and its own keys to check.
	Validate(src *Source, check *SourceCheck)
}

// SourceFileReader is a SourceConfig with *_file keys of its own (a private
// key file). ReadFiles runs after token_file is read and before Validate.
type SourceFileReader interface {
	ReadFiles(files SourceFiles) error
}

var sourceTypes = struct {
	sync.RWMutex
	make map[string]func() SourceConfig
}{make: map[string]func() SourceConfig{}}

// RegisterSourceType makes type: name known, with newConfig returning a
// pointer to a zero configuration of that type. Connectors call it from
// init; registering a name twice panics.
func RegisterSourceType(name string, newConfig func() SourceConfig) {
	sourceTypes.Lock()
	defer sourceTypes.Unlock()
	if _, dup := sourceTypes.make[name]; dup {
		panic("config: source type " + name + " registered twice")
	}
	sourceTypes.make[name] = newConfig
}

// SettingsOf returns src's own keys as its connector's type T, or a zero T
// when src is of another type.
func SettingsOf[T any](src Source) *T {
	if c, ok := any(src.Settings).(*T); ok {
		return c
	}
	return new(T)
}

// typeNames returns the registered source types in order.
func typeNames() []string {
	sourceTypes.RLock()
	defer sourceTypes.RUnlock()
	names := make([]string, 0, len(sourceTypes.make))
	for n := range sourceTypes.make {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// newSourceConfig returns a zero configuration of type typ, or nil if no
// connector registered it.
func newSourceConfig(typ string) SourceConfig {
	sourceTypes.RLock()
	defer sourceTypes.RUnlock()
	if f, ok := sourceTypes.make[typ]; ok {
		return f()
	}
	return nil
}

// typeList names the registered types for a message: "github or jira".
func typeList() string {
	names := typeNames()
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// typeField returns the Go type of key among typ's own keys, and the type
// that owns key when typ does not: the first registered type that has it.
func typeField(typ, key string) (t reflect.Type, owner string, ok bool) {
	for _, name := range append([]string{typ}, typeNames()...) {
		if sc := newSourceConfig(name); sc != nil {
			if ft, ok := yamlFields(reflect.TypeOf(sc).Elem())[key]; ok {
				return ft, name, true
			}
		}
	}
	return nil, "", false
}

// plainSource is Source without its methods, for yaml.v3 to handle the
// common keys.
type plainSource Source

// UnmarshalYAML decodes the common keys into s and the keys of s.Type into
// s.Settings. Checking was done before: decoding ignores other keys.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	if err := n.Decode((*plainSource)(s)); err != nil {
		return err
	}
	s.Settings = newSourceConfig(s.Type)
	if s.Settings == nil {
		return nil
	}
	return n.Decode(s.Settings)
}

// MarshalYAML writes the common keys with, after interval, the keys of every
// registered type in order: its own from s.Settings, the others' empty. This
// is the layout `config check --show` has always printed.
func (s Source) MarshalYAML() (any, error) {
	var out yaml.Node
	if err := out.Encode(plainSource(s)); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(out.Content, func(k *yaml.Node) bool { return k.Value == "interval" }) + 2
	var keys []*yaml.Node
	for _, name := range typeNames() {
		sc := newSourceConfig(name)
		if name == s.Type && s.Settings != nil {
			sc = s.Settings
		}
		var n yaml.Node
		if err := n.Encode(sc); err != nil {
			return nil, fmt.Errorf("source %s: %w", s.Name, err)
		}
		keys = append(keys, n.Content...)
	}
	out.Content = slices.Insert(out.Content, i, keys...)
	return &out, nil
}

// Format prints the source as %v (with the flags given) would, whatever the
// verb: a verb that does not fit a field (%d on a name) would make fmt print
// the type's settings without their methods, a private key included. Settings
// print as an address.
func (s Source) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, fmt.FormatString(f, 'v'), plainSource(s))
}
