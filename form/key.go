package form

import (
	"strings"

	"github.com/localissuing/localissuing/issuing"
)

type segmentKind uint8

const (
	segmentName   segmentKind = iota // the top-level name or [name]
	segmentIndex                     // [3]
	segmentAppend                    // []
)

// segment is one step of a key's path: "a[b][0][]" is a, [b], [0], [].
type segment struct {
	kind  segmentKind
	name  string
	index int
	// end is the offset in the key just past this segment, so that an
	// error can quote the part of the key where a conflict starts.
	end int
}

// parseKey splits a decoded key into its path, appending to segs so that
// one buffer serves every pair of a request. It rejects anything that is
// not a non-empty name followed by zero or more [segment] groups.
func parseKey(key string, segs []segment) ([]segment, error) {
	if len(key) > maxKeyLength {
		return nil, keyTooLong(key)
	}
	open := strings.IndexAny(key, "[]")
	if open < 0 {
		if key == "" {
			return nil, malformed(key)
		}
		return append(segs, segment{kind: segmentName, name: key, end: len(key)}), nil
	}
	if open == 0 || key[open] == ']' {
		return nil, malformed(key)
	}
	root := len(segs)
	segs = append(segs, segment{kind: segmentName, name: key[:open], end: open})
	for pos := open; pos < len(key); {
		if key[pos] != '[' {
			return nil, malformed(key) // text after a ], as in a[b]c
		}
		closing := strings.IndexAny(key[pos+1:], "[]")
		if closing < 0 || key[pos+1+closing] != ']' {
			return nil, malformed(key)
		}
		if len(segs) > maxDepth {
			return nil, issuing.Invalid(forMessage(key),
				"Parameter name nests more than %d levels deep: %s", maxDepth, forMessage(key))
		}
		end := pos + closing + 2
		inner := key[pos+1 : pos+1+closing]
		var seg segment
		var err error
		if len(segs) == root+1 && segs[root].name == freeKeys {
			seg = segment{kind: segmentName, name: inner, end: end}
		} else {
			seg, err = parseSegment(key, inner, end)
		}
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
		pos = end
	}
	if keyLength(key, segs) > maxKeyLength {
		return nil, keyTooLong(key)
	}
	return segs, nil
}

// freeKeys is the parameter whose keys are the client's own: metadata keys
// are any strings, "123" and "" among them, never array indices.
const freeKeys = "metadata"

// parseSegment classifies the text between one pair of brackets: nothing is
// an append, ASCII digits only are an array index (leading zeros allowed, as
// in Rack) and anything else is a hash key.
func parseSegment(key, inner string, end int) (segment, error) {
	if inner == "" {
		return segment{kind: segmentAppend, end: end}, nil
	}
	for i := 0; i < len(inner); i++ {
		if inner[i] < '0' || inner[i] > '9' {
			return segment{kind: segmentName, name: inner, end: end}, nil
		}
	}
	// Checking the length first keeps a long run of digits from overflowing.
	digits := strings.TrimLeft(inner, "0")
	index := 0
	if len(digits) <= len("9999") {
		for i := 0; i < len(digits); i++ {
			index = index*10 + int(digits[i]-'0')
		}
	}
	if len(digits) > len("9999") || index > maxIndex {
		return segment{}, issuing.Invalid(forMessage(key),
			"Array index out of range (0 to %d): %s", maxIndex, forMessage(key[:end]))
	}
	return segment{kind: segmentIndex, index: index, end: end}, nil
}

// keyLength is the length a key is held to. An appended [] counts as if it
// were [9999] because Encode writes it back with an index: without that,
// a key that was just short enough would come back from Encode too long.
func keyLength(key string, segs []segment) int {
	n := len(key)
	for _, s := range segs {
		if s.kind == segmentAppend {
			n += len("9999")
		}
	}
	return n
}

func malformed(key string) error {
	return issuing.Invalid(forMessage(key), "Malformed parameter name: %s", forMessage(key))
}

func keyTooLong(key string) error {
	return issuing.Invalid(forMessage(key),
		"Parameter name is longer than %d characters: %s", maxKeyLength, forMessage(key))
}

// forMessage makes text taken from the request safe to put in an error: a
// hostile key must not be echoed back at full length, and the error is
// rendered as JSON, which holds only valid UTF-8.
func forMessage(s string) string {
	if len(s) > maxKeyLength {
		s = s[:maxKeyLength] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
