package apisim

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton/apisim/githubsim"
	"github.com/batonhq/baton/config"
	jiraconn "github.com/batonhq/baton/connectors/jira"
)

func TestConfigYAMLLoadsWithTheGeneratedTeams(t *testing.T) {
	o := generate(t, DemoSpec())
	text := o.ConfigYAML("http://127.0.0.1:1/", "http://127.0.0.1:2")
	cfg, err := config.Parse("sim.yaml", []byte(text))
	if err != nil {
		t.Fatalf("parsing the generated config: %v\n%s", err, text)
	}
	if len(cfg.Sources) != 2 || cfg.Sources[0].Token.Reveal() != GitHubToken || cfg.Sources[1].Settings.(*jiraconn.Config).Email != JiraEmail ||
		cfg.Sources[1].Token.Reveal() != JiraToken || cfg.Sources[1].Settings.(*jiraconn.Config).JQL != "project in (PAY, CORE, PLAT, MOB)" {
		t.Errorf("sources %+v: want the simulators' credentials and JQL", cfg.Sources)
	}
	for i, tm := range o.Teams() {
		if diff := cmp.Diff(tm, cfg.Teams[i].Team); diff != "" {
			t.Errorf("team %d (-generated +config):\n%s", i, diff)
		}
	}
}

func TestMutateChangesOnlyBackgroundIssues(t *testing.T) {
	o := generate(t, DemoSpec())
	planted := map[string]bool{}
	for _, c := range o.Planted() {
		planted[c.Issue] = true
		for _, r := range c.Related {
			planted[r] = true
		}
	}
	before := snap(t, o)
	later := t0.Add(time.Hour)
	done := o.Mutate(rand.New(rand.NewPCG(1, 2)), 5, later)
	if len(done) != 5 {
		t.Fatalf("Mutate did %d changes, want 5: %q", len(done), done)
	}
	after := snap(t, o)
	changed := 0
	for i, k := range before.Keys {
		var b, a time.Time
		if i < len(before.GitHub) {
			b, a = before.GitHub[i].UpdatedAt, after.GitHub[i].UpdatedAt
		} else {
			b, a = before.Jira[i-len(before.GitHub)].Updated, after.Jira[i-len(before.GitHub)].Updated
		}
		if a.Equal(b) {
			continue
		}
		changed++
		if planted[k] || !a.Equal(later) {
			t.Errorf("%s: updated %v -> %v (planted %v)", k, b, a, planted[k])
		}
	}
	if changed == 0 || changed > 5 {
		t.Errorf("%d issues changed, want 1 to 5 (%q)", changed, done)
	}
}

func TestCloseFinishesAPlantedBlocker(t *testing.T) {
	o := generate(t, DemoSpec())
	var blocker string
	for _, c := range o.Planted() {
		if c.Rule == "blocked_by_stalled" && !c.NearMiss && strings.HasPrefix(c.Related[0], "jira:") {
			blocker = c.Related[0]
		}
	}
	if err := o.Close(blocker, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	is, _ := o.Jira.Issue(strings.TrimPrefix(blocker, "jira:"))
	if is.Resolution != "Done" {
		t.Errorf("%s: resolution %q after Close, want Done", blocker, is.Resolution)
	}
	if err := o.Close("github:acme/payments-api#1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if gh, _ := o.GitHub.Get(githubsim.IssueRef{Repo: "acme/payments-api", Number: 1}); gh.State != "closed" {
		t.Errorf("github:acme/payments-api#1: state %q after Close, want closed", gh.State)
	}
	if err := o.Close("gitlab:x#1", t0); err == nil || !strings.Contains(err.Error(), `"gitlab:x#1"`) {
		t.Errorf("Close of a foreign key: %v, want an error naming it", err)
	}
}

func TestServeAnswersWithTheGeneratedCredentialsUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	cfgPath, casesPath := filepath.Join(dir, "baton.yaml"), filepath.Join(dir, "cases.json")
	urls := make(chan [2]string, 1)
	errc := make(chan error, 1)
	spec := DemoSpec()
	spec.Now = t0
	go func() {
		errc <- Serve(ctx, ServeOptions{Spec: spec, GitHubAddr: "127.0.0.1:0", JiraAddr: "127.0.0.1:0", ConfigFile: cfgPath, CasesFile: casesPath,
			Ready: func(_ *Org, gh, jira string) { urls <- [2]string{gh, jira} }})
	}()
	var u [2]string
	select {
	case u = <-urls:
	case err := <-errc:
		t.Fatalf("Serve returned before listening: %v", err)
	}
	get := func(url string, auth func(*http.Request)) int {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		auth(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := get(u[0]+"repos/acme/core/issues", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+GitHubToken) }); c != 200 {
		t.Errorf("GitHub issues with the token: %d, want 200", c)
	}
	if c := get(u[1]+"/rest/api/2/myself", func(r *http.Request) { r.SetBasicAuth(JiraEmail, JiraToken) }); c != 200 {
		t.Errorf("Jira myself with the credentials: %d, want 200", c)
	}
	if data, err := os.ReadFile(cfgPath); err != nil || !strings.Contains(string(data), u[0]) {
		t.Errorf("config file: %v, want it to name %s:\n%s", err, u[0], data)
	}
	var cases []Case
	if data, err := os.ReadFile(casesPath); err != nil || json.Unmarshal(data, &cases) != nil {
		t.Errorf("cases file: %v:\n%s", err, data)
	}
	if diff := cmp.Diff(generate(t, spec).Planted(), cases); diff != "" {
		t.Errorf("cases file (-planted +file):\n%s", diff)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Serve after cancel: %v, want nil", err)
	}
}
