package document

import (
	"encoding/binary"
	"math/bits"
)

// Reading stored documents without decoding them. Stored documents are
// valid JSON (the engines check it on write) and most are what
// encoding/json wrote, so a response can often be cut from the stored
// bytes and indented, which costs a fraction of decoding into a struct and
// encoding again. The functions here never panic on malformed input: they
// report it, and callers fall back to decoding.

// Member is one top-level member of a JSON object.
type Member struct {
	Key   []byte // as written between the quotes, escapes undone by no one
	Value []byte // the value's text
	Start int    // offset of the key's opening quote in the object's text
	End   int    // offset just past the value
}

// EachMember calls fn with each top-level member of the JSON object data,
// in order, until fn returns false. It returns false if data is not a JSON
// object it could read to the end (or fn stopped it).
func EachMember(data []byte, fn func(Member) bool) bool {
	_, ok := eachMember(data, "", fn)
	return ok
}

// MembersBefore calls fn with each top-level member of the JSON object
// data that comes before the first one named key, and returns where that
// one starts (the offset of its key's opening quote) without reading its
// value or anything after it. It returns false if there is no member key,
// if what comes before it cannot be read, or if fn returns false.
func MembersBefore(data []byte, key string, fn func(Member) bool) (int, bool) {
	if key == "" {
		return 0, false
	}
	return eachMember(data, key, fn)
}

// eachMember is EachMember that, if stop is not empty, stops at the member
// named stop and returns its start.
func eachMember(data []byte, stop string, fn func(Member) bool) (int, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return 0, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return 0, stop == ""
	}
	for i < len(data) {
		if data[i] != '"' {
			return 0, false
		}
		keyEnd := skipString(data, i)
		if keyEnd < 0 {
			return 0, false
		}
		m := Member{Key: data[i+1 : keyEnd-1], Start: i}
		if stop != "" && string(m.Key) == stop {
			return i, true
		}
		i = skipSpace(data, keyEnd)
		if i >= len(data) || data[i] != ':' {
			return 0, false
		}
		i = skipSpace(data, i+1)
		end := skipValue(data, i)
		if end < 0 {
			return 0, false
		}
		m.Value, m.End = data[i:end], end
		if !fn(m) {
			return 0, false
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return 0, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return 0, stop == ""
		default:
			return 0, false
		}
	}
	return 0, false
}

// ValueEnd returns the offset just past the JSON value that starts at
// data[i], or -1 if it does not end there. Scalars are delimited, not
// checked.
func ValueEnd(data []byte, i int) int { return skipValue(data, i) }

// skipSpace returns the offset of the first non-space byte at or after i.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset just past the string starting at data[i]
// (a quote), or -1 if it does not end.
func skipString(data []byte, i int) int {
	for i++; ; i += 2 { // past a backslash and the byte it escapes
		i = stringSpecial(data, i)
		if i >= len(data) {
			return -1
		}
		if data[i] == '"' {
			return i + 1
		}
	}
}

// stringSpecial returns the offset of the first quote or backslash in data
// at or after i, or a number at least len(data) if there is none. Most
// of a stored document is strings: reading them eight bytes at a time made
// indenting a token a quarter faster (\uXXXX's digits are plain bytes).
func stringSpecial(data []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(data); i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		q, b := w^(ones*'"'), w^(ones*'\\')
		// The lowest byte flagged is the first one that is zero in q or
		// in b: borrows only flag bytes above a zero one.
		if m := ((q-ones)&^q | (b-ones)&^b) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(data) && data[i] != '"' && data[i] != '\\' {
		i++
	}
	return i
}

// skipValue returns the offset just past the value starting at data[i], or
// -1 if it does not end. Scalars are not checked, only delimited.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				if i = skipString(data, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	start := i
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			if i == start {
				return -1
			}
			return i
		}
		i++
	}
	if i == start {
		return -1
	}
	return i
}

// Stored is a document's stored text standing for the value it encodes,
// as a resource's rendering: the API sends it as encoding/json would send
// the decoded value. It differs from json.RawMessage, which the API sends
// as it is, in one thing: json.Marshal stores <, > and & as \u003c, \u003e
// and \u0026, and the API writes them as the characters.
type Stored []byte

// MarshalJSON returns s with the HTML escapes undone, which encoding/json
// then writes as it is (the API's encoder does not escape HTML).
func (s Stored) MarshalJSON() ([]byte, error) {
	return UnescapeHTML(nil, s), nil
}

