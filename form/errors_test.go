package form

import (
	"fmt"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/issuing"
)

// errorCases are inputs Parse must reject, with the Param and the start of
// the Message of the *issuing.Error it returns. The fuzz target also uses
// them as seeds.
var errorCases = []struct {
	name    string
	raw     string
	param   string
	message string
}{
	{"value then hash", "a=1&a[b]=2", "a[b]", "Invalid hash: a (also sent as a plain value)"},
	{"hash then value", "a[b]=2&a=1", "a", "Invalid value: a (also sent as a hash)"},
	{"value then array", "a=1&a[]=2", "a[]", "Invalid array: a (also sent as a plain value)"},
	{"value then index", "a=1&a[0]=2", "a[0]", "Invalid array: a (also sent as a plain value)"},
	{"hash then append", "a[b]=1&a[]=2", "a[]", "Invalid array: a (also sent as a hash)"},
	{"append then hash", "a[]=1&a[x]=2", "a[x]", "Invalid hash: a (also sent as an array with [])"},
	{"index then hash", "a[0]=1&a[x]=2", "a[x]", "Invalid hash: a (also sent as an array with numeric indices)"},
	{"append then index", "a[]=1&a[0]=2", "a[0]", "Invalid array: a (also sent as an array with [])"},
	{"index then append", "a[0]=1&a[]=2", "a[]", "Invalid array: a (also sent as an array with numeric indices)"},
	{"deep conflict", "a[b][c]=1&a[b][c][d]=2", "a[b][c][d]", "Invalid hash: a[b][c] (also sent as a plain value)"},
	{"conflict inside indexed element", "a[0][b]=1&a[0]=2", "a[0]", "Invalid value: a[0] (also sent as a hash)"},
	{"conflict inside curl element", "a[][b]=1&a[][b][c]=2", "a[][b][c]", "Invalid hash: a[][b] (also sent as a plain value)"},
	{"escaped key quoted decoded", "a=1&a%5Bb%5D=2", "a[b]", "Invalid hash: a"},
	{"unclosed bracket", "a[b=1", "a[b", "Malformed parameter name: a[b"},
	{"closing without opening", "a]=1", "a]", "Malformed parameter name: a]"},
	{"text after bracket", "a[b]c=1", "a[b]c", "Malformed parameter name: a[b]c"},
	{"no name", "[x]=1", "[x]", "Malformed parameter name: [x]"},
	{"only brackets", "[]=1", "[]", "Malformed parameter name: []"},
	{"empty key", "=1", "", "Malformed parameter name: "},
	{"lone equals", "a=1&=", "", "Malformed parameter name: "},
	{"nested open bracket", "a[b[c]]=1", "a[b[c]]", "Malformed parameter name: a[b[c]]"},
	{"double closing", "a[b]]=1", "a[b]]", "Malformed parameter name: a[b]]"},
	{"trailing open", "a[b][=1", "a[b][", "Malformed parameter name: a[b]["},
	{"escaped unclosed", "a%5Bb=1", "a[b", "Malformed parameter name: a[b"},
	{"bad escape in key", "a%ZZ=1", "a%ZZ", "Invalid percent-encoding in parameter name: a%ZZ"},
	{"truncated escape in key", "a%2=1", "a%2", "Invalid percent-encoding in parameter name"},
	{"bad escape in value", "a[b]=%G1", "a[b]", "Invalid percent-encoding in the value of a[b]"},
	{"truncated escape in value", "a=100%", "a", "Invalid percent-encoding in the value of a"},
	{"key not utf-8", "a%FF=1", "a\uFFFD", "Parameter name is not valid UTF-8"},
	{"value not utf-8", "a=%C3%28", "a", "The value of a is not valid UTF-8"},
	{"too deep", "a[1][2][3][4][5][6][7][8][9][10][11]=v", "a[1][2][3][4][5][6][7][8][9][10][11]",
		"Parameter name nests more than 10 levels deep"},
	{"index too large", "a[10000]=x", "a[10000]", "Array index out of range (0 to 9999): a[10000]"},
	{"index with leading zeros too large", "a[0010000]=x", "a[0010000]", "Array index out of range"},
	{"huge index", "a[99999999999999999999999999]=x", "a[99999999999999999999999999]", "Array index out of range"},
	{"nested index too large", "a[b][12345][c]=x", "a[b][12345][c]", "Array index out of range (0 to 9999): a[b][12345]"},
	{"key too long", strings.Repeat("k", 1001) + "=1", strings.Repeat("k", 1000) + "…",
		"Parameter name is longer than 1000 characters"},
	{"appended key counts as indexed", strings.Repeat("k", 996) + "[]=1", strings.Repeat("k", 996) + "[]",
		"Parameter name is longer than 1000 characters"},
}

