package spec

import (
	"sort"
	"strconv"
	"strings"

	"github.com/localissuing/localissuing/issuing"
)

// Validate checks decoded form parameters against the operation: the
// "in: query" parameters for GET and DELETE, the
// application/x-www-form-urlencoded body schema for POST. params is the
// tree form parsing gives (string leaves, map[string]any objects, []any
// arrays), without the path parameters.
//
// It returns a new tree whose leaves have their JSON types: integers are
// int64, numbers float64, booleans bool, strings stay strings; objects are
// map[string]any and arrays []any. The empty string is kept as "" where the
// document allows it (Stripe's "unset this"), and for the entries of maps
// such as metadata, where it removes the key.
//
// The error, if any, is an *issuing.Error of kind issuing.KindInvalid for
// the first problem found, with Param in bracket notation
// ("shipping[address][line1]", "spending_controls[spending_limits][0][amount]").
// Within an object, unknown parameters are reported first, then the
// properties in name order.
func (op *Op) Validate(params map[string]any) (map[string]any, error) {
	if len(params) == 0 && op.params.required == 0 {
		// Nothing to check, as in most retrieves: the walk below would
		// only allocate its path and return an empty map.
		return map[string]any{}, nil
	}
	w := walker{path: make([]step, 0, 8)}
	out, err := w.object(op.params, params)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// step is one level of the parameter being checked: a key or an index.
type step struct {
	key     string
	index   int
	isIndex bool
}

// walker carries the path to the current parameter, so that an error can
// name it; the name is only rendered when there is an error.
type walker struct {
	path []step
}

func (w *walker) push(key string) { w.path = append(w.path, step{key: key}) }
func (w *walker) pushIndex(i int) { w.path = append(w.path, step{index: i, isIndex: true}) }
func (w *walker) pop()            { w.path = w.path[:len(w.path)-1] }

// param renders the current path in bracket notation.
func (w *walker) param() string {
	var b strings.Builder
	for i, s := range w.path {
		switch {
		case i == 0:
			b.WriteString(s.key)
		case s.isIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		default:
			b.WriteByte('[')
			b.WriteString(s.key)
			b.WriteByte(']')
		}
	}
	return b.String()
}

// paramWith renders the current path followed by key.
func (w *walker) paramWith(key string) string {
	w.push(key)
	p := w.param()
	w.pop()
	return p
}

func (w *walker) value(n *node, v any) (any, *issuing.Error) {
	if s, ok := v.(string); ok && s == "" {
		if n.allowEmpty || n.kind == kindAny {
			return "", nil
		}
		return nil, errEmpty(w.param())
	}
	switch n.kind {
	case kindObject:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, errObject(w.param())
		}
		return w.object(n, m)
	case kindArray:
		return w.array(n, v)
	case kindString:
		return w.str(n, v)
	case kindInteger:
		return w.integer(v)
	case kindNumber:
		return w.number(v)
	case kindBoolean:
		return w.boolean(v)
	case kindAnyOf:
		return w.anyOf(n, v)
	default:
		return v, nil
	}
}

// object validates the properties of m. It reads m once, in map order, and
// still reports the same error whatever that order: the first unknown key
// by name, else the first failing or missing property in n's (name) order.
func (w *walker) object(n *node, m map[string]any) (map[string]any, *issuing.Error) {
	closed := n.extra == nil && !n.extraAny
	out := make(map[string]any, len(m))
	var (
		best     *issuing.Error
		bestPos  = len(n.fields)
		unknown  string
		anyExtra bool
		required int
	)
	for k, v := range m {
		i, listed := n.index[k]
		if !listed {
			if closed && (!anyExtra || k < unknown) {
				unknown = k
			}
			anyExtra = true
			continue
		}
		f := &n.fields[i]
		if f.required {
			required++
		}
		if (closed && anyExtra) || i > bestPos {
			continue // an error that is already known wins
		}
		w.push(k)
		cv, err := w.value(f.node, v)
		w.pop()
		if err != nil {
			best, bestPos = err, i
			continue
		}
		out[k] = cv
	}
	if closed && anyExtra {
		return nil, errUnknown(w.paramWith(unknown))
	}
	if required < n.required {
		for i := range bestPos {
			if f := &n.fields[i]; f.required {
				if _, ok := m[f.name]; !ok {
					return nil, errMissing(w.paramWith(f.name))
				}
			}
		}
	}
	if best != nil {
		return nil, best
	}
	if !anyExtra {
		return out, nil
	}
	// The rest are entries of a map such as metadata. "" removes an entry,
	// so it is kept whatever the entries' schema.
	for _, k := range w.extraKeys(n, m) {
		v := m[k]
		if s, ok := v.(string); (ok && s == "") || n.extraAny {
			out[k] = v
			continue
		}
		w.push(k)
		cv, err := w.value(n.extra, v)
		w.pop()
		if err != nil {
			return nil, err
		}
		out[k] = cv
	}
	return out, nil
}

// extraKeys returns the keys of m that n does not list, sorted.
func (w *walker) extraKeys(n *node, m map[string]any) []string {
	var keys []string
	for k := range m {
		if _, ok := n.index[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func (w *walker) array(n *node, v any) (any, *issuing.Error) {
	a, ok := v.([]any)
	if !ok {
		return nil, errArray(w.param())
	}
	out := make([]any, len(a))
	for i, item := range a {
		w.pushIndex(i)
		cv, err := w.value(n.items, item)
		w.pop()
		if err != nil {
			return nil, err
		}
		out[i] = cv
	}
	return out, nil
}

// anyOf accepts v if one of the alternatives whose shape fits it (object,
// array or scalar) accepts it, trying them in order. When none does, the
// error is the deepest one, which names the offending parameter most
// precisely; when no alternative even has the right shape, it is the
// first alternative's.
func (w *walker) anyOf(n *node, v any) (any, *issuing.Error) {
	var best *issuing.Error
	bestDepth := -1
	for _, alt := range n.alts {
		if !fits(alt, v) {
			continue
		}
		out, err := w.value(alt, v)
		if err == nil {
			return out, nil
		}
		if d := strings.Count(err.Param, "["); d > bestDepth {
			best, bestDepth = err, d
		}
	}
	if best != nil {
		return nil, best
	}
	return w.value(n.alts[0], v)
}

// fits reports whether v has the shape that n accepts.
func fits(n *node, v any) bool {
	switch v.(type) {
	case map[string]any:
		return n.kind == kindObject || n.kind == kindAny || n.kind == kindAnyOf
	case []any:
		return n.kind == kindArray || n.kind == kindAny || n.kind == kindAnyOf
	default:
		return n.kind != kindObject && n.kind != kindArray
	}
}
