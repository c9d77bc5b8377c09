package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"
)

// schema is the subset of JSON Schema 2020-12 findings.schema.json uses.
type schema struct {
	Type                 string             `json:"type"`
	Required             []string           `json:"required"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties *bool              `json:"additionalProperties"`
	Items                *schema            `json:"items"`
	Enum                 []string           `json:"enum"`
	Pattern              string             `json:"pattern"`
	MinLength            int                `json:"minLength"`
	Format               string             `json:"format"`
}

// validate returns the first place where v does not meet s.
func (s *schema) validate(v any, at string) error {
	switch s.Type {
	case "array":
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: %T, want an array", at, v)
		}
		for i, x := range a {
			if err := s.Items.validate(x, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case "object":
		return s.validateObject(v, at)
	case "string":
		return s.validateString(v, at)
	default:
		return fmt.Errorf("%s: schema type %q is outside the subset this test knows", at, s.Type)
	}
	return nil
}

func (s *schema) validateObject(v any, at string) error {
	o, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: %T, want an object", at, v)
	}
	for _, k := range s.Required {
		if _, ok := o[k]; !ok {
			return fmt.Errorf("%s: required %q is missing", at, k)
		}
	}
	for k, x := range o {
		p, ok := s.Properties[k]
		if !ok {
			if s.AdditionalProperties != nil && !*s.AdditionalProperties {
				return fmt.Errorf("%s: %q is not in the schema", at, k)
			}
			continue
		}
		if err := p.validate(x, at+"."+k); err != nil {
			return err
		}
	}
	return nil
}

func (s *schema) validateString(v any, at string) error {
	str, ok := v.(string)
	switch {
	case !ok:
		return fmt.Errorf("%s: %T, want a string", at, v)
	case len(s.Enum) > 0 && !slices.Contains(s.Enum, str):
		return fmt.Errorf("%s: %q is not one of %v", at, str, s.Enum)
	case len(str) < s.MinLength:
		return fmt.Errorf("%s: %q is shorter than %d", at, str, s.MinLength)
	case s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(str):
		return fmt.Errorf("%s: %q does not match %s", at, str, s.Pattern)
	}
	if s.Format == "date-time" {
		if _, err := time.Parse(time.RFC3339, str); err != nil {
			return fmt.Errorf("%s: %q is not a date-time: %v", at, str, err)
		}
	}
	return nil
}

func loadSchema(t *testing.T) *schema {
	t.Helper()
	b, err := os.ReadFile("findings.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s schema
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("decoding findings.schema.json: %v", err)
	}
	return &s
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
		if err := s.validate(v, "$"); err != nil {
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
		if err := s.validate(v, "$"); err == nil {
			t.Errorf("%s: validated, want an error", name)
		}
	}
}
