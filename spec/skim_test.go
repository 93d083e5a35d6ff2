package spec

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestSkipValue(t *testing.T) {
	tests := []struct {
		in   string
		want int // -1 for an error
	}{
		{`"a"rest`, 3},
		{`"a\"b"x`, 6},
		{`"a\\"x`, 5},
		{`"a\\\"b"x`, 8},
		{`{"a":[1,{"b":"}"}]},`, 19},
		{`[]]`, 2},
		{`123,`, 3},
		{`true}`, 4},
		{`"open`, -1},
		{`{"a":1`, -1},
		{`,`, -1},
		{``, -1},
	}
	for _, tt := range tests {
		got, err := skipValue([]byte(tt.in), 0)
		if tt.want < 0 {
			if err == nil {
				t.Errorf("skipValue(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("skipValue(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

// FuzzSkimDocument checks skimDocument against encoding/json: on valid
// JSON it must find the same paths and schemas, and on anything it must
// not panic.
func FuzzSkimDocument(f *testing.F) {
	f.Add([]byte(`{"paths":{}}`))
	f.Add([]byte(` {"components":{"schemas":{"a":{"b":"\"}"},"b":[]}},"paths":[1], "x":null} `))
	f.Add([]byte(`{"pa\u0074hs":{"/x":{}},"components":{"other":1,"schemas":{"\u00e9":{}}}}`))
	f.Add([]byte(synthetic(`{"type":"object"}`, `{"thing":{"type":"object"}}`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		schemas := map[string]json.RawMessage{}
		paths, err := skimDocument(data, schemas)
		if !json.Valid(data) {
			return // only the absence of a panic is checked
		}
		wantPaths, wantSchemas, ok := decodeForSkim(data)
		if !ok {
			if err == nil {
				t.Fatalf("skimDocument accepted %q", data)
			}
			return
		}
		if err != nil {
			t.Fatalf("skimDocument(%q): %v", data, err)
		}
		if !bytes.Equal(paths, wantPaths) {
			t.Fatalf("paths = %q, want %q", paths, wantPaths)
		}
		if len(schemas) != len(wantSchemas) {
			t.Fatalf("schemas = %q, want %q", schemas, wantSchemas)
		}
		for k, v := range wantSchemas {
			if !bytes.Equal(schemas[k], v) {
				t.Fatalf("schemas[%q] = %q, want %q", k, schemas[k], v)
			}
		}
	})
}

// decodeForSkim finds with encoding/json what skimDocument should; ok is
// false when skimDocument should fail.
func decodeForSkim(data []byte) (paths json.RawMessage, schemas map[string]json.RawMessage, ok bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil || top == nil {
		return nil, nil, false
	}
	paths, ok = top["paths"]
	if !ok {
		return nil, nil, false
	}
	schemas = map[string]json.RawMessage{}
	comp, ok := top["components"]
	if !ok {
		return paths, schemas, true
	}
	var components map[string]json.RawMessage
	if json.Unmarshal(comp, &components) != nil || components == nil {
		return nil, nil, false
	}
	raw, ok := components["schemas"]
	if !ok {
		return paths, schemas, true
	}
	if bytes.Equal(raw, []byte("null")) || json.Unmarshal(raw, &schemas) != nil {
		return nil, nil, false
	}
	return paths, schemas, true
}
