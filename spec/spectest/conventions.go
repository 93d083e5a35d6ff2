package spectest

import (
	"sort"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// checkConventions adds to problems every place where value, already valid
// for schema, breaks one of Stripe's conventions: a nullable property that
// is absent (unless the schema marks it includable, see
// includableFields), or a property that a closed object schema does not
// list. path
// names the value in messages ("" for the whole body).
func checkConventions(schema *openapi3.Schema, value any, path string, problems *[]string) {
	if schema == nil || value == nil {
		return
	}
	for _, all := range schema.AllOf {
		checkConventions(all.Value, value, path, problems)
	}
	if alts := append(append(openapi3.SchemaRefs{}, schema.AnyOf...), schema.OneOf...); len(alts) > 0 {
		checkAlternatives(alts, value, path, problems)
	}
	switch v := value.(type) {
	case map[string]any:
		checkObject(schema, v, path, problems)
	case []any:
		if schema.Items != nil {
			for i, item := range v {
				checkConventions(schema.Items.Value, item, path+"["+strconv.Itoa(i)+"]", problems)
			}
		}
	}
}

// checkAlternatives accepts value if one of the alternatives that it
// matches also keeps the conventions; otherwise it reports the problems of
// the first alternative it matches. Values that match none were already
// reported by the schema check.
func checkAlternatives(alts openapi3.SchemaRefs, value any, path string, problems *[]string) {
	var first []string
	matched := false
	for _, alt := range alts {
		if alt.Value == nil || alt.Value.VisitJSON(value) != nil {
			continue
		}
		var p []string
		checkConventions(alt.Value, value, path, &p)
		if len(p) == 0 {
			return
		}
		if !matched {
			first, matched = p, true
		}
	}
	*problems = append(*problems, first...)
}

func checkObject(schema *openapi3.Schema, obj map[string]any, path string, problems *[]string) {
	includable := includableFields(schema)
	names := make([]string, 0, len(schema.Properties))
	for name := range schema.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		prop := schema.Properties[name]
		if prop == nil || prop.Value == nil {
			continue
		}
		v, present := obj[name]
		if !present {
			if prop.Value.Nullable && !includable[name] {
				*problems = append(*problems, join(path, name)+": nullable property is missing (send null instead)")
			}
			continue
		}
		checkConventions(prop.Value, v, join(path, name), problems)
	}
	extra := schema.AdditionalProperties
	open := extra.Has != nil && *extra.Has
	closed := extra.Has != nil && !*extra.Has
	keys := make([]string, 0, len(obj))
	for k := range obj {
		if _, listed := schema.Properties[k]; !listed {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case extra.Schema != nil:
			checkConventions(extra.Schema.Value, obj[k], join(path, k), problems)
		case closed:
			*problems = append(*problems, join(path, k)+": property is not in the schema")
		case open || len(schema.Properties) == 0:
			// A free-form object (event data, for one) or one open by choice.
		default:
			*problems = append(*problems, join(path, k)+": property is not in the schema")
		}
	}
}

// includableFields reads the x-includableFields annotation: those fields
// are absent unless the request expands them, nullable or not.
func includableFields(schema *openapi3.Schema) map[string]bool {
	list, _ := schema.Extensions["x-includableFields"].([]any)
	if len(list) == 0 {
		return nil
	}
	set := make(map[string]bool, len(list))
	for _, f := range list {
		if name, ok := f.(string); ok {
			set[name] = true
		}
	}
	return set
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
