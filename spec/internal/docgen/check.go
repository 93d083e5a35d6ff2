package docgen

import (
	"fmt"
	"sort"
	"strings"
)

// checkRefs makes sure every local "$ref" resolves inside doc, so that a
// mistyped schema name in the additions fails generation rather than a
// request at run time. Remote references are not allowed: the document must
// stand alone.
func checkRefs(doc map[string]any) error {
	var bad []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if _, err := resolve(doc, ref); err != nil {
					bad = append(bad, err.Error())
				}
			}
			for _, child := range v {
				walk(child)
			}
		case []any:
			for _, child := range v {
				walk(child)
			}
		}
	}
	walk(doc)
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("unresolved references: %s", strings.Join(bad, "; "))
}

// resolve follows a local JSON pointer ("#/components/schemas/x").
func resolve(doc map[string]any, ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("%s: only local references are allowed", ref)
	}
	var cur any = doc
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: %q is not inside an object", ref, tok)
		}
		if cur, ok = m[tok]; !ok {
			return nil, fmt.Errorf("%s: no %q", ref, tok)
		}
	}
	return cur, nil
}

// checkOperationIDs makes sure every operation has an operationId and no two
// share one: the runtime reports operations by id.
func checkOperationIDs(doc map[string]any) error {
	paths, _ := doc["paths"].(map[string]any)
	seen := map[string]string{}
	for _, path := range sortedKeys(paths) {
		item, _ := paths[path].(map[string]any)
		for _, method := range sortedKeys(item) {
			op, ok := item[method].(map[string]any)
			if !ok || !methods[method] {
				continue
			}
			where := strings.ToUpper(method) + " " + path
			id, _ := op["operationId"].(string)
			if id == "" {
				return fmt.Errorf("%s has no operationId", where)
			}
			if prev, dup := seen[id]; dup {
				return fmt.Errorf("operationId %q is used by both %s and %s", id, prev, where)
			}
			seen[id] = where
		}
	}
	return nil
}
