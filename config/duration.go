package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a time.Duration that also accepts days ("7d", "1d12h").
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string {
	t := time.Duration(d)
	if t > 0 && t%(24*time.Hour) == 0 {
		return strconv.Itoa(int(t/(24*time.Hour))) + "d"
	}
	return t.String()
}

// maxDays is the longest day count a Duration holds (about 292 years).
const maxDays = math.MaxInt64 / int64(24*time.Hour)

// ParseDuration parses a Go duration with an optional leading day count.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	written := s
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		if n > maxDays {
			return 0, fmt.Errorf("invalid duration %q: longer than %dd", written, maxDays)
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return Duration(days), nil
		}
	}
	t, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (use e.g. 90s, 5m, 12h, 7d)", s)
	}
	if t > math.MaxInt64-days {
		return 0, fmt.Errorf("invalid duration %q: longer than %dd", written, maxDays)
	}
	return Duration(days + t), nil
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalYAML implements yaml.Marshaler.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }
