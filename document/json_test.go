package document

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// apiIndent is how the API encodes a value with encoding/json.
func apiIndent(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// randomValue builds a JSON value with strings that need escaping.
func randomValue(r *rand.Rand, depth int) any {
	strs := []string{"", "a", `quote " and \ back`, "<b>&amp;</b>", "line\nbreak\ttab", "\u2028\u2029", "é ü 日本", "\x01ctl", `\u003c literal`}
	switch n := r.IntN(8); {
	case n == 0:
		return nil
	case n == 1:
		return r.IntN(2) == 0
	case n == 2:
		return r.Int64() - r.Int64()
	case n == 3:
		return r.Float64() * 1e6
	case n < 6 || depth > 3:
		return strs[r.IntN(len(strs))]
	case n == 6:
		a := make([]any, r.IntN(4))
		for i := range a {
			a[i] = randomValue(r, depth+1)
		}
		return a
	default:
		m := map[string]any{}
		for range r.IntN(4) {
			m[strs[r.IntN(len(strs))]+"k"] = randomValue(r, depth+1)
		}
		return m
	}
}

func TestAppendIndentMatchesEncoder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		v := randomValue(r, 0)
		stored, err := json.Marshal(v) // escapes <, > and &, as stored documents do
		if err != nil {
			t.Fatal(err)
		}
		want := apiIndent(t, v)
		if got := AppendIndent(nil, stored, 0, true); !bytes.Equal(got, want) {
			t.Fatalf("value %d: stored %s\ngot  %s\nwant %s", i, stored, got, want)
		}
		// As json.RawMessage and as Stored, through encoding/json.
		if got := AppendIndent(nil, stored, 0, false); !bytes.Equal(got, apiIndent(t, json.RawMessage(stored))) {
			t.Fatalf("value %d, raw: stored %s\ngot %s", i, stored, got)
		}
		if got := apiIndent(t, Stored(stored)); !bytes.Equal(got, want) {
			t.Fatalf("value %d, Stored through encoding/json: got %s\nwant %s", i, got, want)
		}
		// Whitespace in the stored text does not matter.
		var spaced bytes.Buffer
		if err := json.Indent(&spaced, stored, " ", "\t"); err != nil {
			t.Fatal(err)
		}
		if got := AppendIndent(nil, spaced.Bytes(), 0, true); !bytes.Equal(got, want) {
			t.Fatalf("value %d, spaced: got %s\nwant %s", i, got, want)
		}
	}
}

func TestAppendIndentDepth(t *testing.T) {
	v := []any{map[string]any{"a": []any{1, map[string]any{}}, "b": []any{}}}
	want := apiIndent(t, v)
	item, _ := json.Marshal(v[0])
	got := append([]byte("[\n  "), AppendIndent(nil, item, 1, true)...)
	got = append(got, "\n]"...)
	if !bytes.Equal(got, want) {
		t.Fatalf("got %s\nwant %s", got, want)
	}
}

