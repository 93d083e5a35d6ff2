package form

import (
	"reflect"
	"testing"
)

func TestEncode(t *testing.T) {
	cases := []struct {
		name string
		in   obj
		want string
	}{
		{"empty", obj{}, ""},
		{"keys sorted", obj{"b": "2", "a": "1"}, "a=1&b=2"},
		{"nested and indexed", obj{"a": obj{"c": arr{"x", "y"}, "b": "1"}},
			"a[b]=1&a[c][0]=x&a[c][1]=y"},
		{"array of objects", obj{"a": arr{obj{"b": "1", "c": "2"}, obj{"b": "3"}}},
			"a[0][b]=1&a[0][c]=2&a[1][b]=3"},
		{"escaping", obj{"some key": "1 Main St", "q": "a&b=c%d+e", "m": obj{"k&=": "v"}},
			"m[k%26%3D]=v&q=a%26b%3Dc%25d%2Be&some+key=1+Main+St"},
		{"empty string", obj{"a": ""}, "a="},
		{"empty containers clear", obj{"a": obj{}, "b": arr{}}, "a=&b="},
		{"nil leaf", obj{"a": nil}, "a="},
		{"other leaf types", obj{"n": 5000, "t": true}, "n=5000&t=true"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Encode(tc.in); got != tc.want {
				t.Fatalf("Encode(%#v)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestEncodeRoundTrip checks the property the fuzz target checks, on the
// table inputs, so that a plain go test names the failing case.
func TestEncodeRoundTrip(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			encoded := Encode(tc.want)
			back, err := Parse(encoded)
			if err != nil {
				t.Fatalf("Parse(Encode(…)) = %q: %v", encoded, err)
			}
			if !reflect.DeepEqual(back, tc.want) {
				t.Fatalf("round trip through %q\n got %#v\nwant %#v", encoded, back, tc.want)
			}
		})
	}
}

// TestEncodeIsCanonical checks that the spellings clients use for one tree
// encode to one string, which is what request fingerprints rely on.
func TestEncodeIsCanonical(t *testing.T) {
	spellings := []string{
		"expand[0]=card&metadata[order_id]=6735&shipping[address][line1]=1+Main+St",
		"shipping%5Baddress%5D%5Bline1%5D=1%20Main%20St&metadata[order_id]=6735&expand[]=card",
		"metadata[order_id]=6735&expand[7]=card&shipping[address][line1]=1 Main St",
	}
	want := "expand[0]=card&metadata[order_id]=6735&shipping[address][line1]=1+Main+St"
	for _, raw := range spellings {
		v, err := Parse(raw)
		if err != nil {
			t.Fatalf("Parse(%q): %v", raw, err)
		}
		if got := Encode(v); got != want {
			t.Errorf("Encode(Parse(%q)) = %q, want %q", raw, got, want)
		}
	}
}
