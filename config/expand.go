package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// expand replaces ${VAR} and ${VAR:-default} in s with values from the
// environment. ${VAR:-default} uses the default when VAR is unset or empty;
// ${VAR} with VAR unset is an error. "$${" stands for a literal "${", and a "$"
// not followed by "{" is kept as it is.
//
// Errors never quote s: it may be a secret written inline.
func expand(s string) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "$${"):
			b.WriteString("${")
			s = s[3:]
		case strings.HasPrefix(s, "${"):
			end := strings.IndexByte(s, '}')
			if end < 0 {
				return "", errors.New(`"${" without a closing "}"`)
			}
			v, err := lookup(s[2:end])
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			s = s[end+1:]
		default:
			b.WriteByte('$')
			s = s[1:]
		}
	}
}

// lookup resolves the inside of one ${...} reference.
func lookup(ref string) (string, error) {
	name, def, hasDef := strings.Cut(ref, ":-")
	if !isEnvName(name) {
		return "", errors.New(`malformed "${...}": want ${NAME} or ${NAME:-default}`)
	}
	v, ok := os.LookupEnv(name)
	switch {
	case ok && (v != "" || !hasDef):
		return v, nil
	case hasDef:
		return def, nil
	}
	return "", fmt.Errorf("environment variable %s is not set (write ${%s:-default} to give a default)", name, name)
}

// isEnvName reports whether s is a POSIX-style variable name.
func isEnvName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Before YAML parsing, each ${...} reference (and each $${...}) is swapped
// for a placeholder made of private-use characters, and swapped back when
// its scalar is expanded. Without this, "{" and "}" would end a flow mapping:
// `{token: ${GITHUB_TOKEN}}` would not parse. A reference never spans lines,
// so line numbers are kept.
const (
	refOpen  = "\uE000"
	refClose = "\uE001"
)

// refs are the references a placeholder's number stands for.
type refs []string

// reference matches a well-formed ${NAME} or ${NAME:-default}, escaped or
// not. Malformed ones are left for expand to report.
var reference = regexp.MustCompile(`\$?\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}\n]*)?\}`)

// protect returns data with every reference replaced by a placeholder.
func protect(data []byte) ([]byte, refs) {
	var r refs
	out := reference.ReplaceAllStringFunc(string(data), func(ref string) string {
		r = append(r, ref)
		return refOpen + strconv.Itoa(len(r)-1) + refClose
	})
	return []byte(out), r
}

// restore puts the original references back into s.
func (r refs) restore(s string) string {
	for {
		i := strings.Index(s, refOpen)
		if i < 0 {
			return s
		}
		j := strings.Index(s[i:], refClose)
		if j < 0 {
			return s
		}
		n, err := strconv.Atoi(s[i+len(refOpen) : i+j])
		if err != nil || n < 0 || n >= len(r) {
			return s // not ours: leave the text alone
		}
		s = s[:i] + r[n] + s[i+j+len(refClose):]
	}
}
