package docgen

import (
	"strings"
	"testing"
)

// base is a small OpenAPI document with the shapes Stripe's uses.
const base = `{
  "openapi": "3.0.0",
  "info": {"title": "Stripe API", "version": "1", "description": "prose", "contact": {"name": "x"}, "x-stripeSpecFilename": "spec3"},
  "servers": [{"url": "https://api.example/", "description": "prose"}],
  "paths": {
    "/v1/things/{thing}": {
      "get": {
        "operationId": "GetThing",
        "summary": "prose",
        "description": "prose",
        "x-stripeOperations": [{"method_name": "retrieve"}],
        "parameters": [{"name": "thing", "in": "path", "required": true, "description": "prose", "schema": {"type": "string", "maxLength": 5000}}],
        "responses": {
          "200": {"description": "Successful response.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/thing"}}}}
        }
      }
    }
  },
  "components": {
    "schemas": {
      "thing": {
        "title": "Thing",
        "description": "prose",
        "type": "object",
        "properties": {
          "description": {"type": "string", "nullable": true, "description": "prose"},
          "title": {"type": "string"},
          "amount": {"type": "number", "maximum": 1.50e3},
          "card": {"anyOf": [{"type": "string"}, {"$ref": "#/components/schemas/thing"}], "x-expansionResources": {"oneOf": [{"$ref": "#/components/schemas/thing", "description": "kept: extension values are data"}]}}
        },
        "x-expandableFields": ["card"],
        "x-resourceId": "thing"
      }
    }
  }
}`

func TestGenerateStrips(t *testing.T) {
	out, err := Generate([]byte(base), nil)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(out)
	for _, want := range []string{
		`"info":{"title":"Stripe API","version":"1"}`,
		`"servers":[{"url":"https://api.example/"}]`,
		`"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/thing"}}},"description":"Successful response."}`,
		`"description":{"nullable":true,"type":"string"}`,
		`"title":{"type":"string"}`,
		`"maximum":1.50e3`,
		`"description":"kept: extension values are data"`,
		`"x-expandableFields":["card"]`,
		`"x-resourceId":"thing"`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("output lacks %s\n%s", want, doc)
		}
	}
	for _, gone := range []string{`"prose"`, `"summary"`, `"Thing"`, `x-stripeOperations`, `x-stripeSpecFilename`, `"contact"`} {
		if strings.Contains(doc, gone) {
			t.Errorf("output still has %s\n%s", gone, doc)
		}
	}
	if strings.Contains(doc, "\n ") || !strings.HasSuffix(doc, "}\n") {
		t.Errorf("output is not compact JSON ending in a newline:\n%s", doc)
	}
	again, err := Generate([]byte(base), nil)
	if err != nil || string(again) != doc {
		t.Errorf("a second run gave different output (err %v)", err)
	}
}

func TestGenerateMerges(t *testing.T) {
	additions := `{
	  "paths": {
	    "/v1/things/{thing}": {"post": {"operationId": "PostThing", "description": "ours", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/extra"}}}}}}},
	    "/v1/test_helpers/things": {"post": {"operationId": "PostTestThing", "responses": {"200": {"description": "ok"}}}}
	  },
	  "components": {"schemas": {
	    "extra": {"type": "object", "description": "ours"},
	    "thing": {"x-includableFields": ["title"]}
	  }}
	}`
	out, err := Generate([]byte(base), []byte(additions))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(out)
	for _, want := range []string{
		`"operationId":"GetThing"`,
		`"post":{"operationId":"PostThing"`,
		`"/v1/test_helpers/things":{"post":{"operationId":"PostTestThing"`,
		`"extra":{"type":"object"}`,
		`"x-includableFields":["title"]`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("output lacks %s\n%s", want, doc)
		}
	}
	if strings.Contains(doc, `"ours"`) {
		t.Errorf("prose of the additions was not stripped:\n%s", doc)
	}
}

func TestGenerateRejects(t *testing.T) {
	tests := []struct {
		name, additions, want string
	}{
		{"operation already defined", `{"paths":{"/v1/things/{thing}":{"get":{"operationId":"X","responses":{}}}}}`, "already in the base document"},
		{"schema keyword changed", `{"components":{"schemas":{"thing":{"type":"string"}}}}`, "only x- extensions"},
		{"extension already present", `{"components":{"schemas":{"thing":{"x-resourceId":"other"}}}}`, "already in the base document"},
		{"unknown top-level key", `{"info":{}}`, "unsupported top-level key"},
		{"unknown component kind", `{"components":{"parameters":{}}}`, "unsupported key"},
		{"dangling reference", `{"paths":{"/v1/x":{"post":{"operationId":"PostX","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/nope"}}}}}}}}}`, "unresolved references"},
		{"remote reference", `{"paths":{"/v1/x":{"post":{"operationId":"PostX","responses":{"200":{"$ref":"other.json#/x"}}}}}}`, "only local references"},
		{"duplicate operationId", `{"paths":{"/v1/x":{"post":{"operationId":"GetThing","responses":{}}}}}`, "is used by both"},
		{"missing operationId", `{"paths":{"/v1/x":{"post":{"responses":{}}}}}`, "no operationId"},
		{"operation not an object", `{"paths":{"/v1/x":{"post":[]}}}`, "want an operation object"},
		{"not JSON", `{"paths":`, "decode"},
		{"trailing data", `{} {}`, "trailing data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate([]byte(base), []byte(tt.additions))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Generate error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
