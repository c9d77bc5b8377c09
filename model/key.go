package model

import (
	"strconv"
	"strings"
)

// Key identifies an issue in the system it lives in. Its text, the Key of an
// Issue and the ends of a Link, is "github:owner/repo#N" or "jira:PROJECT-N":
// deterministic, so a re-sync upserts rather than duplicates.
type Key struct {
	System System
	// Place is where the issue lives: "owner/repo" on GitHub, the project
	// key on Jira.
	Place  string
	Number int
}

// GitHubKey is the key of issue number n of owner/repo, lower-cased.
func GitHubKey(owner, repo string, n int) string {
	return Key{GitHub, strings.ToLower(owner + "/" + repo), n}.String()
}

// JiraKey is the key of the Jira issue with the given issue key (e.g. PAY-3),
// upper-cased.
func JiraKey(issueKey string) string {
	return KeyPrefix(Jira, "") + strings.ToUpper(issueKey)
}

// ParseKey splits the text of a key into its parts; ok is false when s is not
// the key of a GitHub or Jira issue. Case is kept: ParseKey(s).String() == s.
func ParseKey(s string) (k Key, ok bool) {
	sys, rest, _ := strings.Cut(s, ":")
	k.System = System(sys)
	sep := k.System.numberSeparator()
	i := strings.LastIndexByte(rest, sep)
	if sep == 0 || i <= 0 {
		return Key{}, false
	}
	k.Place = rest[:i]
	if k.System == GitHub && !validRepo(k.Place) {
		return Key{}, false
	}
	n := rest[i+1:]
	if n == "" || n[0] == '0' && n != "0" || strings.Trim(n, "0123456789") != "" {
		return Key{}, false // a sign or leading zero would not survive String
	}
	var err error
	k.Number, err = strconv.Atoi(n)
	return k, err == nil
}

// String is the key's text, "github:owner/repo#N" or "jira:PROJECT-N".
func (k Key) String() string { return string(k.System) + ":" + k.Local() }

// Local is the key without its system, as people write it in the tracker:
// "owner/repo#N" or "PROJECT-N".
func (k Key) Local() string {
	return k.Place + string(k.System.numberSeparator()) + strconv.Itoa(k.Number)
}

// KeyPrefix is what every key of system's issues in place begins with:
// "github:acme/core#" for a repository, "jira:PAY-" for a project, "jira:"
// for every issue of the system when place is "".
func KeyPrefix(system System, place string) string {
	if place == "" {
		return string(system) + ":"
	}
	return string(system) + ":" + place + string(system.numberSeparator())
}

// numberSeparator is the byte between place and number in a key of the
// system, 0 for an unknown system.
func (s System) numberSeparator() byte {
	switch s {
	case GitHub:
		return '#'
	case Jira:
		return '-'
	}
	return 0
}

func validRepo(place string) bool {
	owner, repo, ok := strings.Cut(place, "/")
	return ok && owner != "" && repo != "" && !strings.Contains(repo, "/")
}
