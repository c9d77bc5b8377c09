package config

import (
	"fmt"
	"log/slog"
)

// Secret is a credential. It prints, marshals and logs as "<secret>"; use
// Reveal to get the value where it is actually needed.
type Secret string

const redacted = "<secret>"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return s.String() }

// MarshalYAML keeps a dumped configuration free of secrets.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// MarshalJSON keeps JSON output free of secrets.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// LogValue keeps log/slog from printing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Format keeps every fmt verb (%d, %x, %q ... not only %v and %s) from
// printing the value.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }
