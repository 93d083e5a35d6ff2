package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// kind is what a node accepts.
type kind uint8

const (
	kindAny kind = iota // no type: anything, copied as it is
	kindObject
	kindArray
	kindString
	kindInteger
	kindNumber
	kindBoolean
	kindAnyOf
)

// node is a request schema compiled for Validate: lookups are maps and
// slices, enum messages are rendered in advance, and $refs are resolved.
type node struct {
	kind kind
	// allowEmpty: "" is accepted and kept, Stripe's way of asking to unset
	// a field. The document says so with an anyOf alternative {enum: [""]}.
	allowEmpty bool

	// strings
	maxLength int      // in characters; 0 means no limit
	enum      *enumSet // nil when any value is allowed
	decimal   bool     // format "decimal": a number written as a string

	items *node // arrays

	// objects
	fields   []field        // sorted by name
	index    map[string]int // name → position in fields
	required int            // how many fields are required
	extra    *node          // schema of properties not in fields (a map); nil if none are allowed
	extraAny bool           // any other property is allowed, unchecked

	alts []*node // anyOf, without the "" alternative
}

// field is one named property of an object node.
type field struct {
	name     string
	node     *node
	required bool
}

// enumSet is the allowed values of a string, shared between the nodes that
// list the same values (Stripe repeats its long category lists).
type enumSet struct {
	values map[string]struct{}
	// mustBe ends the error message: "must be one of a, b, or c".
	mustBe string
}

// compiler turns schemaJSON into nodes.
type compiler struct {
	reg   *registry
	refs  map[string]*node    // compiled component schemas, by name
	enums map[string]*enumSet // by the enum's JSON text
}

func newCompiler(reg *registry) *compiler {
	return &compiler{reg: reg, refs: make(map[string]*node), enums: make(map[string]*enumSet)}
}

// queryParams compiles the "in: query" parameters of a GET or DELETE as one
// closed object, so that they are validated like a form body.
func (c *compiler) queryParams(params []paramJSON) (*node, error) {
	obj := &node{kind: kindObject, index: make(map[string]int)}
	for _, p := range params {
		if p.In != "query" {
			continue
		}
		if _, dup := obj.index[p.Name]; dup {
			return nil, fmt.Errorf("query parameter %q is listed twice", p.Name)
		}
		n, err := c.compile(p.Schema)
		if err != nil {
			return nil, fmt.Errorf("query parameter %q: %w", p.Name, err)
		}
		obj.index[p.Name] = len(obj.fields)
		obj.fields = append(obj.fields, field{name: p.Name, node: n, required: p.Required})
	}
	sortFields(obj)
	return obj, nil
}

// requestBody compiles the form schema of a POST. An operation without a
// body accepts no parameters.
func (c *compiler) requestBody(rb *struct {
	Content map[string]mediaJSON `json:"content"`
}) (*node, error) {
	if rb == nil {
		return &node{kind: kindObject, index: map[string]int{}}, nil
	}
	media, ok := rb.Content[formMedia]
	if !ok {
		return nil, fmt.Errorf("request body has no %s schema", formMedia)
	}
	n, err := c.compile(media.Schema)
	if err != nil {
		return nil, fmt.Errorf("request body: %w", err)
	}
	if n.kind != kindObject {
		return nil, fmt.Errorf("request body is not an object schema")
	}
	return n, nil
}

// compile turns one schema into a node.
func (c *compiler) compile(s *schemaJSON) (*node, error) {
	if s == nil {
		return &node{kind: kindAny}, nil
	}
	if s.Ref != "" {
		return c.ref(s.Ref)
	}
	if len(s.AllOf) > 0 {
		return nil, fmt.Errorf("allOf is not supported in request schemas")
	}
	if len(s.AnyOf) > 0 && len(s.OneOf) > 0 {
		return nil, fmt.Errorf("a schema with both anyOf and oneOf is not supported")
	}
	if alts := append(s.AnyOf, s.OneOf...); len(alts) > 0 {
		return c.anyOf(alts)
	}
	switch s.Type {
	case "object":
		return c.object(s)
	case "array":
		items, err := c.compile(s.Items)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		return &node{kind: kindArray, items: items}, nil
	case "string":
		return c.str(s)
	case "integer":
		return &node{kind: kindInteger}, nil
	case "number":
		return &node{kind: kindNumber}, nil
	case "boolean":
		return &node{kind: kindBoolean}, nil
	case "":
		return &node{kind: kindAny}, nil
	default:
		return nil, fmt.Errorf("unsupported type %q", s.Type)
	}
}

// ref compiles a component schema once; a schema that refers to itself gets
// the node under construction, so cycles end.
func (c *compiler) ref(ref string) (*node, error) {
	name, ok := refName(ref)
	if !ok {
		return nil, fmt.Errorf("unsupported $ref %q", ref)
	}
	if n, ok := c.refs[name]; ok {
		return n, nil
	}
	s, err := c.reg.schema(name)
	if err != nil {
		return nil, err
	}
	n := &node{}
	c.refs[name] = n
	compiled, err := c.compile(s)
	if err != nil {
		return nil, fmt.Errorf("schema %q: %w", name, err)
	}
	*n = *compiled
	return n, nil
}

func (c *compiler) anyOf(alts []*schemaJSON) (*node, error) {
	n := &node{kind: kindAnyOf}
	for i, a := range alts {
		if isEmptyOnly(a) {
			n.allowEmpty = true
			continue
		}
		alt, err := c.compile(a)
		if err != nil {
			return nil, fmt.Errorf("anyOf[%d]: %w", i, err)
		}
		n.alts = append(n.alts, alt)
	}
	if len(n.alts) == 0 {
		// Only "" is allowed.
		e, err := c.enumOf(rawJSON(`[""]`))
		if err != nil {
			return nil, err
		}
		return &node{kind: kindString, allowEmpty: true, enum: e}, nil
	}
	return n, nil
}

// isEmptyOnly reports whether s is {type: string, enum: [""]}, the
// alternative with which Stripe marks a parameter that "" unsets.
func isEmptyOnly(s *schemaJSON) bool {
	return s.Ref == "" && (s.Type == "string" || s.Type == "") &&
		bytes.Equal(bytes.TrimSpace(s.Enum), []byte(`[""]`))
}

func (c *compiler) object(s *schemaJSON) (*node, error) {
	n := &node{kind: kindObject, index: make(map[string]int, len(s.Properties))}
	for name, ps := range s.Properties {
		pn, err := c.compile(ps)
		if err != nil {
			return nil, fmt.Errorf("property %q: %w", name, err)
		}
		n.index[name] = len(n.fields)
		n.fields = append(n.fields, field{name: name, node: pn})
	}
	for _, name := range s.Required {
		i, ok := n.index[name]
		if !ok {
			return nil, fmt.Errorf("required %q is not a property", name)
		}
		n.fields[i].required = true
	}
	sortFields(n)
	// Request objects are closed unless they say otherwise: Stripe rejects
	// unknown parameters at every depth. An object that lists no properties
	// at all is a free-form hash.
	ap := bytes.TrimSpace(s.AdditionalProperties)
	switch {
	case len(ap) == 0:
		n.extraAny = len(s.Properties) == 0
	case bytes.Equal(ap, []byte("false")):
	case bytes.Equal(ap, []byte("true")):
		n.extraAny = true
	default:
		var as schemaJSON
		if err := json.Unmarshal(ap, &as); err != nil {
			return nil, fmt.Errorf("additionalProperties: %w", err)
		}
		extra, err := c.compile(&as)
		if err != nil {
			return nil, fmt.Errorf("additionalProperties: %w", err)
		}
		n.extra = extra
	}
	return n, nil
}

func (c *compiler) str(s *schemaJSON) (*node, error) {
	n := &node{kind: kindString, decimal: s.Format == "decimal"}
	if s.MaxLength != nil && *s.MaxLength > 0 {
		n.maxLength = *s.MaxLength
	}
	// x-stripeBypassValidation marks enums that Stripe may extend at any
	// time: clients send values the document does not list yet.
	if len(s.Enum) > 0 && !s.BypassValidation {
		e, err := c.enumOf(s.Enum)
		if err != nil {
			return nil, err
		}
		n.enum = e
		_, n.allowEmpty = e.values[""]
	}
	return n, nil
}

// enumOf returns the set of the enum values in raw, shared with every
// other enum written the same way.
func (c *compiler) enumOf(raw rawJSON) (*enumSet, error) {
	if e, ok := c.enums[string(raw)]; ok {
		return e, nil
	}
	var values []any
	if err := json.Unmarshal(raw, &values); err != nil {
		return nil, fmt.Errorf("enum: %w", err)
	}
	strs := make([]string, 0, len(values))
	for _, v := range values {
		if s, ok := v.(string); ok {
			strs = append(strs, s)
		} else {
			strs = append(strs, fmt.Sprint(v))
		}
	}
	e := &enumSet{values: make(map[string]struct{}, len(strs)), mustBe: mustBe(strs)}
	for _, s := range strs {
		e.values[s] = struct{}{}
	}
	c.enums[string(raw)] = e
	return e, nil
}

// mustBe renders "must be one of a, b, or c" (or "must be a").
func mustBe(values []string) string {
	shown := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			shown = append(shown, v)
		}
	}
	switch len(shown) {
	case 0:
		return "must be empty"
	case 1:
		return "must be " + shown[0]
	case 2:
		return "must be one of " + shown[0] + " or " + shown[1]
	default:
		return "must be one of " + strings.Join(shown[:len(shown)-1], ", ") + ", or " + shown[len(shown)-1]
	}
}

// sortFields orders an object's fields by name, so that the first error
// found is the same on every run, rebuilds the index and counts the
// required fields.
func sortFields(n *node) {
	sort.Slice(n.fields, func(i, j int) bool { return n.fields[i].name < n.fields[j].name })
	n.required = 0
	for i, f := range n.fields {
		n.index[f.name] = i
		if f.required {
			n.required++
		}
	}
}
