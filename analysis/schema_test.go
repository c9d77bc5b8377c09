package analysis

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/batonhq/baton/internal/jsonschema"
)

func loadSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.Load("findings.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFindingsJSONMatchesSchema(t *testing.T) {
	s := loadSchema(t)
	acked := analyzeAcked(inversionAt(2), inversionAck).All()
	for name, fs := range map[string][]Finding{"scenario": scenario().Findings, "none": {}, "acknowledged": acked} {
		b, err := json.Marshal(fs)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: output is not JSON: %v", name, err)
		}
		if err := s.Validate(v, "$"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The schema's enums must follow the rules and kinds the code knows, and
// the validator must catch what it claims to: guard both against drift.
func TestSchemaEnumsAndValidatorAgreeWithTheCode(t *testing.T) {
	s := loadSchema(t)
	item := s.Items
	if got, want := item.Properties["rule"].Enum, slices.Concat(StalledRules, MisalignedRules); !slices.Equal(got, want) {
		t.Errorf("schema rules %v, want %v", got, want)
	}
	if got, want := item.Properties["kind"].Enum, []string{KindStalled, KindMisaligned}; !slices.Equal(got, want) {
		t.Errorf("schema kinds %v, want %v", got, want)
	}
	if got, want := item.Properties["severity"].Enum, []string{SeverityCritical, SeverityWarning, SeverityInfo}; !slices.Equal(got, want) {
		t.Errorf("schema severities %v, want %v", got, want)
	}
	good := scenario().Findings[0]
	for name, mutate := range map[string]func(map[string]any){
		"unknown rule":    func(m map[string]any) { m["rule"] = "stale" },
		"missing team":    func(m map[string]any) { delete(m, "team") },
		"null related":    func(m map[string]any) { m["related"] = nil },
		"extra field":     func(m map[string]any) { m["owner"] = "bob" },
		"bad since":       func(m map[string]any) { m["since"] = "yesterday" },
		"bad issue key":   func(m map[string]any) { m["issue"] = "PAY-1" },
		"empty next step": func(m map[string]any) { m["next_step"] = "" },
		"ack sans reason": func(m map[string]any) { m["acknowledged"] = map[string]any{"until": "2026-12-01T00:00:00Z", "by": "x"} },
		"ack extra field": func(m map[string]any) {
			m["acknowledged"] = map[string]any{"until": "2026-12-01T00:00:00Z", "reason": "r", "by": "x", "id": "1"}
		},
	} {
		b, _ := json.Marshal([]Finding{good})
		var v []any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		mutate(v[0].(map[string]any))
		if err := s.Validate(v, "$"); err == nil {
			t.Errorf("%s: validated, want an error", name)
		}
	}
}
