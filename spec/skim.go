package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// The document is mostly component schemas that a request never needs, so
// rather than have encoding/json check and decode all of it, load skims the
// outer levels with the functions below, which only find where values begin
// and end. The parts that are used are decoded, and so checked, by
// encoding/json when they are needed.

var errTruncated = errors.New("unexpected end of JSON")

// walkObject reads the JSON object that starts at data[i]. For each member
// it calls fn with the key and the offset where the value starts; fn reads
// the value (skipping it or descending into it) and returns the offset
// just past it. walkObject returns the offset just past the object.
func walkObject(data []byte, i int, fn func(key string, start int) (int, error)) (int, error) {
	if i >= len(data) || data[i] != '{' {
		return 0, fmt.Errorf("offset %d: want a JSON object", i)
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return 0, fmt.Errorf("offset %d: want an object key", i)
		}
		end, err := skipString(data, i)
		if err != nil {
			return 0, err
		}
		key, err := unquote(data[i:end])
		if err != nil {
			return 0, fmt.Errorf("offset %d: %w", i, err)
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return 0, fmt.Errorf("offset %d: want ':' after key %q", i, key)
		}
		if i, err = fn(key, skipSpace(data, i+1)); err != nil {
			return 0, err
		}
		i = skipSpace(data, i)
		if i >= len(data) {
			return 0, errTruncated
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, fmt.Errorf("offset %d: want ',' or '}'", i)
		}
	}
}

// skipValue returns the offset just past the JSON value that starts at
// data[i]. Strings and nesting are followed exactly; literals (numbers,
// true, false, null) are only delimited, not checked.
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, errTruncated
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				end, err := skipString(data, i)
				if err != nil {
					return 0, err
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, nil
				}
			}
			i++
		}
		return 0, errTruncated
	case '}', ']', ',', ':':
		return 0, fmt.Errorf("offset %d: unexpected %q", i, data[i])
	default:
		start := i
		for i < len(data) && !isDelimiter(data[i]) {
			i++
		}
		if i == start {
			return 0, fmt.Errorf("offset %d: want a value", i)
		}
		return i, nil
	}
}

// skipString returns the offset just past the string starting at data[i].
func skipString(data []byte, i int) (int, error) {
	for i++; i < len(data); {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			break
		}
		i += j
		// The quote ends the string unless an odd number of backslashes
		// escapes it.
		k := i
		for k > 0 && data[k-1] == '\\' {
			k--
		}
		if (i-k)%2 == 0 {
			return i + 1, nil
		}
		i++
	}
	return 0, errTruncated
}

func isDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
		i++
	}
	return i
}

// unquote decodes a JSON string, quotes included.
func unquote(q []byte) (string, error) {
	if bytes.IndexByte(q, '\\') < 0 && utf8.Valid(q) {
		return string(q[1 : len(q)-1]), nil
	}
	var s string
	if err := json.Unmarshal(q, &s); err != nil {
		return "", fmt.Errorf("key: %w", err)
	}
	return s, nil
}
