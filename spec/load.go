package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// registry is everything read from the document.
type registry struct {
	ops  map[string]*Op // by opKey
	list []*Op          // sorted by path, then method

	// schemas holds components.schemas undecoded: most of them (the payment
	// objects that Stripe's error schema drags in) are never looked at, so
	// each is decoded only when first asked for.
	schemas map[string]json.RawMessage

	mu      sync.Mutex
	objects map[string]*objectInfo // decoded schemas, see fields.go
}

var (
	loadOnce sync.Once
	loaded   *registry
	loadErr  error
)

// Load parses the embedded document if that has not been done yet and
// reports whether it worked. Every other function of the package calls it;
// calling it at start-up surfaces a broken document before the first
// request does, and takes the parsing cost out of that request.
func Load() error {
	_, err := get()
	return err
}

func get() (*registry, error) {
	loadOnce.Do(func() {
		loaded, loadErr = parse(document)
		if loadErr != nil {
			loadErr = fmt.Errorf("spec: embedded openapi.json: %w", loadErr)
		}
	})
	return loaded, loadErr
}

// parse reads a document and compiles every operation.
func parse(data []byte) (*registry, error) {
	reg := &registry{
		ops:     make(map[string]*Op),
		schemas: make(map[string]json.RawMessage, 1024),
		objects: make(map[string]*objectInfo),
	}
	rawPaths, err := skimDocument(data, reg.schemas)
	if err != nil {
		return nil, err
	}
	var paths map[string]pathItemJSON
	if err := json.Unmarshal(rawPaths, &paths); err != nil {
		return nil, fmt.Errorf("paths: %w", err)
	}
	c := newCompiler(reg)
	for path, item := range paths {
		for _, m := range []struct {
			method string
			op     *opJSON
		}{{"GET", item.Get}, {"POST", item.Post}, {"DELETE", item.Delete}, {"PUT", item.Put}, {"PATCH", item.Patch}} {
			if m.op == nil {
				continue
			}
			op, err := buildOp(c, m.method, path, m.op)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", m.method, path, err)
			}
			reg.ops[opKey(m.method, path)] = op
			reg.list = append(reg.list, op)
		}
	}
	sort.Slice(reg.list, func(i, j int) bool {
		a, b := reg.list[i], reg.list[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Method < b.Method
	})
	return reg, nil
}

// skimDocument finds the paths of an OpenAPI document and the raw text of
// each component schema, which it adds to schemas. The document is read
// once; only the paths are returned for decoding.
func skimDocument(data []byte, schemas map[string]json.RawMessage) (paths []byte, err error) {
	end, err := walkObject(data, skipSpace(data, 0), func(key string, start int) (int, error) {
		switch key {
		case "paths":
			end, err := skipValue(data, start)
			if err != nil {
				return 0, fmt.Errorf("paths: %w", err)
			}
			paths = data[start:end]
			return end, nil
		case "components":
			// As with encoding/json, the last of repeated keys wins.
			clear(schemas)
			return walkObject(data, start, func(key string, start int) (int, error) {
				if key != "schemas" {
					return skipValue(data, start)
				}
				clear(schemas)
				return walkObject(data, start, func(name string, start int) (int, error) {
					end, err := skipValue(data, start)
					if err != nil {
						return 0, fmt.Errorf("schema %q: %w", name, err)
					}
					schemas[name] = data[start:end]
					return end, nil
				})
			})
		default:
			return skipValue(data, start)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("document: %w", err)
	}
	if end = skipSpace(data, end); end != len(data) {
		return nil, fmt.Errorf("document: offset %d: data after the JSON value", end)
	}
	if paths == nil {
		return nil, fmt.Errorf("document: no paths")
	}
	return paths, nil
}

func opKey(method, path string) string { return method + " " + path }

const formMedia = "application/x-www-form-urlencoded"

// buildOp compiles what Validate and ResponseSchema need of one operation.
func buildOp(c *compiler, method, path string, o *opJSON) (*Op, error) {
	if o.OperationID == "" {
		return nil, fmt.Errorf("no operationId")
	}
	op := &Op{Method: method, Path: path, ID: o.OperationID}
	var err error
	if method == "GET" || method == "DELETE" {
		op.params, err = c.queryParams(o.Parameters)
	} else {
		op.params, err = c.requestBody(o.RequestBody)
	}
	if err != nil {
		return nil, fmt.Errorf("parameters: %w", err)
	}
	if op.response, op.list, err = responseOf(o); err != nil {
		return nil, fmt.Errorf("responses: %w", err)
	}
	return op, nil
}

// responseOf names the schema of the 200 response: a "$ref", or the item
// schema of an inline list object ({object: "list", data: [item], …}).
func responseOf(o *opJSON) (name string, list bool, err error) {
	r, ok := o.Responses["200"]
	if !ok {
		return "", false, fmt.Errorf("no 200 response")
	}
	s := r.Content["application/json"].Schema
	if s == nil {
		return "", false, fmt.Errorf("200 response has no application/json schema")
	}
	if name, ok := refName(s.Ref); ok {
		return name, false, nil
	}
	if obj := s.Properties["object"]; obj != nil && bytes.Equal(obj.Enum, []byte(`["list"]`)) {
		if data := s.Properties["data"]; data != nil && data.Items != nil {
			if name, ok := refName(data.Items.Ref); ok {
				return name, true, nil
			}
		}
	}
	return "", false, fmt.Errorf("200 response is neither a schema reference nor a list of one")
}

// schema decodes the named component schema. Decoded schemas are not kept:
// callers cache what they derive from them.
func (r *registry) schema(name string) (*schemaJSON, error) {
	raw, ok := r.schemas[name]
	if !ok {
		return nil, fmt.Errorf("no schema %q", name)
	}
	var s schemaJSON
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("decode schema %q: %w", name, err)
	}
	return &s, nil
}
