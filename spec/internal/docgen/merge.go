package docgen

import (
	"fmt"
	"sort"
	"strings"
)

// Merge adds the operations and schemas of add to doc, in place.
//
// add may hold "paths" (path → method → operation, as in an OpenAPI
// document) and "components" with "schemas" only. Merging never changes
// what Stripe's document says:
//   - an operation whose method and path the base already has is an error;
//   - a new schema name is added whole;
//   - an existing schema may only gain extension keys ("x-…") it does not
//     have yet, which is how localissuing annotates Stripe's schemas (for
//     example x-includableFields) without editing them.
func Merge(doc, add map[string]any) error {
	for _, k := range sortedKeys(add) {
		switch k {
		case "paths":
			if err := mergePaths(doc, add[k]); err != nil {
				return err
			}
		case "components":
			if err := mergeComponents(doc, add[k]); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unsupported top-level key %q (want paths or components)", k)
		}
	}
	return nil
}

func mergePaths(doc map[string]any, v any) error {
	add, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("paths: want an object, got %T", v)
	}
	paths, err := child(doc, "paths")
	if err != nil {
		return err
	}
	for _, path := range sortedKeys(add) {
		item, ok := add[path].(map[string]any)
		if !ok {
			return fmt.Errorf("paths[%q]: want an object, got %T", path, add[path])
		}
		existing, err := child(paths, path)
		if err != nil {
			return err
		}
		for _, key := range sortedKeys(item) {
			if _, dup := existing[key]; dup {
				return fmt.Errorf("paths[%q][%q] is already in the base document", path, key)
			}
			if methods[key] {
				if _, ok := item[key].(map[string]any); !ok {
					return fmt.Errorf("paths[%q][%q]: want an operation object, got %T", path, key, item[key])
				}
			}
			existing[key] = item[key]
		}
	}
	return nil
}

func mergeComponents(doc map[string]any, v any) error {
	add, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("components: want an object, got %T", v)
	}
	for _, k := range sortedKeys(add) {
		if k != "schemas" {
			return fmt.Errorf("components: unsupported key %q (want schemas)", k)
		}
	}
	addSchemas, ok := add["schemas"].(map[string]any)
	if !ok {
		if _, present := add["schemas"]; !present {
			return nil
		}
		return fmt.Errorf("components.schemas: want an object, got %T", add["schemas"])
	}
	components, err := child(doc, "components")
	if err != nil {
		return err
	}
	schemas, err := child(components, "schemas")
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(addSchemas) {
		schema, ok := addSchemas[name].(map[string]any)
		if !ok {
			return fmt.Errorf("components.schemas[%q]: want an object, got %T", name, addSchemas[name])
		}
		existing, ok := schemas[name].(map[string]any)
		if !ok {
			schemas[name] = schema
			continue
		}
		for _, key := range sortedKeys(schema) {
			if !strings.HasPrefix(key, "x-") {
				return fmt.Errorf("components.schemas[%q]: %q would change a base schema (only x- extensions may be added)", name, key)
			}
			if _, dup := existing[key]; dup {
				return fmt.Errorf("components.schemas[%q][%q] is already in the base document", name, key)
			}
			existing[key] = schema[key]
		}
	}
	return nil
}

// methods are the keys of a path item that hold operations.
var methods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true,
}

// child returns m[key] as an object, creating it when absent.
func child(m map[string]any, key string) (map[string]any, error) {
	v, ok := m[key]
	if !ok {
		c := map[string]any{}
		m[key] = c
		return c, nil
	}
	c, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%q: want an object, got %T", key, v)
	}
	return c, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
