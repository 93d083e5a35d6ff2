package document

import (
	"encoding/json"
	"unicode/utf8"
)

// Writing JSON text as encoding/json writes it, without encoding/json.
// Recording an event used to be json.Marshal of an Event, which reflects
// over the struct, sorts the keys of previous_attributes, and checks and
// compacts every json.RawMessage again (the object, and each previous
// value) although it is nearly always json.Marshal's own output. These
// functions write the same bytes directly; event/encode_test.go holds
// json.Marshal to them.

// AppendString appends s as a JSON string exactly as json.Marshal writes
// it: <, > and & escaped as \u003c, \u003e and \u0026, U+2028 and U+2029
// escaped, and each byte of invalid UTF-8 written as \ufffd.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default: // other control characters, <, > and &
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			// Valid JSON, but not valid JavaScript: encoding/json escapes
			// them for JSONP's sake.
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// htmlSafe tells which ASCII bytes json.Marshal writes inside a string as
// they are: all but control characters, ", \, <, > and &.
var htmlSafe = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

// AppendRaw appends raw as json.Marshal writes a json.RawMessage: checked
// and compacted, with <, >, &, U+2028 and U+2029 escaped. Text that is in
// that form already (json.Marshal's output, or any value cut from it) is
// copied as it is; anything else goes through json.Marshal, which also
// reports invalid text.
func AppendRaw(dst []byte, raw json.RawMessage) ([]byte, error) {
	if raw == nil {
		return append(dst, "null"...), nil
	}
	if Canonical(raw) {
		return append(dst, raw...), nil
	}
	out, err := json.Marshal(raw)
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

// Canonical reports whether b is JSON text that json.Marshal, given it as
// a json.RawMessage, writes unchanged: one valid value, without whitespace
// outside strings, and without <, >, &, U+2028 or U+2029 in strings (which
// json.Marshal escapes). It may turn down such text nested very deeply;
// it never accepts text that json.Marshal would reject or change.
func Canonical(b []byte) bool {
	return canonicalValue(b, 0, 0) == len(b)
}

// maxCanonicalDepth bounds the nesting Canonical follows (encoding/json
// allows 10000): deeper text is left to json.Marshal.
const maxCanonicalDepth = 1000

// canonicalValue returns the offset just past the canonical value that
// starts at b[i], or -1 if none does. depth is how many arrays and
// objects enclose it.
func canonicalValue(b []byte, i, depth int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; c {
	case '"':
		return canonicalString(b, i)
	case '{', '[':
		if depth >= maxCanonicalDepth {
			return -1
		}
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		i++
		if i < len(b) && b[i] == end {
			return i + 1
		}
		for {
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return -1
				}
				if i = canonicalString(b, i); i < 0 || i >= len(b) || b[i] != ':' {
					return -1
				}
				i++
			}
			if i = canonicalValue(b, i, depth+1); i < 0 || i >= len(b) {
				return -1
			}
			switch b[i] {
			case ',':
				i++
			case end:
				return i + 1
			default:
				return -1
			}
		}
	case 't':
		return canonicalLiteral(b, i, "true")
	case 'f':
		return canonicalLiteral(b, i, "false")
	case 'n':
		return canonicalLiteral(b, i, "null")
	}
	return canonicalNumber(b, i)
}

// canonicalLiteral returns the offset just past lit if b[i:] starts with
// it, or -1.
func canonicalLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// canonicalNumber returns the offset just past the JSON number that
// starts at b[i], or -1: an optional minus, an integer without leading
// zeros, an optional fraction and an optional exponent.
func canonicalNumber(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return -1
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = digits(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		start := i + 1
		if i = digits(b, start); i == start {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		if i = digits(b, i); i == start {
			return -1
		}
	}
	return i
}

// digits returns the offset of the first byte at or after i that is not a
// decimal digit.
func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// canonicalString returns the offset just past the canonical string that
// starts at b[i] (a quote), or -1. Its bytes are not checked to be UTF-8,
// as encoding/json does not check a json.RawMessage's.
func canonicalString(b []byte, i int) int {
	for i++; i < len(b); {
		c := b[i]
		if plainInString[c] {
			i++
			continue
		}
		switch c {
		case '"':
			return i + 1
		case '\\':
			if i+1 >= len(b) {
				return -1
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(b)-i < 6 || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return -1
				}
				i += 6
			default:
				return -1
			}
		case 0xE2: // the first byte of U+2028 and U+2029, among others
			if i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&^1 == 0xA8 {
				return -1
			}
			i++
		default: // control characters, <, > and &
			return -1
		}
	}
	return -1
}

// plainInString tells which bytes canonicalString passes over without a
// second look.
var plainInString = func() (t [256]bool) {
	for c := ' '; c < 256; c++ {
		t[c] = true
	}
	for _, c := range []byte{'"', '\\', '<', '>', '&', 0xE2} {
		t[c] = false
	}
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
