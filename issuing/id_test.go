package issuing

import (
	"strings"
	"testing"
)

func TestRandomFrom(t *testing.T) {
	for _, alphabet := range []string{base62, "0123456789", "0123456789ABCDEF", "ab"} {
		for _, n := range []int{0, 1, 4, 24, 65, 200} {
			s := RandomFrom(alphabet, n)
			if len(s) != n {
				t.Fatalf("RandomFrom(%q, %d) has length %d", alphabet, n, len(s))
			}
			for _, c := range s {
				if !strings.ContainsRune(alphabet, c) {
					t.Fatalf("RandomFrom(%q, %d) = %q: %q is not in the alphabet", alphabet, n, s, c)
				}
			}
		}
		// Every character turns up in 5,000 draws; missing one by chance
		// is less likely than 1e-30 even for base62.
		seen := map[rune]bool{}
		for _, c := range RandomFrom(alphabet, 5000) {
			seen[c] = true
		}
		if len(seen) != len(alphabet) {
			t.Errorf("RandomFrom(%q, 5000) drew only %d distinct characters", alphabet, len(seen))
		}
	}
}

func TestNewID(t *testing.T) {
	a, b := NewID("ic"), NewID("ic")
	if !strings.HasPrefix(a, "ic_") || len(a) != len("ic_")+24 || a == b {
		t.Errorf("NewID: %q, %q", a, b)
	}
}

func BenchmarkNewID(b *testing.B) {
	for b.Loop() {
		NewID("intok")
	}
}

func TestNewRequestID(t *testing.T) {
	a, b := NewRequestID(), NewRequestID()
	for _, id := range []string{a, b} {
		rest, ok := strings.CutPrefix(id, "req_")
		if !ok || len(rest) != 14 || strings.Trim(rest, base62) != "" {
			t.Errorf("NewRequestID: %q", id)
		}
	}
	if a == b {
		t.Errorf("NewRequestID twice: %q", a)
	}
}

func BenchmarkNewRequestID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NewRequestID()
	}
}