func TestParseErrors(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.raw)
			if err == nil {
				t.Fatalf("Parse(%q) = %#v, want an error", tc.raw, got)
			}
			e, ok := issuing.AsError(err)
			if !ok {
				t.Fatalf("Parse(%q) error %T %v is not an *issuing.Error", tc.raw, err, err)
			}
			if e.Kind != issuing.KindInvalid {
				t.Errorf("Kind = %v, want KindInvalid", e.Kind)
			}
			if e.Param != tc.param {
				t.Errorf("Param = %q, want %q", e.Param, tc.param)
			}
			if !strings.HasPrefix(e.Message, tc.message) {
				t.Errorf("Message = %q, want it to start with %q", e.Message, tc.message)
			}
		})
	}
}

func TestParseLimitsAreInclusive(t *testing.T) {
	accepted := []string{
		strings.Repeat("k", 1000) + "=1",
		strings.Repeat("k", 994) + "[9999]=1",
		strings.Repeat("k", 994) + "[]=1",
		"a" + strings.Repeat("[b]", 10) + "=1",
	}
	for _, raw := range accepted {
		if _, err := Parse(raw); err != nil {
			t.Errorf("Parse(%.40q…) error: %v", raw, err)
		}
	}
}

func TestParsePairLimit(t *testing.T) {
	atLimit := strings.Repeat("a[]=1&", maxPairs)
	got, err := Parse(atLimit + "&&&")
	if err != nil {
		t.Fatalf("%d pairs: %v", maxPairs, err)
	}
	if n := len(got["a"].([]any)); n != maxPairs {
		t.Fatalf("got %d elements, want %d", n, maxPairs)
	}
	_, err = Parse(atLimit + "b=2")
	e, ok := issuing.AsError(err)
	if !ok || !strings.Contains(e.Message, "Too many parameters") {
		t.Fatalf("%d pairs: error %v, want Too many parameters", maxPairs+1, err)
	}
}

func TestParseContainerLimit(t *testing.T) {
	// One array plus one hash per element.
	elements := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "a[%d][b]=1&", i)
		}
		return b.String()
	}
	if _, err := Parse(elements(maxContainers - 1)); err != nil {
		t.Fatalf("%d containers: %v", maxContainers, err)
	}
	_, err := Parse(elements(maxContainers))
	e, ok := issuing.AsError(err)
	if !ok || e.Param != fmt.Sprintf("a[%d][b]", maxContainers-1) ||
		!strings.HasPrefix(e.Message, "Too many nested parameters") {
		t.Fatalf("%d containers: error %v, want Too many nested parameters", maxContainers+1, err)
	}
	// Curl-style elements count the same way.
	_, err = Parse(strings.Repeat("a[][b]=1&", maxContainers))
	if e, ok := issuing.AsError(err); !ok || !strings.HasPrefix(e.Message, "Too many nested parameters") {
		t.Fatalf("curl-style: error %v, want Too many nested parameters", err)
	}
}

func TestParseErrorParamIsShortened(t *testing.T) {
	huge := strings.Repeat("%ZZ", 100000)
	_, err := Parse(huge + "=1")
	e, ok := issuing.AsError(err)
	if !ok {
		t.Fatalf("error %v is not an *issuing.Error", err)
	}
	if len(e.Param) > maxKeyLength+len("…") || len(e.Message) > 2*maxKeyLength {
		t.Fatalf("param of %d and message of %d bytes echo too much of the key", len(e.Param), len(e.Message))
	}
}
