package textref

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func keys(refs []Ref) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.Key)
	}
	return out
}

func TestBlockers(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"local number", "Blocked by #12", []string{"github:acme/web#12"}},
		{"lower case in a sentence", "We are blocked by #3 until the API lands.", []string{"github:acme/web#3"}},
		{"depends on other repo", "This depends on acme/core#7.", []string{"github:acme/core#7"}},
		{"owner and repo are lower-cased", "depends on Acme/Core#7", []string{"github:acme/core#7"}},
		{"issue URL", "blocked by https://github.com/acme/core/issues/9", []string{"github:acme/core#9"}},
		{"issue URL on an unknown host", "blocked by https://gitlab.com/acme/core/issues/9", nil},
		{"issue URL on a configured host", "blocked by https://ghe.example.com/acme/core/issues/9", []string{"github:acme/core#9"}},
		{"jira key", "Blocked by PAY-14", []string{"jira:PAY-14"}},
		{"colon and list of several", "Blocked by: #1, #2 and acme/core#3, PAY-4", []string{
			"github:acme/web#1", "github:acme/web#2", "github:acme/core#3", "jira:PAY-4"}},
		{"bold phrase", "**Blocked by:** #5", []string{"github:acme/web#5"}},
		{"list under a heading line", "Blocked by:\n- #4\n* acme/core#5\n1. PAY-6\n\nnot #7", []string{
			"github:acme/web#4", "github:acme/core#5", "jira:PAY-6"}},
		{"task list items", "Depends on:\n- [ ] #8\n- [x] #9", []string{"github:acme/web#8", "github:acme/web#9"}},
		{"several phrases deduplicated", "blocked by #1. Also depends on #2 and blocked by #1 again", []string{
			"github:acme/web#1", "github:acme/web#2"}},
		{"mentions without phrase are not blockers", "See #4 and acme/core#5; relates to PAY-1", nil},
		{"phrase without ref", "This is blocked by the design review", nil},
		{"ref after other words does not count", "blocked by the fix in #4", nil},
		{"unblocked is not blocked", "unblocked by #4", nil},
		{"glued suffix is not a ref", "blocked by #12abc", nil},
		{"lower-case jira-like word is not a key", "depends on pay-14", nil},
		{"fenced code", "```\nblocked by #1\n```\nblocked by #2", []string{"github:acme/web#2"}},
		{"tilde fence", "~~~go\nblocked by #1\n~~~\n", nil},
		{"unclosed fence hides the rest", "```\nblocked by #1", nil},
		{"indented code", "Example:\n\n    blocked by #1\n\nblocked by #2", []string{"github:acme/web#2"}},
		{"indented continuation of a paragraph is prose", "Note that we are\n    blocked by #6", []string{"github:acme/web#6"}},
		{"inline code", "write `blocked by #1` to declare; blocked by #2", []string{"github:acme/web#2"}},
		{"unmatched backtick is literal", "a ` b, blocked by #3", []string{"github:acme/web#3"}},
		{"quoted line", "> blocked by #1\nblocked by #2", []string{"github:acme/web#2"}},
		{"jira code block", "{code}\nblocked by PAY-1\n{code}\nblocked by PAY-2", []string{"jira:PAY-2"}},
		{"jira noformat block", "{noformat}blocked by PAY-1{noformat} blocked by PAY-2", nil},
		{"jira quote", "bq. blocked by PAY-1", nil},
		{"windows line endings", "Blocked by:\r\n- #4\r\n", []string{"github:acme/web#4"}},
		{"zero is not an issue", "blocked by #0", nil},
		{"or between refs", "depends on #1 or #2", []string{"github:acme/web#1", "github:acme/web#2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys(Blockers(tt.text, "acme", "web", "ghe.example.com"))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Blockers(%q) keys (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestBlockersWithoutRepoIgnoresLocalNumbers(t *testing.T) {
	got := keys(Blockers("Blocked by #12 and PAY-3 and acme/core#1", "", ""))
	want := []string{"jira:PAY-3", "github:acme/core#1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
}

func TestBlockersRawNamesThePhrase(t *testing.T) {
	got := Blockers("Depends on: PAY-3", "acme", "web")
	want := []Ref{{Key: "jira:PAY-3", Raw: "Depends on: PAY-3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
}

func TestTitleMirror(t *testing.T) {
	tests := []struct {
		title  string
		want   string
		wantOK bool
	}{
		{"[PAY-3] Fix x", "jira:PAY-3", true},
		{"  [pay-3] lower case", "jira:PAY-3", true},
		{"Fix [PAY-3] later", "", false},
		{"[WIP] Fix x", "", false},
		{"PAY-3 without brackets", "", false},
	}
	for _, tt := range tests {
		got, ok := TitleMirror(tt.title)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("TitleMirror(%q) = %q, %v; want %q, %v", tt.title, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestGitHubIssueURLs(t *testing.T) {
	text := "GitHub: https://github.com/Acme/Core/issues/7 (also https://github.com/acme/core/issues/7)\n" +
		"{code}https://ghe.example.com/x/y/issues/2{code} https://gitlab.com/a/b/issues/3 " +
		"https://github.com/acme/core/pull/4 https://github.com/acme/core/issues/12abc"
	got := GitHubIssueURLs(text, "ghe.example.com")
	want := []string{"github:acme/core#7", "github:x/y#2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GitHubIssueURLs (-want +got):\n%s", diff)
	}
}

func FuzzBlockers(f *testing.F) {
	for _, s := range []string{
		"Blocked by #12", "Blocked by:\n- #4\n- PAY-1", "```\nblocked by #1", "`a` ``b`` blocked by x/y#1",
		"depends on https://github.com/a/b/issues/1, and #2", "{code}blocked by A-1", "    blocked by #1",
		"blocked by #99999999999999999999999", "BLOCKED\tBY #3", "DePeNdS On #4", "bloc\u212aed by #5", "depend\u017f on #6",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if trigger.MatchString(text) && !mayHaveTrigger(text) {
			t.Fatalf("mayHaveTrigger(%q) is false, but the trigger matches", text)
		}
		seen := map[string]bool{}
		for _, r := range Blockers(text, "acme", "web") {
			if !strings.HasPrefix(r.Key, "github:") && !strings.HasPrefix(r.Key, "jira:") {
				t.Fatalf("Blockers(%q) returned key %q", text, r.Key)
			}
			if seen[r.Key] {
				t.Fatalf("Blockers(%q) returned %q twice", text, r.Key)
			}
			seen[r.Key] = true
		}
		_ = GitHubIssueURLs(text)
		_, _ = TitleMirror(text)
	})
}
