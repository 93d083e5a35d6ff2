// Package documenttest checks a stored type against encoding/json: package
// document encodes and decodes documents with a faster library, which must
// write the bytes encoding/json writes and read the values it reads, for
// every type that is stored. A resource package's test calls CheckCodec
// with its stored types and a few real documents, and BenchmarkCodec with
// one of them:
//
//	func TestCodec(t *testing.T) {
//		documenttest.CheckCodec(t, func() any { return new(record) }, doc)
//	}
//
// The same library encodes the objects events carry (with
// document.Marshal) and the API's answers (with document.AppendNoEscape):
// the renderings of the resources, which are encoded and never decoded,
// and what the API wraps them in. A package's test calls CheckMarshal
// with each such type and real values of it, as the package makes them:
//
//	documenttest.CheckMarshal(t, func() any { return new(Card) }, created, shipped)
package documenttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/document"
)

// randomValues is how many values of each type CheckCodec fills at random,
// and reworkedRandom how many of them it also reworks.
const randomValues, reworkedRandom = 300, 3

// CheckCodec checks that document.Marshal and document.Unmarshal agree with
// encoding/json on values of the type newValue returns (a pointer to a new
// zero value): on docs, documents of that type as stored; on each of them
// reworked (a value replaced by a wrong or odd one at every place, unknown,
// missing, repeated and upper-cased keys, whitespace, truncation); and on
// values filled at random with what trips JSON encoders up (HTML
// characters, invalid UTF-8, U+2028, extreme numbers, empty and nil maps
// and slices, nil pointers). Agreeing means the same bytes from Marshal
// (and from AppendNoEscape as from an Encoder that does not escape HTML),
// and from Unmarshal either an error from both or values reflect.DeepEqual.
// Values an error leaves behind are not compared: document.Decode drops
// them.
func CheckCodec(t *testing.T, newValue func() any, docs ...[]byte) {
	t.Helper()
	name := reflect.TypeOf(newValue()).Elem().String()
	r := rand.New(rand.NewPCG(1, uint64(len(name))))
	for i := range randomValues {
		v := newValue()
		fill(r, reflect.ValueOf(v).Elem(), 0)
		enc, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: encoding/json cannot encode random value %d: %v", name, i, err)
		}
		if !checkMarshal(t, name, v) || !checkUnmarshal(t, name, newValue, enc) {
			return
		}
		// A few are reworked too, for types given no documents; all of
		// them would take minutes.
		if i < reworkedRandom {
			docs = append(docs, enc)
		}
	}
	for i, doc := range docs {
		if !checkMarshal(t, name, decodeStd(t, name, newValue, doc)) {
			return
		}
		for _, in := range reworked(doc) {
			if !checkUnmarshal(t, name, newValue, in) {
				t.Logf("%s: document %d", name, i)
				return
			}
		}
	}
}

// CheckMarshal checks that document.Marshal and document.AppendNoEscape
// agree with encoding/json on values of the type newValue returns (a
// pointer to a new zero value), a type that is encoded but never decoded
// from storage: a rendering that events carry and answers send. It checks
// values filled at random as CheckCodec fills them, each as a pointer and
// as the value itself, and values, real values of the type or pointers to
// them, each as it is given. Agreeing means the same bytes, or an error
// from both.
func CheckMarshal(t *testing.T, newValue func() any, values ...any) {
	t.Helper()
	typ := reflect.TypeOf(newValue()).Elem()
	name := typ.String()
	r := rand.New(rand.NewPCG(2, uint64(len(name))))
	for i := range randomValues {
		v := newValue()
		fill(r, reflect.ValueOf(v).Elem(), 0)
		if !checkMarshal(t, name, v) || !checkMarshal(t, name, reflect.ValueOf(v).Elem().Interface()) {
			t.Logf("%s: random value %d", name, i)
			return
		}
	}
	for i, v := range values {
		if got := reflect.TypeOf(v); got != typ && got != reflect.PointerTo(typ) {
			t.Fatalf("%s: value %d is a %v", name, i, got)
		}
		if !checkMarshal(t, name, v) {
			t.Logf("%s: value %d", name, i)
			return
		}
	}
}

