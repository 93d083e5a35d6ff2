package form

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/localissuing/localissuing/issuing"
)

// Parse decodes an application/x-www-form-urlencoded string (a request body
// or a raw query string) whose keys use Stripe's bracket notation.
//
// The result is a tree: leaves are string, objects are map[string]any and
// arrays are []any. "a[b][c]=1" nests maps; "a[]=x&a[]=y" and
// "a[0]=x&a[1]=y" both give an array, indices sorted and compacted;
// "a[][b]=1&a[][c]=2&a[][b]=3" gives two objects, a new one starting when a
// key repeats. "+" and "%20" are spaces and brackets may be percent-escaped.
// A repeated key keeps its last value; an empty value stays "" because
// Stripe reads it as "clear this field".
//
// Every failure is an *issuing.Error of kind KindInvalid whose Param is the
// key as sent: malformed or conflicting keys, bad percent-escapes, text that
// is not UTF-8, or input beyond the limits (10,000 pairs, 10 levels of
// brackets, index 9999, keys of 1,000 bytes, 2,000 hashes and arrays).
func Parse(raw string) (map[string]any, error) {
	if out, ok := parseFlat(raw); ok {
		return out, nil
	}
	return parseTree(raw)
}

// parseTree is Parse for any form.
func parseTree(raw string) (map[string]any, error) {
	tree := newBuilder()
	segs := make([]segment, 0, maxDepth+1)
	pairs := 0
	for rest := raw; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" {
			continue
		}
		if pairs++; pairs > maxPairs {
			return nil, issuing.Invalid("", "Too many parameters: at most %d are allowed", maxPairs)
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := decodeKey(rawKey)
		if err != nil {
			return nil, err
		}
		segs, err = parseKey(key, segs[:0])
		if err != nil {
			return nil, err
		}
		value, err := decodeValue(key, rawValue)
		if err != nil {
			return nil, err
		}
		if err := tree.insert(key, segs, value); err != nil {
			return nil, err
		}
	}
	return tree.root.result().(map[string]any), nil
}

// maxFlatPairs is how many pairs parseFlat reads before leaving the rest
// to the tree; the calls it exists for send a handful.
const maxFlatPairs = 16

// parseFlat is Parse for the forms most calls send: a few top-level keys
// and nothing in brackets (a retrieve sends none, a list card=…&limit=10,
// an update status=…), whose tree is a map of strings. Building that map
// directly takes half the allocations of building the tree. It reports
// false for anything else, or anything that may be an error, and Parse
// then reads the whole form again.
func parseFlat(raw string) (map[string]any, bool) {
	out := make(map[string]any, min(strings.Count(raw, "&")+1, maxFlatPairs))
	pairs := 0
	for rest := raw; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" {
			continue
		}
		if pairs++; pairs > maxFlatPairs {
			return nil, false
		}
		key, rawValue, _ := strings.Cut(pair, "=")
		if !plainKey(key) {
			return nil, false
		}
		value, err := decodeValue(key, rawValue)
		if err != nil {
			return nil, false
		}
		out[key] = value // a repeated key keeps its last value, as in the tree
	}
	return out, true
}

// plainKey tells whether a raw key is a top-level name that decoding
// leaves as it is: not empty, within the length limit, and printable ASCII
// without escapes (%, +) or brackets.
func plainKey(key string) bool {
	if key == "" || len(key) > maxKeyLength {
		return false
	}
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c <= ' ' || c >= 0x7f, c == '%', c == '+', c == '[', c == ']':
			return false
		}
	}
	return true
}

func decodeKey(rawKey string) (string, error) {
	key, err := url.QueryUnescape(rawKey)
	if err != nil {
		return "", issuing.Invalid(forMessage(rawKey),
			"Invalid percent-encoding in parameter name: %s", forMessage(rawKey))
	}
	if !utf8.ValidString(key) {
		return "", issuing.Invalid(forMessage(key),
			"Parameter name is not valid UTF-8: %s", forMessage(key))
	}
	return key, nil
}

func decodeValue(key, rawValue string) (string, error) {
	value, err := url.QueryUnescape(rawValue)
	if err != nil {
		return "", issuing.Invalid(forMessage(key),
			"Invalid percent-encoding in the value of %s", forMessage(key))
	}
	if !utf8.ValidString(value) {
		return "", issuing.Invalid(forMessage(key),
			"The value of %s is not valid UTF-8", forMessage(key))
	}
	return value, nil
}
