// Package jsonappend appends JSON to byte slices as encoding/json's Marshal
// would write it, byte for byte, without its reflection: the simulators
// render every issue of a full sync, and encoding/json's walk over maps and
// structs (sorting every map's keys on every page) was most of their CPU.
// What it does not know it hands to encoding/json, so its output is always
// Marshal's.
package jsonappend

import (
	"encoding/json"
	"slices"
	"strconv"
)

// String appends s as a JSON string, escaped as Marshal escapes it (HTML
// characters included).
func String(dst []byte, s string) []byte {
	if !Plain(s) {
		b, _ := json.Marshal(s) // a string cannot fail
		return append(dst, b...)
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// plain are the bytes Marshal writes in a string as they are: ASCII from
// the space on, but for the quote, the backslash and HTML's <, > and &.
var plain = func() (t [256]bool) {
	for c := 0x20; c <= 0x7f; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// Plain reports whether Marshal writes s, between its quotes, as it is,
// so that pieces of a string may be appended one by one. It looks at eight
// bytes at a time: every title and body of a sync goes through it.
func Plain(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if !plainWord(w) {
			return false
		}
	}
	for ; i < len(s); i++ {
		if !plain[s[i]] {
			return false
		}
	}
	return true
}

// Bytes repeated in every byte of a word, for plainWord.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// plainWord reports whether the eight bytes of w are all plain: none has
// its high bit (not ASCII), none is below the space, none is one of the five
// that Marshal escapes. x-ones&^x&highs is not zero exactly when a byte of
// x is zero, and w-0x20*ones&^w&highs when one is below 0x20 (Sean
// Anderson's "Bit Twiddling Hacks", haszero and hasless).
func plainWord(w uint64) bool {
	hasZero := func(x uint64) bool { return (x-ones)&^x&highs != 0 }
	return w&highs == 0 && (w-0x20*ones)&^w&highs == 0 &&
		!hasZero(w^('"'*ones)) && !hasZero(w^('\\'*ones)) && !hasZero(w^('<'*ones)) && !hasZero(w^('>'*ones)) && !hasZero(w^('&'*ones))
}

// Value appends v as Marshal would: maps of strings (keys sorted), slices
// of values or strings, strings, ints, bools, nil and json.RawMessage (as
// it is: the simulators' own, compact and escaped already) by hand, any
// other type through Marshal.
func Value(dst []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...)
	case string:
		return String(dst, v)
	case int:
		return strconv.AppendInt(dst, int64(v), 10)
	case bool:
		return strconv.AppendBool(dst, v)
	case json.RawMessage:
		return Raw(dst, v)
	case map[string]any:
		return object(dst, v)
	case []any:
		return array(dst, v)
	case []string:
		return array(dst, v)
	}
	b, _ := json.Marshal(v) // the simulators' own types: cannot fail
	return append(dst, b...)
}

// Raw appends b as Marshal writes a json.RawMessage that is compact and
// escaped already: as it is, or null when nil. Unlike Value it takes no
// interface, which a slice would be allocated to fill.
func Raw(dst []byte, b json.RawMessage) []byte {
	if b == nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

func object(dst []byte, m map[string]any) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(String(dst, k), ':')
		dst = Value(dst, m[k])
	}
	return append(dst, '}')
}

func array[T any](dst []byte, s []T) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, v := range s {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = Value(dst, v)
	}
	return append(dst, ']')
}
