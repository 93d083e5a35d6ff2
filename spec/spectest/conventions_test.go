package spectest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestCheckConventions(t *testing.T) {
	const schemaJSON = `{
	  "type": "object",
	  "properties": {
	    "id": {"type": "string"},
	    "note": {"type": "string", "nullable": true},
	    "extra": {"type": "string", "nullable": true},
	    "child": {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"a": {"type": "integer", "nullable": true}}}], "nullable": true},
	    "tags": {"type": "object", "additionalProperties": {"type": "object", "properties": {"v": {"type": "string"}}}},
	    "free": {"type": "object"},
	    "closed": {"type": "object", "additionalProperties": false},
	    "items": {"type": "array", "items": {"type": "object", "properties": {"k": {"type": "string", "nullable": true}}}}
	  },
	  "x-includableFields": ["extra"]
	}`
	var schema openapi3.Schema
	if err := json.Unmarshal([]byte(schemaJSON), &schema); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		value string
		want  []string
	}{
		{"complete", `{"id":"x","note":null,"child":null,"tags":{},"free":{"any":1},"closed":{},"items":[]}`, nil},
		{"includable nullable may be absent", `{"note":"n","child":"id_1"}`, nil},
		{"missing nullable", `{"child":null}`, []string{"note: nullable property is missing (send null instead)"}},
		{"anyOf object alternative", `{"note":null,"child":{"b":1}}`, []string{
			"child.a: nullable property is missing (send null instead)",
			"child.b: property is not in the schema"}},
		{"map values", `{"note":null,"child":null,"tags":{"t":{"v":"1","w":"2"}}}`, []string{"tags.t.w: property is not in the schema"}},
		{"explicitly closed", `{"note":null,"child":null,"closed":{"z":1}}`, []string{"closed.z: property is not in the schema"}},
		{"array items", `{"note":null,"child":null,"items":[{"k":null},{}]}`, []string{"items[1].k: nullable property is missing (send null instead)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var value any
			if err := json.Unmarshal([]byte(tt.value), &value); err != nil {
				t.Fatal(err)
			}
			var got []string
			checkConventions(&schema, value, "", &got)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
		})
	}
}
