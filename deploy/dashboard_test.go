package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/batonhq/baton/internal/testtool"
)

type dashboard struct {
	SchemaVersion int     `json:"schemaVersion"`
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []struct {
			Type       string          `json:"type"`
			Name       string          `json:"name"`
			Query      json.RawMessage `json:"query"`
			Definition string          `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource *struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"` // of a collapsed row
}

func loadDashboard(t *testing.T) *dashboard {
	t.Helper()
	data, err := os.ReadFile("grafana/baton.json")
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatalf("grafana/baton.json: %v", err)
	}
	return &d
}

// allPanels flattens rows.
func allPanels(ps []panel) []panel {
	var out []panel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

func TestDashboardIsImportable(t *testing.T) {
	d := loadDashboard(t)
	if d.SchemaVersion < 39 || d.UID == "" || d.Title == "" {
		t.Errorf("got schemaVersion %d, uid %q, title %q; want >= 39 and both set", d.SchemaVersion, d.UID, d.Title)
	}
	hasDatasourceVar := false
	for _, v := range d.Templating.List {
		if v.Type == "datasource" && v.Name == "datasource" && string(v.Query) == `"prometheus"` {
			hasDatasourceVar = true
		}
	}
	if !hasDatasourceVar {
		t.Error(`no datasource variable named "datasource" of type prometheus`)
	}
	ids := map[int]string{}
	for _, p := range allPanels(d.Panels) {
		if prev, dup := ids[p.ID]; dup {
			t.Errorf("panels %q and %q share id %d", prev, p.Title, p.ID)
		}
		ids[p.ID] = p.Title
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.Type != "prometheus" || p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q: datasource %+v, want prometheus ${datasource}", p.Title, p.Datasource)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			if strings.TrimSpace(tg.Expr) == "" || tg.RefID == "" {
				t.Errorf("panel %q: query %q has an empty expr or refId", p.Title, tg.RefID)
			}
		}
	}
}

// TestDashboardQueriesUseExportedMetrics checks every PromQL expression
// (panels and variables) names only metrics baton exports, and that every
// baton family appears on some panel.
func TestDashboardQueriesUseExportedMetrics(t *testing.T) {
	families, series := exported(t)
	d := loadDashboard(t)
	used := map[string]bool{}
	check := func(where, expr string) {
		for _, n := range unknownNames(expr, series) {
			t.Errorf("%s: %s is not a metric baton exports (in %q)", where, n, expr)
		}
		for _, n := range batonName.FindAllString(expr, -1) {
			used[family(n, families)] = true
		}
	}
	for _, p := range allPanels(d.Panels) {
		for _, tg := range p.Targets {
			check("panel "+p.Title, tg.Expr)
		}
	}
	for _, v := range d.Templating.List {
		check("variable "+v.Name, v.Definition)
	}
	for f := range families {
		if !used[f] {
			t.Errorf("no dashboard panel shows %s", f)
		}
	}
}

// TestDashboardQueriesParse has promtool parse every panel's PromQL, with
// Grafana's variables replaced by values, as recording rules. CI must have
// promtool (deploy/check.sh installs it); elsewhere the test is skipped
// without it.
func TestDashboardQueriesParse(t *testing.T) {
	promtool := testtool.Find(t, "promtool", "run deploy/check.sh to install it")
	vars := strings.NewReplacer("$__rate_interval", "5m", "$team", ".*")
	type rule struct {
		Record string `yaml:"record"`
		Expr   string `yaml:"expr"`
	}
	var rules []rule
	for _, p := range allPanels(loadDashboard(t).Panels) {
		for _, tg := range p.Targets {
			rules = append(rules, rule{fmt.Sprintf("dashboard:panel%d_%s", p.ID, tg.RefID), vars.Replace(tg.Expr)})
		}
	}
	type group struct {
		Name  string `yaml:"name"`
		Rules []rule `yaml:"rules"`
	}
	data, err := yaml.Marshal(map[string][]group{"groups": {{"dashboard", rules}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dashboard-rules.yml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput(); err != nil {
		t.Errorf("promtool check rules over the dashboard's queries: %v\n%s", err, out)
	}
}