// UnescapeHTML appends src, JSON text, to dst with the escapes
// json.Marshal writes for <, > and & (inside strings) undone.
func UnescapeHTML(dst, src []byte) []byte {
	for i := 0; i < len(src); i++ {
		if src[i] != '\\' {
			dst = append(dst, src[i])
			continue
		}
		if ch, ok := htmlEscape(src[i:]); ok {
			dst = append(dst, ch)
			i += 5
			continue
		}
		dst = append(dst, src[i])
		if i+1 < len(src) {
			i++
			dst = append(dst, src[i])
		}
	}
	return dst
}

// StoredCut is a stored object's text with a run of its members left out:
// Text less Text[From:To], sent as Stored sends a document. A view that
// shows only some of a stored object's members is thus sent without a
// copy of them. Text[From:To] lies outside every string, and what is left
// is JSON: typically the comma before the first member left out, up to the
// closing brace.
type StoredCut struct {
	Text     []byte
	From, To int
}

// MarshalJSON returns the text left, with the HTML escapes undone as
// Stored's are.
func (c StoredCut) MarshalJSON() ([]byte, error) {
	return UnescapeHTML(UnescapeHTML(nil, c.Text[:c.From]), c.Text[c.To:]), nil
}

// AppendIndent is the package's AppendIndent for the text c leaves, which
// it does not copy first.
func (c StoredCut) AppendIndent(dst []byte, depth int) []byte {
	dst, depth, needIndent := appendIndentPiece(dst, c.Text[:c.From], depth, false, true)
	dst, _, _ = appendIndentPiece(dst, c.Text[c.To:], depth, needIndent, true)
	return dst
}

// AppendIndent appends src, JSON text, to dst indented as the API sends
// it: exactly what encoding/json's Encoder writes with SetIndent("", "  ")
// and SetEscapeHTML(false) for the same json.RawMessage (or, with
// unescapeHTML, Stored), less the final newline, when the value sits depth
// levels deep (its lines after the first are indented by depth levels
// more). That is, two spaces per level, ": " after keys, empty objects and
// arrays as {} and [], and strings copied as they are, but for the HTML
// escapes when unescapeHTML is set. Only whitespace outside strings is
// dropped and added: src must be valid JSON as encoding/json writes it.
func AppendIndent(dst, src []byte, depth int, unescapeHTML bool) []byte {
	dst, _, _ = appendIndentPiece(dst, src, depth, false, unescapeHTML)
	return dst
}

// appendIndentPiece is AppendIndent for one piece of a value's text, which
// must not end inside a string, with the state between pieces passed in
// and returned (for StoredCut): the depth, and needIndent, set after { or
// [ until what follows tells whether it closes at once. A function rather
// than a method on a struct of that state, which made AppendIndent 7%
// slower.
func appendIndentPiece(dst, src []byte, depth int, needIndent, unescapeHTML bool) ([]byte, int, bool) {
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			dst = appendNewline(dst, depth)
		}
		switch c {
		case '"':
			// Copy the string up to its closing quote, writing the HTML
			// escapes as characters; src[i:j] is what is left to copy.
			j := i + 1
			for {
				j = stringSpecial(src, j)
				if j >= len(src) {
					return append(dst, src[i:]...), depth, needIndent // unterminated
				}
				if src[j] == '"' {
					break
				}
				if ch, ok := htmlEscape(src[j:]); ok && unescapeHTML {
					dst = append(append(dst, src[i:j]...), ch)
					j += 6
					i = j
					continue
				}
				j += 2
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			needIndent = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = appendNewline(dst, depth)
		case ':':
			dst = append(dst, ':', ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				dst = appendNewline(dst, depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst, depth, needIndent
}

// htmlEscape tells whether esc (starting at a backslash) is one of the
// escapes json.Marshal writes for <, > and &, and which character it is.
func htmlEscape(esc []byte) (byte, bool) {
	if len(esc) < 6 || esc[1] != 'u' || esc[2] != '0' || esc[3] != '0' {
		return 0, false
	}
	switch string(esc[4:6]) {
	case "3c", "3C":
		return '<', true
	case "3e", "3E":
		return '>', true
	case "26":
		return '&', true
	}
	return 0, false
}

func appendNewline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	for range depth {
		dst = append(dst, ' ', ' ')
	}
	return dst
}