// BenchmarkCodec measures decoding doc into the type newValue returns and
// encoding it again, with encoding/json and with package document.
func BenchmarkCodec(b *testing.B, newValue func() any, doc []byte) {
	v := decodeStd(b, "document", newValue, doc)
	for _, c := range []struct {
		name      string
		marshal   func(any) ([]byte, error)
		unmarshal func([]byte, any) error
	}{
		{"encoding-json", json.Marshal, json.Unmarshal},
		{"document", document.Marshal, document.Unmarshal},
	} {
		b.Run("decode/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.unmarshal(doc, newValue()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("encode/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarshal measures encoding v as events carry it (Marshal) and
// as answers send it (no HTML escapes, in a buffer kept from one answer to
// the next), with encoding/json and with package document.
func BenchmarkMarshal(b *testing.B, v any) {
	var buf bytes.Buffer
	var dst []byte
	for _, c := range []struct {
		name    string
		marshal func(any) error
	}{
		{"marshal/encoding-json", func(v any) error { _, err := json.Marshal(v); return err }},
		{"marshal/document", func(v any) error { _, err := document.Marshal(v); return err }},
		{"noescape/encoding-json", func(v any) error {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			return enc.Encode(v)
		}},
		{"noescape/document", func(v any) (err error) {
			dst, err = document.AppendNoEscape(dst[:0], v)
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.marshal(v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func decodeStd(tb testing.TB, name string, newValue func() any, doc []byte) any {
	tb.Helper()
	v := newValue()
	if err := json.Unmarshal(doc, v); err != nil {
		tb.Fatalf("%s: encoding/json cannot decode %s: %v", name, doc, err)
	}
	return v
}

// checkMarshal reports whether document.Marshal and
// document.AppendNoEscape encode v as encoding/json does, the latter after
// what a buffer holds, with room to spare and without.
func checkMarshal(t *testing.T, name string, v any) bool {
	t.Helper()
	const held = "held"
	appendTo := func(dst []byte) func(any) ([]byte, error) {
		return func(v any) ([]byte, error) {
			b, err := document.AppendNoEscape(dst, v)
			if string(b[:min(len(held), len(b))]) != held {
				return b, fmt.Errorf("what the buffer held was lost: %q", b)
			}
			return b[len(held):], err
		}
	}
	for _, c := range []struct {
		name      string
		got, want func(any) ([]byte, error)
	}{
		{"document.Marshal", document.Marshal, json.Marshal},
		{"document.AppendNoEscape", appendTo([]byte(held)), marshalNoEscape},
		{"document.AppendNoEscape with room", appendTo(append(make([]byte, 0, 4096), held...)), marshalNoEscape},
	} {
		want, wantErr := c.want(v)
		got, err := c.got(v)
		if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
			t.Errorf("%s: %s gave\n%s (error %v)\nencoding/json\n%s (error %v)", name, c.name, got, err, want, wantErr)
			return false
		}
	}
	return true
}

// marshalNoEscape is what document.AppendNoEscape appends: what an
// encoding/json Encoder with SetEscapeHTML(false) writes, less its
// newline.
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// checkUnmarshal reports whether document.Unmarshal decodes in as
// encoding/json does, and into memory of its own.
func checkUnmarshal(t *testing.T, name string, newValue func() any, in []byte) bool {
	t.Helper()
	want := newValue()
	wantErr := json.Unmarshal(in, want)
	scratch := bytes.Clone(in)
	got := newValue()
	err := document.Unmarshal(scratch, got)
	for i := range scratch {
		scratch[i] = 'X' // what a store that reuses its buffers would do
	}
	switch {
	case (err == nil) != (wantErr == nil):
		t.Errorf("%s: decoding %s: document.Unmarshal error %v, encoding/json error %v", name, in, err, wantErr)
	case err == nil && !reflect.DeepEqual(got, want):
		t.Errorf("%s: decoding %s:\ndocument.Unmarshal gave %#v\nencoding/json         %#v", name, in, got, want)
	default:
		return true
	}
	return false
}

// oddValues replace values in reworked documents: nulls, values of every
// other JSON type, numbers no integer or float holds, odd escapes.
var oddValues = []string{`null`, `"s"`, `"\u00e9\ud800\/"`, `1.5`, `-0`, `1e3`, `9223372036854775808`,
	`-9223372036854775809`, `1e400`, `true`, `[]`, `[null,1]`, `{}`, `{"a":null}`}

// reworked returns doc and variations of it that decoders tend to treat
// differently.
func reworked(doc []byte) [][]byte {
	out := [][]byte{doc, []byte(`{}`), []byte(`null`), append(bytes.Clone(doc), " x"...)}
	var indented bytes.Buffer
	if json.Indent(&indented, doc, " \t", "\r\n ") == nil {
		out = append(out, indented.Bytes())
	}
	for _, n := range []int{1, len(doc) / 3, len(doc) - 1} {
		if n > 0 && n < len(doc) {
			out = append(out, doc[:n])
		}
	}
	spans, keys := walk(doc, 0, nil, nil)
	for _, s := range spans {
		for _, odd := range oddValues {
			out = append(out, splice(doc, s, odd))
		}
	}
	if len(keys) > 0 {
		upper := bytes.Clone(doc)
		for _, k := range keys {
			if u := strings.ToUpper(string(doc[k[0]:k[1]])); len(u) == k[1]-k[0] {
				copy(upper[k[0]:k[1]], u)
			}
		}
		out = append(out, upper)
	}
	if inner := bytes.TrimSpace(doc); len(inner) > 2 && inner[0] == '{' && inner[len(inner)-1] == '}' {
		members := inner[1 : len(inner)-1]
		var nulls []string
		document.EachMember(inner, func(m document.Member) bool {
			nulls = append(nulls, `"`+string(m.Key)+`":null`)
			return true
		})
		unknown := `"zz_unknown":{"a":[1,{"b":null,"c":"\u003c"}],"d":1e400},`
		out = append(out,
			[]byte("{"+unknown+string(members)+"}"),
			[]byte("{"+strings.Join(nulls, ",")+","+string(members)+"}"), // the last of a repeated key wins
			[]byte("{"+string(members)+","+strings.Join(nulls, ",")+"}"))
	}
	return out
}

// walk appends to spans where every value nested in data (at offset base of
// the document) starts and ends, and to keys where every object key's
// letters are.
func walk(data []byte, base int, spans, keys [][2]int) ([][2]int, [][2]int) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return spans, keys
	}
	switch data[0] {
	case '{':
		document.EachMember(data, func(m document.Member) bool {
			start := m.End - len(m.Value)
			keys = append(keys, [2]int{base + m.Start + 1, base + m.Start + 1 + len(m.Key)})
			spans = append(spans, [2]int{base + start, base + m.End})
			spans, keys = walk(m.Value, base+start, spans, keys)
			return true
		})
	case '[':
		for i := 1; i < len(data); {
			for i < len(data) && strings.IndexByte(" \t\r\n,", data[i]) >= 0 {
				i++
			}
			end := document.ValueEnd(data, i)
			if end < 0 {
				break
			}
			spans = append(spans, [2]int{base + i, base + end})
			spans, keys = walk(data[i:end], base+i, spans, keys)
			i = end
		}
	}
	return spans, keys
}

func splice(doc []byte, span [2]int, value string) []byte {
	out := make([]byte, 0, len(doc)+len(value))
	return append(append(append(out, doc[:span[0]]...), value...), doc[span[1]:]...)
}

// oddStrings are strings encoders must escape, or may get wrong.
var oddStrings = []string{"", "a", "<b>Tom & Jerry</b>", "é 日本 🎉", "\u2028\u2029", "\x00\x01\b\f\t\n\r\x1f\x7f",
	`"\/`, "\xff\xfe bad", "\xed\xa0\x80", "e\u0301\u00ad\ufeff", "</script>", "a\x00b"}

// oddFloats are floats encoders format differently, at the switch to
// exponents and at the ends of the range.
var oddFloats = []float64{0, math.Copysign(0, -1), 1e21, 1e20, 1e-7, 1e-6, 0.1, 123456.789, 16777217,
	math.MaxFloat64, math.SmallestNonzeroFloat64, -3}

// oddAny are values an interface field may hold: as decoding gives them,
// as parameters give them (int64), as the API's expansions give them
// (json.Number), and stored text, as a list's items.
var oddAny = []any{nil, 1.5, 1e21, "s<&>", true, []any{}, map[string]any{}, []any{1.0, "x", nil},
	map[string]any{"b": 1.0, "a": map[string]any{"z": []any{}}, "<": nil},
	int64(-1795573743), []any{json.Number("9007199254740993"), json.Number("-0"), json.Number("12.50"), json.Number("1e21")},
	map[string]any{"n": json.Number("1795573743"), "h": "<b>\u2028"},
	document.Stored(`{"s":"\u003cb\u003e \u0026","n":[1.50,{}]}`), json.RawMessage(" {\"a\" : \"<&>\u2028\"} ")}

// oddRaw are JSON texts a json.RawMessage may hold.
var oddRaw = []string{"null", `{"a": [1, 2], "h": "<&>"}`, "[]", `"\u003c"`, " 1.50 ", "[\"\u2028\u2029\", \"\u003e\"]"}

// rawTypes hold JSON text: they are filled with oddRaw, not random bytes.
var rawTypes = map[reflect.Type]bool{reflect.TypeFor[json.RawMessage](): true, reflect.TypeFor[document.Stored](): true}

// fill sets v, and everything in it, to values drawn from the odd ones.
func fill(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(oddStrings[r.IntN(len(oddStrings))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		ints := []int64{0, -1, math.MaxInt64, math.MinInt64, r.Int64N(1e12) - 5e11}
		v.SetInt(ints[r.IntN(len(ints))] >> (64 - v.Type().Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint64() >> (64 - v.Type().Bits()))
	case reflect.Float32, reflect.Float64:
		f := oddFloats[r.IntN(len(oddFloats))]
		if v.Kind() == reflect.Float32 && math.Abs(f) > math.MaxFloat32 {
			f = math.MaxFloat32
		}
		v.SetFloat(f)
	case reflect.Pointer:
		if r.IntN(3) > 0 && depth < 8 {
			p := reflect.New(v.Type().Elem())
			fill(r, p.Elem(), depth+1)
			v.Set(p)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(r, v.Field(i), depth+1)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(r, v.Index(i), depth+1)
		}
	case reflect.Slice:
		if rawTypes[v.Type()] {
			if n := r.IntN(len(oddRaw) + 1); n < len(oddRaw) {
				v.SetBytes([]byte(oddRaw[n]))
			}
			return
		}
		if n := r.IntN(4); n > 0 && depth < 8 {
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				fill(r, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Map:
		if n := r.IntN(4); n > 0 && depth < 8 {
			m := reflect.MakeMap(v.Type())
			for range 2 * (n - 1) {
				k := reflect.New(v.Type().Key()).Elem()
				fill(r, k, depth+1)
				e := reflect.New(v.Type().Elem()).Elem()
				fill(r, e, depth+1)
				m.SetMapIndex(k, e)
			}
			v.Set(m)
		}
	case reflect.Interface:
		if a := oddAny[r.IntN(len(oddAny))]; a != nil && reflect.TypeOf(a).Implements(v.Type()) {
			v.Set(reflect.ValueOf(a))
		}
	}
}
