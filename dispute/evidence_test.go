package dispute

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/localissuing/localissuing/spec"
)

func TestEvidenceMerge(t *testing.T) {
	start := func() evidence {
		return evidence{Reason: "fraudulent", Given: map[string]map[string]any{
			"fraudulent":   {"explanation": "stolen", "additional_documentation": "file_1"},
			"not_received": {"product_type": "merchandise"},
		}}
	}
	tests := []struct {
		name   string
		param  map[string]any
		reason string
		given  map[string]map[string]any
	}{
		{"reason only", map[string]any{"reason": "other"}, "other", start().Given},
		{"set a field", map[string]any{"fraudulent": map[string]any{"explanation": "lost"}}, "fraudulent",
			map[string]map[string]any{"fraudulent": {"explanation": "lost", "additional_documentation": "file_1"}, "not_received": {"product_type": "merchandise"}}},
		{"unset a field", map[string]any{"fraudulent": map[string]any{"additional_documentation": ""}}, "fraudulent",
			map[string]map[string]any{"fraudulent": {"explanation": "stolen"}, "not_received": {"product_type": "merchandise"}}},
		{"unset a reason's evidence", map[string]any{"not_received": ""}, "fraudulent",
			map[string]map[string]any{"fraudulent": {"explanation": "stolen", "additional_documentation": "file_1"}}},
		{"new reason with evidence", map[string]any{"reason": "canceled", "canceled": map[string]any{"canceled_at": float64(1700000000)}}, "canceled",
			map[string]map[string]any{"fraudulent": {"explanation": "stolen", "additional_documentation": "file_1"},
				"not_received": {"product_type": "merchandise"}, "canceled": {"canceled_at": float64(1700000000)}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := start()
			original := e.Given
			e.merge(tc.param)
			if e.Reason != tc.reason || !reflect.DeepEqual(e.Given, tc.given) {
				t.Errorf("merged = %s %v, want %s %v", e.Reason, e.Given, tc.reason, tc.given)
			}
			// What an earlier view of the dispute shows never changes
			// under it.
			if !reflect.DeepEqual(original, start().Given) {
				t.Errorf("merge changed the evidence it started from: %v", original)
			}
		})
	}
}

func TestEvidenceRender(t *testing.T) {
	e := evidence{Reason: "other", Given: map[string]map[string]any{"fraudulent": {"explanation": "stolen"}}}
	got := e.render()
	other, ok := got["other"].(map[string]any)
	if !ok || len(other) != len(evidenceFields["other"]) || other["explanation"] != nil {
		t.Errorf("the current reason's hash = %v, want every field null", got["other"])
	}
	fraud, ok := got["fraudulent"].(map[string]any)
	if !ok || fraud["explanation"] != "stolen" || fraud["additional_documentation"] != nil {
		t.Errorf("given evidence = %v", got["fraudulent"])
	}
	if _, ok := got["duplicate"]; ok || got["reason"] != "other" {
		t.Errorf("render = %v", got)
	}
	if err := e.checkSubmittable(); err == nil {
		t.Errorf("submittable without evidence for its reason")
	}
	e.Reason = "fraudulent"
	if err := e.checkSubmittable(); err != nil {
		t.Errorf("not submittable with an explanation: %v", err)
	}
}

// TestEvidenceFieldsMatchSpec checks the table of evidence fields against
// the response schemas of the OpenAPI document.
func TestEvidenceFieldsMatchSpec(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(spec.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	reasons := doc.Components.Schemas["issuing_dispute_evidence"].Properties
	if len(reasons) != len(evidenceFields)+1 {
		t.Errorf("the document has %d evidence properties, the table %d reasons (+ reason)", len(reasons), len(evidenceFields))
	}
	for reason, fields := range evidenceFields {
		schema, ok := doc.Components.Schemas["issuing_dispute_"+reason+"_evidence"]
		if !ok {
			t.Errorf("no schema for reason %s", reason)
			continue
		}
		var want []string
		for name := range schema.Properties {
			want = append(want, name)
		}
		slices.Sort(want)
		if !slices.Equal(want, fields) {
			t.Errorf("%s: table %v, document %v", reason, fields, want)
		}
	}
}
