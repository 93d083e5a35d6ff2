package spec

// objectInfo is what Expandable and FieldSchema need of one response
// schema, derived on first use.
type objectInfo struct {
	isObject bool
	// expandable maps a field to the schema it expands to, or to "" for an
	// includable field.
	expandable map[string]string
	// nested maps a field to the schema of the object it holds, or of
	// the objects of the array it holds.
	nested map[string]string
}

// Expandable tells whether field of schema can be named in expand[].
//
// For a field listed in the schema's x-expandableFields that carries
// x-expansionResources (an id that expands to an object), target is the
// schema it expands to, e.g. "issuing.card"; when several are listed, the
// first. For an includable field, listed in x-includableFields (the
// annotation localissuing adds, e.g. card number and cvc, token
// network_data), target is "": such a field is absent unless asked for but
// is not an id to expand.
//
// Fields that always hold an embedded object (card.cardholder) are not
// expandable themselves even though Stripe lists them in
// x-expandableFields; walk through them with FieldSchema.
func Expandable(schema, field string) (target string, ok bool) {
	info := objectOf(schema)
	if info == nil {
		return "", false
	}
	target, ok = info.expandable[field]
	return target, ok
}

// FieldSchema returns the name of the schema of an object-valued field:
// a "$ref", or an anyOf with a single "$ref" (an expandable id or a
// nullable object), or of the items of an array of such objects. With it
// a dot path such as "transaction.authorization.card" or
// "transactions.card" can be followed one field at a time. ok is false for
// an unknown schema or field, or a field that does not refer to object
// schemas (scalars, arrays of scalars).
func FieldSchema(schema, field string) (name string, ok bool) {
	info := objectOf(schema)
	if info == nil {
		return "", false
	}
	name, ok = info.nested[field]
	if !ok {
		return "", false
	}
	if target := objectOf(name); target == nil || !target.isObject {
		return "", false
	}
	return name, true
}

// objectOf returns the derived information of a schema, or nil when the
// document has no such schema.
func objectOf(name string) *objectInfo {
	reg, err := get()
	if err != nil {
		return nil
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if info, ok := reg.objects[name]; ok {
		return info
	}
	s, err := reg.schema(name)
	if err != nil {
		// Remember unknown names too, so that repeated misses stay cheap.
		reg.objects[name] = nil
		return nil
	}
	info := deriveObject(s)
	reg.objects[name] = info
	return info
}

func deriveObject(s *schemaJSON) *objectInfo {
	info := &objectInfo{
		isObject:   s.Type == "object" || (s.Type == "" && len(s.Properties) > 0),
		expandable: make(map[string]string),
		nested:     make(map[string]string),
	}
	for _, f := range s.ExpandableFields {
		p := s.Properties[f]
		if p == nil || p.ExpansionResources == nil {
			continue
		}
		for _, r := range p.ExpansionResources.OneOf {
			if target, ok := refName(r.Ref); ok {
				info.expandable[f] = target
				break
			}
		}
	}
	for _, f := range s.IncludableFields {
		if _, ok := s.Properties[f]; ok {
			info.expandable[f] = ""
		}
	}
	for f, p := range s.Properties {
		if name, ok := objectRef(p); ok {
			info.nested[f] = name
		} else if p.Type == "array" && p.Items != nil {
			// An array of embedded objects (an authorization's
			// transactions): expansion steps into each of them.
			if name, ok := objectRef(p.Items); ok {
				info.nested[f] = name
			}
		}
	}
	return info
}

// objectRef finds the single schema reference of a property, if it has one.
func objectRef(p *schemaJSON) (string, bool) {
	if name, ok := refName(p.Ref); ok {
		return name, true
	}
	found, n := "", 0
	for _, alts := range [][]*schemaJSON{p.AnyOf, p.OneOf} {
		for _, alt := range alts {
			if name, ok := refName(alt.Ref); ok {
				found, n = name, n+1
			}
		}
	}
	return found, n == 1
}
