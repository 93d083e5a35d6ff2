package webhook

import "testing"

func TestPrintable(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		max  int
		want string
	}{
		{"short", []byte(" ok \n"), 10, "ok"},
		{"cut at max", []byte("abcdef"), 3, "abc"},
		{"character cut in two", []byte("ab\u00e9"), 3, "ab"},         // é is 2 bytes
		{"wide character cut", []byte("a\u20ac\u20ac"), 5, "a\u20ac"}, // € is 3 bytes
		{"not text", []byte{0xff, 0xfe, 'a'}, 10, ""},
	}
	for _, tc := range tests {
		if got := Printable(tc.in, tc.max); got != tc.want {
			t.Errorf("%s: Printable = %q, want %q", tc.name, got, tc.want)
		}
	}
}
