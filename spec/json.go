package spec

import (
	"encoding/json"
	"strings"
)

// The types below are the parts of an OpenAPI document that the run time
// reads; encoding/json skips every other key.

// pathItemJSON is a Path Item object: the operations of one path.
type pathItemJSON struct {
	Get    *opJSON `json:"get"`
	Post   *opJSON `json:"post"`
	Delete *opJSON `json:"delete"`
	Put    *opJSON `json:"put"`
	Patch  *opJSON `json:"patch"`
}

// opJSON is an Operation object.
type opJSON struct {
	OperationID string      `json:"operationId"`
	Parameters  []paramJSON `json:"parameters"`
	RequestBody *struct {
		Content map[string]mediaJSON `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content map[string]mediaJSON `json:"content"`
	} `json:"responses"`
}

// paramJSON is a Parameter object.
type paramJSON struct {
	Name     string      `json:"name"`
	In       string      `json:"in"`
	Required bool        `json:"required"`
	Schema   *schemaJSON `json:"schema"`
}

// mediaJSON is a Media Type object: the schema of one content type.
type mediaJSON struct {
	Schema *schemaJSON `json:"schema"`
}

// schemaJSON is a Schema object, reduced to the keywords localissuing uses.
type schemaJSON struct {
	Ref                  string                 `json:"$ref"`
	Type                 string                 `json:"type"`
	Format               string                 `json:"format"`
	MaxLength            *int                   `json:"maxLength"`
	Enum                 rawJSON                `json:"enum"`
	Nullable             bool                   `json:"nullable"`
	AnyOf                []*schemaJSON          `json:"anyOf"`
	OneOf                []*schemaJSON          `json:"oneOf"`
	AllOf                []*schemaJSON          `json:"allOf"`
	Items                *schemaJSON            `json:"items"`
	Properties           map[string]*schemaJSON `json:"properties"`
	Required             []string               `json:"required"`
	AdditionalProperties json.RawMessage        `json:"additionalProperties"`
	BypassValidation     bool                   `json:"x-stripeBypassValidation"`
	ExpandableFields     []string               `json:"x-expandableFields"`
	IncludableFields     []string               `json:"x-includableFields"`
	ExpansionResources   *struct {
		OneOf []*schemaJSON `json:"oneOf"`
	} `json:"x-expansionResources"`
}

// rawJSON keeps a value undecoded. Enums are kept so: Stripe repeats the
// same long lists in many operations, and the compiler decodes each
// distinct list once.
type rawJSON []byte

// UnmarshalJSON keeps a copy of b; null is kept as no value.
func (r *rawJSON) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*r = nil
		return nil
	}
	*r = append((*r)[:0], b...)
	return nil
}

const schemaRefPrefix = "#/components/schemas/"

// refName returns the schema name a "$ref" points to.
func refName(ref string) (string, bool) {
	name, ok := strings.CutPrefix(ref, schemaRefPrefix)
	return name, ok && name != ""
}