func TestEachMember(t *testing.T) {
	data := []byte(` { "a" : 1 , "b\"c":{"x":[1,"]"]}, "d":"}" ,"e":null}`)
	var got []string
	ok := EachMember(data, func(m Member) bool {
		got = append(got, string(m.Key)+"="+string(m.Value)+"@"+string(data[m.Start:m.End]))
		return true
	})
	want := []string{`a=1@"a" : 1`, `b\"c={"x":[1,"]"]}@"b\"c":{"x":[1,"]"]}`, `d="}"@"d":"}"`, `e=null@"e":null`}
	if !ok || strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("EachMember: %v %q", ok, got)
	}
	if !EachMember([]byte(`{}`), func(Member) bool { t.Fatal("member of {}"); return true }) {
		t.Fatal("{} not read")
	}
	for _, bad := range []string{``, `[]`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":"x}`, `{"a":{"b":1}`, `{"a":1 "b":2}`} {
		if EachMember([]byte(bad), func(Member) bool { return true }) {
			t.Errorf("EachMember(%s) = true", bad)
		}
		AppendIndent(nil, []byte(bad), 0, true) // must not panic
		UnescapeHTML(nil, []byte(bad))
	}
}

func TestMembersBefore(t *testing.T) {
	data := []byte(`{"a":1,"b":{"c":2},"stop":{"never read":` + "\x00" + `,"z":1}`)
	var keys []string
	at, ok := MembersBefore(data, "stop", func(m Member) bool { keys = append(keys, string(m.Key)); return true })
	if !ok || at != strings.Index(string(data), `"stop"`) || strings.Join(keys, ",") != "a,b" {
		t.Fatalf("MembersBefore: %d %v %v", at, ok, keys)
	}
	if _, ok := MembersBefore([]byte(`{"a":1}`), "stop", func(Member) bool { return true }); ok {
		t.Error("MembersBefore found a missing key")
	}
	if _, ok := MembersBefore(data, "stop", func(Member) bool { return false }); ok {
		t.Error("MembersBefore went on after fn stopped")
	}
}

// TestStoredCut checks that an object with a run of members left out is
// sent as the object written without them would be.
func TestStoredCut(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		obj := map[string]any{}
		for k := range 1 + r.IntN(6) {
			obj[string(rune('a'+k))+"<k>"] = randomValue(r, 1)
		}
		text, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 { // whitespace between tokens, and after the object
			var spaced bytes.Buffer
			json.Indent(&spaced, text, "", " \t")
			text = append(spaced.Bytes(), "\n "...)
		}
		var starts []int // where each member after the first begins: its comma
		first := true
		EachMember(text, func(m Member) bool {
			if !first {
				comma := m.Start - 1
				for text[comma] != ',' {
					comma--
				}
				starts = append(starts, comma)
			}
			first = false
			return true
		})
		starts = append(starts, bytes.LastIndexByte(text, '}')) // the closing brace
		// Leave out the members from the k-th comma up to the m-th.
		k := r.IntN(len(starts))
		m := k + r.IntN(len(starts)-k)
		c := StoredCut{Text: text, From: starts[k], To: starts[m]}
		whole := append(append([]byte{}, text[:c.From]...), text[c.To:]...)
		var left any // as read back, numbers kept as written
		dec := json.NewDecoder(bytes.NewReader(whole))
		dec.UseNumber()
		if err := dec.Decode(&left); err != nil {
			t.Fatalf("value %d: cut %s from %d to %d leaves %s: %v", i, text, c.From, c.To, whole, err)
		}
		want := apiIndent(t, left)
		if got := c.AppendIndent(nil, 1); !bytes.Equal(got, AppendIndent(nil, whole, 1, true)) {
			t.Fatalf("value %d: cut %s\ngot  %s\nwant %s", i, whole, got, AppendIndent(nil, whole, 1, true))
		}
		if got := c.AppendIndent(nil, 0); !bytes.Equal(got, want) {
			t.Fatalf("value %d: cut %s\ngot  %s\nwant %s", i, whole, got, want)
		}
		if got := apiIndent(t, c); !bytes.Equal(got, want) {
			t.Fatalf("value %d, through encoding/json: got %s\nwant %s", i, got, want)
		}
	}
}

// BenchmarkAppendIndent measures indenting a stored document of 2 KB as
// answers send it, whole and as a StoredCut of the same text.
func BenchmarkAppendIndent(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	obj := map[string]any{}
	for len(mustMarshal(b, obj)) < 2048 {
		obj[string(rune('a'+len(obj)%26))+strings.Repeat("k", len(obj)/26)] = randomValue(r, 1)
	}
	text := mustMarshal(b, obj)
	b.Run("whole", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		var dst []byte
		for b.Loop() {
			dst = AppendIndent(dst[:0], text, 0, true)
		}
	})
	b.Run("cut", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		mid := 0 // a member's comma near the middle: nothing left out
		EachMember(text, func(m Member) bool {
			mid = m.Start - 1
			return m.Start < len(text)/2
		})
		c := StoredCut{Text: text, From: mid, To: mid}
		if !bytes.Equal(c.AppendIndent(nil, 0), AppendIndent(nil, text, 0, true)) {
			b.Fatal("a cut of nothing indents differently")
		}
		var dst []byte
		for b.Loop() {
			dst = c.AppendIndent(dst[:0], 0)
		}
	})
}

func mustMarshal(b *testing.B, v any) []byte {
	b.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
