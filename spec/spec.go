package spec

import (
	"bytes"
	_ "embed"
)

//go:generate go run ./internal/gen -in ../../shared/spec/issuing.openapi.json -additions additions.json -out openapi.json

// document is openapi.json, written by internal/gen.
//
//go:embed openapi.json
var document []byte

// Document returns a copy of the embedded OpenAPI document, for tools and
// tests that want to read it with a full OpenAPI library.
func Document() []byte {
	return bytes.Clone(document)
}
