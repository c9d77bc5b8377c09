// Package jsonschema validates JSON against the subset of JSON Schema 2020-12
// that baton's published schemas (analysis/findings.schema.json) use, so
// that tests can check real output against the contract.
package jsonschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"time"
)

// Schema is the subset of JSON Schema 2020-12 baton's schemas use.
type Schema struct {
	Type                 string             `json:"type"`
	Required             []string           `json:"required"`
	Properties           map[string]*Schema `json:"properties"`
	AdditionalProperties *bool              `json:"additionalProperties"`
	Items                *Schema            `json:"items"`
	Enum                 []string           `json:"enum"`
	Pattern              string             `json:"pattern"`
	MinLength            int                `json:"minLength"`
	Format               string             `json:"format"`
}

// Load reads the schema at path.
func Load(path string) (*Schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Schema
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&s); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", path, err)
	}
	return &s, nil
}

// ValidateJSON validates the JSON text b.
func (s *Schema) ValidateJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return s.Validate(v, "$")
}

// Validate returns the first place, named from at, where v (as decoded by
// encoding/json into any) does not meet s.
func (s *Schema) Validate(v any, at string) error {
	switch s.Type {
	case "array":
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: %T, want an array", at, v)
		}
		for i, x := range a {
			if err := s.Items.Validate(x, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case "object":
		return s.validateObject(v, at)
	case "string":
		return s.validateString(v, at)
	default:
		return fmt.Errorf("%s: schema type %q is outside the subset this package knows", at, s.Type)
	}
	return nil
}

func (s *Schema) validateObject(v any, at string) error {
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
		if err := p.Validate(x, at+"."+k); err != nil {
			return err
		}
	}
	return nil
}

func (s *Schema) validateString(v any, at string) error {
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
