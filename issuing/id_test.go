package issuing

import (
	"strings"
	"testing"
	"time"
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
	for _, id := range []string{a, b} {
		rest, ok := strings.CutPrefix(id, "ic_")
		if !ok || len(rest) != 24 || strings.Trim(rest, base62) != "" || rest[0] != '1' {
			t.Errorf("NewID: %q, want ic_, 1 and 23 base62 characters", id)
		}
	}
	if a == b || a[len("ic_1")+idTimeChars:] == b[len("ic_1")+idTimeChars:] {
		t.Errorf("NewID twice: %q, %q", a, b)
	}
	// Ids minted later sort later.
	prev := NewID("evt")
	for range 5 {
		time.Sleep(2 * time.Millisecond)
		next := NewID("evt")
		if next <= prev {
			t.Errorf("%q minted after %q sorts before it", next, prev)
		}
		prev = next
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
