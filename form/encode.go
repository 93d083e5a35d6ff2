package form

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Encode writes v in a canonical form: keys sorted, arrays indexed
// (a[0]=…&a[1]=…), brackets literal and everything else query-escaped. Two
// trees that are equal encode to the same string, which makes the result
// usable as a request fingerprint, and Parse(Encode(v)) equals v for every
// tree Parse returns.
//
// An empty map or array is written as "key=", which is how Stripe's clients
// ask to clear a field, so it comes back from Parse as "". A nil leaf is
// written as "" and any other leaf type with fmt.Sprint.
func Encode(v map[string]any) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(v)) {
		encodeValue(&b, url.QueryEscape(name), v[name])
	}
	return b.String()
}

// encodeValue writes value under key, which is already escaped.
func encodeValue(b *strings.Builder, key string, value any) {
	switch value := value.(type) {
	case map[string]any:
		if len(value) == 0 {
			writePair(b, key, "")
			return
		}
		for _, name := range slices.Sorted(maps.Keys(value)) {
			encodeValue(b, key+"["+url.QueryEscape(name)+"]", value[name])
		}
	case []any:
		if len(value) == 0 {
			writePair(b, key, "")
			return
		}
		for i, item := range value {
			encodeValue(b, key+"["+strconv.Itoa(i)+"]", item)
		}
	case string:
		writePair(b, key, value)
	case nil:
		writePair(b, key, "")
	default:
		writePair(b, key, fmt.Sprint(value))
	}
}

func writePair(b *strings.Builder, key, value string) {
	if b.Len() > 0 {
		b.WriteByte('&')
	}
	b.WriteString(key)
	b.WriteByte('=')
	b.WriteString(url.QueryEscape(value))
}
