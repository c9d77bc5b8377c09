package config

import (
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	t.Setenv("BATON_A", "alpha")
	t.Setenv("BATON_EMPTY", "")
	for _, tc := range []struct{ in, want, err string }{
		{"plain", "plain", ""},
		{"${BATON_A}", "alpha", ""},
		{"x-${BATON_A}-${BATON_A}-y", "x-alpha-alpha-y", ""},
		{"${BATON_UNSET:-fallback}", "fallback", ""},
		{"${BATON_EMPTY:-fallback}", "fallback", ""},
		{"${BATON_EMPTY}", "", ""},
		{"${BATON_A:-fallback}", "alpha", ""},
		{"${BATON_UNSET:-}", "", ""},
		{"$${BATON_A}", "${BATON_A}", ""},
		{"cost $5 and $HOME", "cost $5 and $HOME", ""},
		{"${BATON_UNSET}", "", "environment variable BATON_UNSET is not set (write ${BATON_UNSET:-default} to give a default)"},
		{"${BATON_A", "", `"${" without a closing "}"`},
		{"${}", "", `malformed "${...}": want ${NAME} or ${NAME:-default}`},
		{"${9LIVES}", "", `malformed "${...}": want ${NAME} or ${NAME:-default}`},
		{"${A B}", "", `malformed "${...}": want ${NAME} or ${NAME:-default}`},
	} {
		got, err := expand(tc.in)
		if got != tc.want || errText(err) != nonEmpty(tc.err) {
			t.Errorf("expand(%q) = %q, %v; want %q, %s", tc.in, got, err, tc.want, nonEmpty(tc.err))
		}
	}
}

func nonEmpty(s string) string {
	if s == "" {
		return "<nil>"
	}
	return s
}

func TestExpansionIsNotReappliedOrParsedAsYAML(t *testing.T) {
	t.Setenv("BATON_TOKEN", "a: b # ${BATON_OTHER}")
	t.Setenv("BATON_PORT", "2525")
	t.Setenv("BATON_NULL", "null")
	cfg := mustParse(t, base+"rollup: {smtp: {port: \"${BATON_PORT}\", username: ${BATON_NULL}}}\n"+
		"storage: {path: ${BATON_TOKEN}}\n")
	if got := cfg.Rollup.SMTP.Username; got != "null" {
		t.Errorf("username from ${BATON_NULL} = %q, want the text null", got)
	}
	if got, want := cfg.Storage.Path, "a: b # ${BATON_OTHER}"; got != want {
		t.Errorf("storage.path = %q, want the variable's text verbatim %q", got, want)
	}
	if got := cfg.Rollup.SMTP.Port; got != 2525 {
		t.Errorf("port from ${BATON_PORT} = %d, want 2525", got)
	}
}

func TestAliasesExpandOnce(t *testing.T) {
	t.Setenv("BATON_REPO", "acme/core")
	t.Setenv("BATON_LABEL", "$${literal}")
	cfg := mustParse(t, `
sources:
  - {name: gh, type: github, token: t, repos: [&repo "${BATON_REPO}"]}
teams:
  - {name: a, github_repos: [*repo], labels: [&l "${BATON_LABEL}"]}
  - {name: b, labels: [*l]}
`)
	if got := cfg.Teams[0].GitHubRepos[0]; got != "acme/core" {
		t.Errorf("aliased repo = %q, want acme/core", got)
	}
	if a, b := cfg.Teams[0].Labels[0], cfg.Teams[1].Labels[0]; a != "$${literal}" || b != a {
		t.Errorf("labels = %q, %q; want the variable's value, unexpanded, in both", a, b)
	}
}

func TestReferencesInFlowStyle(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghp_flow")
	cfg := mustParse(t, `
sources:
  - {name: github, type: github, url: https://api.github.com/, token: ${GITHUB_TOKEN},
     repos: [acme/payments-api, acme/core], interval: ${BATON_UNSET:-5m}}
teams:
  - {name: payments, labels: [$${NOT_A_VAR}], email: []}
`)
	if got := cfg.Sources[0].Token.Reveal(); got != "ghp_flow" {
		t.Errorf("token = %q, want ghp_flow", got)
	}
	if got := cfg.Teams[0].Labels[0]; got != "${NOT_A_VAR}" {
		t.Errorf("label = %q, want ${NOT_A_VAR}", got)
	}
}

func TestProtectRestoreRoundTrip(t *testing.T) {
	in := "a: ${X}\nb: {c: $${Y}, d: ${Z:-1}}\ne: ${unclosed\nf: \"${Q}\"\ng: {h: ${}, i: \"x${\"}\n"
	out, r := protect([]byte(in))
	if n := strings.Count(string(out), "${"); n != 3 || len(r) != 4 {
		t.Errorf("protect(%q) = %q with %d refs; want only the 3 malformed ${ left and 4 refs", in, out, len(r))
	}
	if got := r.restore(string(out)); got != in {
		t.Errorf("restore(protect(x)) = %q, want %q", got, in)
	}
}
