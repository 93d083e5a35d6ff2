package spec

import (
	"reflect"
	"strings"
	"testing"
)

// synthetic builds a document with one operation, POST /x, whose form body
// is body, and the given component schemas; it covers what Stripe's
// document does not use today.
func synthetic(body, schemas string) string {
	if schemas == "" {
		schemas = "{}"
	}
	return `{"openapi":"3.0.0","info":{"title":"t","version":"1"},
	"components":{"schemas":` + schemas + `},
	"paths":{"/x":{"post":{"operationId":"PostX",
		"requestBody":{"content":{"application/x-www-form-urlencoded":{"schema":` + body + `}}},
		"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/thing"}}}}}}}}}`
}

func syntheticOp(t *testing.T, body, schemas string) *Op {
	t.Helper()
	reg, err := parse([]byte(synthetic(body, schemas)))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	op, ok := reg.ops[opKey("POST", "/x")]
	if !ok {
		t.Fatal("no POST /x")
	}
	return op
}

func TestValidateSynthetic(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		schemas string
		params  obj
		want    obj     // when err is empty
		err     wantErr // when code is set
	}{
		{
			name:   "number",
			body:   `{"type":"object","properties":{"n":{"type":"number"}}}`,
			params: obj{"n": "-1.25e2"},
			want:   obj{"n": -125.0},
		},
		{
			name:   "bad number",
			body:   `{"type":"object","properties":{"n":{"type":"number"}}}`,
			params: obj{"n": "NaN"},
			err:    wantErr{CodeInvalidNumber, "n", "Invalid number: NaN"},
		},
		{
			name:   "hexadecimal is not a number",
			body:   `{"type":"object","properties":{"n":{"type":"number"}}}`,
			params: obj{"n": "0x10"},
			err:    wantErr{CodeInvalidNumber, "n", "Invalid number: 0x10"},
		},
		{
			name:   "native JSON types are accepted",
			body:   `{"type":"object","properties":{"i":{"type":"integer"},"n":{"type":"number"},"b":{"type":"boolean"}}}`,
			params: obj{"i": 3.0, "n": int64(2), "b": true},
			want:   obj{"i": int64(3), "n": 2.0, "b": true},
		},
		{
			name:    "reference",
			body:    `{"type":"object","properties":{"a":{"$ref":"#/components/schemas/addr"}}}`,
			schemas: `{"addr":{"type":"object","properties":{"zip":{"type":"string","maxLength":5}},"required":["zip"]},"thing":{"type":"object"}}`,
			params:  obj{"a": obj{}},
			err:     wantErr{CodeMissing, "a[zip]", ""},
		},
		{
			name:    "recursive reference",
			body:    `{"$ref":"#/components/schemas/tree"}`,
			schemas: `{"tree":{"type":"object","properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#/components/schemas/tree"}}}},"thing":{"type":"object"}}`,
			params:  obj{"kids": arr{obj{"kids": arr{obj{"v": "x"}}}}},
			err:     wantErr{CodeInvalidInteger, "kids[0][kids][0][v]", ""},
		},
		{
			name:   "oneOf is read like anyOf",
			body:   `{"type":"object","properties":{"o":{"oneOf":[{"type":"boolean"},{"type":"integer"}]}}}`,
			params: obj{"o": "7"},
			want:   obj{"o": int64(7)},
		},
		{
			name:   "deepest error among alternatives",
			body:   `{"type":"object","properties":{"o":{"anyOf":[{"type":"object","properties":{"a":{"type":"integer"}}},{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"integer"}}}}}]}}}`,
			params: obj{"o": obj{"a": obj{"b": "x"}}},
			err:    wantErr{CodeInvalidInteger, "o[a][b]", ""},
		},
		{
			name:   "free-form object",
			body:   `{"type":"object","properties":{"h":{"type":"object"}}}`,
			params: obj{"h": obj{"anything": obj{"goes": "here"}}},
			want:   obj{"h": obj{"anything": obj{"goes": "here"}}},
		},
		{
			name:   "additionalProperties true",
			body:   `{"type":"object","properties":{"a":{"type":"integer"}},"additionalProperties":true}`,
			params: obj{"a": "1", "b": "2"},
			want:   obj{"a": int64(1), "b": "2"},
		},
		{
			name:   "map of integers",
			body:   `{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"integer"}}}}`,
			params: obj{"m": obj{"a": "1", "b": "z"}},
			err:    wantErr{CodeInvalidInteger, "m[b]", ""},
		},
		{
			name:   "no type accepts anything",
			body:   `{"type":"object","properties":{"x":{}}}`,
			params: obj{"x": arr{"1"}},
			want:   obj{"x": arr{"1"}},
		},
		{
			name:   "characters, not bytes, are counted",
			body:   `{"type":"object","properties":{"s":{"type":"string","maxLength":3}}}`,
			params: obj{"s": "héé"},
			want:   obj{"s": "héé"},
		},
		{
			name:   "single-value enum",
			body:   `{"type":"object","properties":{"s":{"type":"string","enum":["only"]}}}`,
			params: obj{"s": "other"},
			err:    wantErr{CodeInvalidEnum, "s", "Invalid s: must be only"},
		},
		{
			name:   "enum that includes the empty string",
			body:   `{"type":"object","properties":{"s":{"type":"string","enum":["","a"]}}}`,
			params: obj{"s": ""},
			want:   obj{"s": ""},
		},
		{
			name:   "long values are cut in messages",
			body:   `{"type":"object","properties":{"i":{"type":"integer"}}}`,
			params: obj{"i": strings.Repeat("9", 80)},
			err:    wantErr{CodeInvalidInteger, "i", "Invalid integer: " + strings.Repeat("9", 50) + "..."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schemas := tt.schemas
			if schemas == "" {
				schemas = `{"thing":{"type":"object"}}`
			}
			got, err := syntheticOp(t, tt.body, schemas).Validate(tt.params)
			if tt.err.code != "" {
				if err == nil {
					t.Fatalf("Validate = %v, want %s error", got, tt.err.code)
				}
				checkErr(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"not JSON", `{"paths":`, "unexpected end"},
		{"trailing data", synthetic(`{"type":"object"}`, "") + `{}`, "data after"},
		{"no paths", `{"openapi":"3.0.0"}`, "no paths"},
		{"allOf", synthetic(`{"type":"object","properties":{"a":{"allOf":[{"type":"string"}]}}}`, ""), "allOf"},
		{"unknown type", synthetic(`{"type":"object","properties":{"a":{"type":"date"}}}`, ""), `unsupported type "date"`},
		{"required not a property", synthetic(`{"type":"object","required":["a"]}`, ""), `required "a"`},
		{"body not an object", synthetic(`{"type":"string"}`, ""), "not an object"},
		{"dangling reference", synthetic(`{"$ref":"#/components/schemas/nope"}`, ""), `no schema "nope"`},
		{"remote reference", synthetic(`{"$ref":"other.json#/x"}`, ""), "unsupported $ref"},
		{"bad enum", synthetic(`{"type":"object","properties":{"a":{"type":"string","enum":{"x":1}}}}`, ""), "enum"},
		{"no 200 response", strings.Replace(synthetic(`{"type":"object"}`, ""), `"200"`, `"201"`, 1), "no 200 response"},
		{"no operationId", strings.Replace(synthetic(`{"type":"object"}`, ""), `"operationId":"PostX",`, "", 1), "no operationId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
