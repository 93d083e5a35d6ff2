package form

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/issuing"
)

// FuzzParse checks that Parse never panics, that it fails only with an
// *issuing.Error, that it agrees with the tree (see parseFlat), and that
// whatever it returns survives Encode and Parse again unchanged, with
// Encode stable on the result.
func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.raw)
	}
	for _, tc := range errorCases {
		f.Add(tc.raw)
	}
	for _, raw := range fuzzSeeds {
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := Parse(raw)
		if tree, treeErr := parseTree(raw); !reflect.DeepEqual(v, tree) || fmt.Sprint(err) != fmt.Sprint(treeErr) {
			t.Fatalf("Parse(%q) = %#v, %v; the tree gives %#v, %v", raw, v, err, tree, treeErr)
		}
		if err != nil {
			if e, ok := issuing.AsError(err); !ok || e.Kind != issuing.KindInvalid {
				t.Fatalf("Parse(%q) error %T %v is not an invalid-request *issuing.Error", raw, err, err)
			}
			return
		}
		encoded := Encode(v)
		back, err := Parse(encoded)
		if err != nil {
			t.Fatalf("Parse(%q) ok but Parse(Encode) = Parse(%q) failed: %v", raw, encoded, err)
		}
		if !reflect.DeepEqual(back, v) {
			t.Fatalf("Parse(%q) round trip through %q\n got %#v\nwant %#v", raw, encoded, back, v)
		}
		if again := Encode(back); again != encoded {
			t.Fatalf("Encode is not stable: %q then %q", encoded, again)
		}
	})
}

// fuzzSeeds are further inputs near the edges: limits, odd escapes and
// curl-style grouping.
var fuzzSeeds = []string{
	"a[][b]=1&a[][b][c]=2",
	"a[][0]=1&a[][0][b]=2",
	"a[][]=1&a[][0]=2",
	"a[0][]=1&a[0][]=2&a[1][]=3",
	"%5B%5D=1",
	"a%5B%5D%5B%5D=1",
	"a[%5D=1",
	"a[b]%5B=1",
	"a[b]=%",
	"%=%",
	"a=%2",
	"a==",
	"==",
	"+=+",
	"a[+]=+&a[%20]=%20",
	"a[0]=1&a[00]=2&a[000][b]=3",
	"a[9999]=x&a[0]=y",
	"a[]=&a[]&a[]=",
	"a[b][c]&a[b][d]=&a[b]",
	"metadata[]=x",
	"metadata[0]=x&metadata[1]=y",
	"a[\x00]=\x00",
	"a[é]=€&€[€]=é",
	strings.Repeat("k", 994) + "[]=1",
	strings.Repeat("k", 995) + "[]=1",
	strings.Repeat("k", 991) + "[][b]=1&" + strings.Repeat("k", 991) + "[][b]=2",
	"a" + strings.Repeat("[]", 10) + "=1",
	"a" + strings.Repeat("[]", 11) + "=1",
	"a" + strings.Repeat("[0]", 10) + "=1",
	strings.Repeat("a[]=1&", 20),
	strings.Repeat("&", 50),
}
