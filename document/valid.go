package document

import (
	"encoding/binary"
	"math/bits"
)

// Checking JSON text as encoding/json checks it, faster. Every document
// written is checked first, and json.Valid steps a state machine through
// an indirect call per byte; Valid reads strings, most of a document,
// eight bytes at a time and does not allocate.

// maxValidDepth is how deeply encoding/json lets arrays and objects nest
// (its scanner's maxNestingDepth): json.Valid turns down anything deeper,
// however well formed.
const maxValidDepth = 10000

// Valid reports whether b is one well-formed JSON value (RFC 8259), with
// only whitespace around it: what encoding/json.Valid accepts. Like it,
// Valid does not check that strings are UTF-8 or that \u escapes pair
// surrogates, and it turns down arrays and objects nested more than
// 10000 deep.
func Valid(b []byte) bool { return ValidNesting(b, maxValidDepth) }

// ValidNesting is Valid that also turns down arrays and objects nested
// more than maxDepth deep (at most 10000): SQLite's JSON functions, for
// one, read no deeper than 1000.
func ValidNesting(b []byte, maxDepth int) bool {
	maxDepth = max(0, min(maxDepth, maxValidDepth))
	// One word holds whether each of 64 levels is an object or an array:
	// enough for nearly any document. Deeper text is read again with room
	// for every level, which costs zeroing only where it is needed.
	var stack [1]uint64
	if ok, deep := validNested(b, stack[:], maxDepth); !deep {
		return ok
	}
	return validDeep(b, maxDepth)
}

// validDeep is ValidNesting for text that nests more than 64 deep.
//
//go:noinline
func validDeep(b []byte, maxDepth int) bool {
	var stack [(maxValidDepth + 63) / 64]uint64
	ok, _ := validNested(b, stack[:], maxDepth)
	return ok
}

// validNested reports whether b is valid as ValidNesting has it, keeping
// in stack what each level is (bit n set when level n is an object). If b
// nests deeper than stack can tell, and stack holds fewer levels than
// maxDepth, it reports deep instead (ok is then meaningless): b may still
// be valid.
func validNested(b []byte, stack []uint64, maxDepth int) (ok, deep bool) {
	i, depth, inObject, inKey := 0, 0, false, false
value: // b[i:] starts with a value, after any space
	if i < len(b) && b[i] <= ' ' {
		i = skipSpace(b, i)
	}
	if i >= len(b) {
		return false, false
	}
	switch c := b[i]; c {
	case '"':
		i++
		inKey = false
		goto str
	case '{', '[':
		if depth == maxDepth || depth == len(stack)*64 {
			return false, depth < maxDepth
		}
		bit := uint64(1) << (depth % 64)
		if inObject = c == '{'; inObject {
			stack[depth/64] |= bit
		} else {
			stack[depth/64] &^= bit
		}
		depth++
		if i = skipSpace(b, i+1); i < len(b) && b[i] == c+2 { // } or ]
			i++
			goto closed
		}
		if inObject {
			goto key
		}
		goto value
	case 't':
		if i = canonicalLiteral(b, i, "true"); i < 0 {
			return false, false
		}
	case 'f':
		if i = canonicalLiteral(b, i, "false"); i < 0 {
			return false, false
		}
	case 'n':
		if i = canonicalLiteral(b, i, "null"); i < 0 {
			return false, false
		}
	default: // a number, or nothing valid
		// Most numbers are positive integers (amounts, times): they are
		// read here, and the rest start again in canonicalNumber.
		if '1' <= c && c <= '9' {
			start := i
			for i++; i < len(b) && b[i]-'0' <= 9; i++ {
			}
			if i == len(b) || b[i] != '.' && b[i]|0x20 != 'e' {
				goto ended
			}
			i = start
		}
		if i = canonicalNumber(b, i); i < 0 {
			return false, false
		}
	}
ended: // a value ends at b[i]
	if i < len(b) && b[i] <= ' ' {
		i = skipSpace(b, i)
	}
	if depth == 0 {
		return i == len(b), false
	}
	if i >= len(b) {
		return false, false
	}
	switch b[i] {
	case ',':
		i++
		if inObject {
			goto key
		}
		goto value
	case '}':
		if !inObject {
			return false, false
		}
	case ']':
		if inObject {
			return false, false
		}
	default:
		return false, false
	}
	i++
closed: // an array or object ends at b[i]
	depth--
	if depth > 0 {
		inObject = stack[(depth-1)/64]>>((depth-1)%64)&1 != 0
	}
	goto ended
key: // b[i:] starts with a member, after any space
	if i < len(b) && b[i] <= ' ' {
		i = skipSpace(b, i)
	}
	if i >= len(b) || b[i] != '"' {
		return false, false
	}
	i++
	inKey = true
str: // b[i:] is what follows a string's opening quote
	// Strings are most of a document: they are read here, not by a
	// call for each, and eight bytes at a time as stringSpecial reads
	// them, looking for control characters as well.
	for {
		const ones, highs = 0x0101010101010101, 0x8080808080808080
		for ; i+8 <= len(b); i += 8 {
			// Flipping bit 1 of each byte turns a quote into 0x20 and
			// keeps control characters below it, so one test for bytes
			// below 0x21 finds both: they borrow in q-0x21 where their
			// own high bit is clear.
			w := binary.LittleEndian.Uint64(b[i:])
			q, s := w^(ones*0x02), w^(ones*'\\')
			if m := ((q-ones*0x21)&^q | (s-ones)&^s) & highs; m != 0 {
				i += bits.TrailingZeros64(m) / 8
				goto special
			}
		}
		for ; i < len(b); i++ {
			if c := b[i]; c == '"' || c == '\\' || c < 0x20 {
				goto special
			}
		}
		return false, false
	special:
		switch b[i] {
		case '"':
			i++
			if !inKey {
				goto ended
			}
			if i < len(b) && b[i] <= ' ' {
				i = skipSpace(b, i)
			}
			if i >= len(b) || b[i] != ':' {
				return false, false
			}
			i++
			goto value
		case '\\':
			if i+1 >= len(b) {
				return false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(b)-i < 6 || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return false, false
				}
				i += 6
			default:
				return false, false
			}
		default: // a control character
			return false, false
		}
	}
}
