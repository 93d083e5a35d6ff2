package spec

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/localissuing/localissuing/issuing"
)

// Form values are strings; these functions check them against a scalar
// schema and convert them to the JSON type the schema names. Values that
// already have that type (from a JSON body, say) are accepted as they are.

// str checks a string against the enum, the length limit (in characters)
// and the decimal format of n.
func (w *walker) str(n *node, v any) (any, *issuing.Error) {
	s, ok := v.(string)
	if !ok {
		return nil, errScalar(CodeInvalidString, "string", w.param(), v)
	}
	if n.enum != nil {
		if _, ok := n.enum.values[s]; !ok {
			return nil, errEnum(w.param(), n.enum)
		}
	}
	if n.maxLength > 0 && len(s) > n.maxLength && utf8.RuneCountInString(s) > n.maxLength {
		return nil, errTooLong(w.param(), s, n.maxLength)
	}
	if n.decimal && !isDecimal(s) {
		return nil, errScalar(CodeInvalidDecimal, "decimal", w.param(), v)
	}
	return v, nil // s already boxed: boxing it again would allocate
}

// integer accepts a base-10 integer that fits in 64 bits.
func (w *walker) integer(v any) (any, *issuing.Error) {
	switch v := v.(type) {
	case string:
		if i, err := strconv.ParseInt(v, 10, 64); err == nil {
			return i, nil
		}
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<63 {
			return int64(v), nil
		}
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, nil
		}
	}
	return nil, errScalar(CodeInvalidInteger, "integer", w.param(), v)
}

// number accepts a finite decimal number (see isDecimal).
func (w *walker) number(v any) (any, *issuing.Error) {
	switch v := v.(type) {
	case string:
		if isDecimal(v) {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f, nil
			}
		}
	case float64:
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v, nil
		}
	case int64:
		return float64(v), nil
	case int:
		return float64(v), nil
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return f, nil
		}
	}
	return nil, errScalar(CodeInvalidNumber, "number", w.param(), v)
}

// boolean accepts "true" and "false" only.
func (w *walker) boolean(v any) (any, *issuing.Error) {
	switch v := v.(type) {
	case string:
		switch v {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	case bool:
		return v, nil
	}
	return nil, errScalar(CodeInvalidBoolean, "boolean", w.param(), v)
}

// isDecimal reports whether s is a plain decimal number: an optional sign,
// digits with an optional fraction, and an optional exponent. It refuses
// what strconv.ParseFloat would also take but Stripe would not: "Inf",
// "NaN", hexadecimal and underscores.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}
