package event

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// randomObject builds a JSON object of the kinds of values resources have.
func randomObject(r *rand.Rand, depth int) map[string]any {
	m := map[string]any{}
	for i := range r.IntN(6) {
		key := string(rune('a' + i))
		switch r.IntN(7) {
		case 0:
			m[key] = nil
		case 1:
			m[key] = r.IntN(2) == 0
		case 2:
			m[key] = r.Int64N(3)
		case 3:
			m[key] = []string{"x", "<y>"}[r.IntN(2)]
		case 4:
			m[key] = []any{r.IntN(2), "z"}[:r.IntN(3)]
		default:
			if depth < 3 {
				m[key] = randomObject(r, depth+1)
			} else {
				m[key] = 9007199254740993
			}
		}
	}
	return m
}

// TestPreviousAttributesMatchesMaps checks that comparing JSON text gives
// what comparing decoded maps gives.
func TestPreviousAttributesMatchesMaps(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 5000 {
		before, _ := json.Marshal(randomObject(r, 0))
		after, _ := json.Marshal(randomObject(r, 0))
		if i%3 == 0 {
			after = before // nothing changed
		}
		fast, ok := diffJSON(before, after)
		if !ok {
			t.Fatalf("diffJSON(%s, %s) not ok", before, after)
		}
		b, _ := asMap(before)
		a, _ := asMap(after)
		got, _ := json.Marshal(fast)
		want, _ := json.Marshal(diff(b, a))
		if string(got) != string(want) {
			t.Fatalf("before %s\nafter  %s\ngot  %s\nwant %s", before, after, got, want)
		}
	}
	// A key with escapes takes the slow way, with the same result.
	prev, err := previousAttributes([]byte(`{"a\"b":1,"c":2}`), []byte(`{"a\"b":1,"c":3}`))
	if got, _ := json.Marshal(prev); err != nil || string(got) != `{"c":2}` {
		t.Errorf("escaped key: %s, %v", got, err)
	}
}
