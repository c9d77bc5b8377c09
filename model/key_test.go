package model

import "testing"

func TestParseKeySplitsAndStringRejoins(t *testing.T) {
	for _, tt := range []struct {
		text  string
		want  Key
		local string
	}{
		{"github:acme/core#7", Key{GitHub, "acme/core", 7}, "acme/core#7"},
		{"github:Acme/payments-api#1234", Key{GitHub, "Acme/payments-api", 1234}, "Acme/payments-api#1234"},
		{"jira:PAY-3", Key{Jira, "PAY", 3}, "PAY-3"},
		{"jira:CORE_2-10", Key{Jira, "CORE_2", 10}, "CORE_2-10"},
		{"github:acme/core#0", Key{GitHub, "acme/core", 0}, "acme/core#0"},
	} {
		got, ok := ParseKey(tt.text)
		if !ok || got != tt.want {
			t.Errorf("ParseKey(%q) = %+v, %v; want %+v, true", tt.text, got, ok, tt.want)
		}
		if s := got.String(); s != tt.text {
			t.Errorf("ParseKey(%q).String() = %q, want it back", tt.text, s)
		}
		if l := got.Local(); l != tt.local {
			t.Errorf("ParseKey(%q).Local() = %q, want %q", tt.text, l, tt.local)
		}
	}
}

func TestParseKeyRejectsWhatNoConnectorWrites(t *testing.T) {
	for _, s := range []string{
		"", "PAY-3", "gitlab:acme/core#1", "github:acme#1", "github:acme/core", "github:/core#1",
		"github:acme/core/x#1", "github:acme/core#", "github:acme/core#x", "github:acme/core#07",
		"github:acme/core#+7", "jira:PAY", "jira:-3", "jira:PAY-00", "jira:PAY-99999999999999999999",
	} {
		if k, ok := ParseKey(s); ok {
			t.Errorf("ParseKey(%q) = %+v, true; want false", s, k)
		}
	}
}

func TestKeyPrefixIsWhatEveryKeyOfThePlaceStartsWith(t *testing.T) {
	for _, tt := range []struct {
		system      System
		place, want string
	}{
		{GitHub, "acme/core", "github:acme/core#"},
		{Jira, "PAY", "jira:PAY-"},
		{Jira, "", "jira:"},
	} {
		if got := KeyPrefix(tt.system, tt.place); got != tt.want {
			t.Errorf("KeyPrefix(%s, %q) = %q, want %q", tt.system, tt.place, got, tt.want)
		}
	}
}
