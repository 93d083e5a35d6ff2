package docgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Generate merges additions into base, strips the prose and returns the
// result as compact JSON ending in a newline. base is an OpenAPI 3.0
// document; additions, which may be empty, is a JSON object with a "paths"
// fragment and optionally "components": {"schemas": …} (see Merge).
//
// Keys come out sorted and numbers keep their spelling, so equal inputs
// always give equal output.
func Generate(base, additions []byte) ([]byte, error) {
	doc, err := decodeObject(base)
	if err != nil {
		return nil, fmt.Errorf("base document: %w", err)
	}
	if len(bytes.TrimSpace(additions)) > 0 {
		add, err := decodeObject(additions)
		if err != nil {
			return nil, fmt.Errorf("additions: %w", err)
		}
		if err := Merge(doc, add); err != nil {
			return nil, fmt.Errorf("additions: %w", err)
		}
	}
	stripped, ok := Strip(doc).(map[string]any)
	if !ok {
		return nil, errors.New("stripped document is not an object")
	}
	if err := checkRefs(stripped); err != nil {
		return nil, err
	}
	if err := checkOperationIDs(stripped); err != nil {
		return nil, err
	}
	return encode(stripped)
}

// decodeObject decodes one JSON object, keeping numbers as json.Number so
// that they are written back exactly as they were read.
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if v == nil {
		return nil, errors.New("decode: not a JSON object")
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("decode: trailing data after the JSON object")
	}
	return v, nil
}

// encode writes v compactly. HTML escaping is off because the document is
// never embedded in HTML and "<" reads better than "\u003c".
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return buf.Bytes(), nil
}
