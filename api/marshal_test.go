package api

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/localissuing/localissuing/authorization"
	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// indentedEncode is how responses were encoded before the indenting was
// done by document.AppendIndent: the reference the fast path must match.
func indentedEncode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return buf.Bytes(), err
}

// responses are the answers of the write test helpers this encoding
// serves most: a cardholder, a physical card just shipped, and an
// authorization on it, made by the resource packages on a store in memory.
func responses(tb testing.TB) (*cardholder.Cardholder, *card.Card, *authorization.Authorization) {
	tb.Helper()
	ctx := context.Background()
	st := sqlitetest.Memory(tb)
	acct := issuing.AccountForKey("sk_test_api_marshal", false)
	now := time.Unix(1795573743, 0)
	var (
		h *cardholder.Cardholder
		c *card.Card
		a *authorization.Authorization
	)
	var err error // the callback sets it too
	err = st.Update(ctx, func(tx store.Tx) error {
		name, email, phone := "Jenny Rosen", "jenny&co@example.com", "+18008675309"
		line1, city, zip, country := "1 Main St <rear>", "San Francisco", "94111", "US"
		addr := issuing.Address{Line1: &line1, City: &city, PostalCode: &zip, Country: &country}
		if h, err = cardholder.Create(ctx, tx, acct, now.Unix(), cardholder.Params{
			Name: &name, Email: &email, PhoneNumber: &phone, Billing: &cardholder.Billing{Address: addr},
			Metadata: map[string]any{"team": "ops", "note": "café"}}); err != nil {
			return err
		}
		active := card.StatusActive
		if c, err = card.Create(ctx, tx, acct, now, card.CreateParams{Cardholder: &h.ID, Currency: "usd",
			Type: "physical", Status: &active, Shipping: &card.Shipping{Name: "Jenny Rosen", Address: addr}}); err != nil {
			return err
		}
		if c, err = card.AdvanceShipping(ctx, tx, acct, now, c.ID, "ship"); err != nil {
			return err
		}
		amount := int64(1250)
		a, err = authorization.Create(ctx, tx, acct, now, authorization.CreateParams{Card: c.ID, Amount: &amount}, authorization.Options{})
		return err
	})
	if err != nil {
		tb.Fatalf("make responses: %v", err)
	}
	return h, c, a
}

// TestAppendMarshalIndent checks that values encoding/json encodes are
// sent byte for byte as an Encoder indenting them wrote them.
func TestAppendMarshalIndent(t *testing.T) {
	type inner struct {
		A string   `json:"a"`
		B []int    `json:"b"`
		C struct{} `json:"c"`
	}
	type embedded struct {
		E string `json:"e"`
	}
	type outer struct {
		embedded
		Name     string            `json:"name"`
		Ptr      *inner            `json:"ptr"`
		Nil      *inner            `json:"nil"`
		Map      map[string]any    `json:"map"`
		EmptyMap map[string]string `json:"empty_map"`
		NilMap   map[string]string `json:"nil_map"`
		Slice    []inner           `json:"slice"`
		Empty    []string          `json:"empty"`
		NilSlice []string          `json:"nil_slice"`
		Struct   struct{}          `json:"struct"`
		Raw      json.RawMessage   `json:"raw"`
		NilRaw   json.RawMessage   `json:"nil_raw"`
		Stored   document.Stored   `json:"stored"`
		Omitted  string            `json:"omitted,omitempty"`
		OmitPtr  *int64            `json:"omit_ptr,omitempty"`
		Kept     int64             `json:"kept,omitempty"`
		Float    float64           `json:"float"`
		Float32  float32           `json:"float32"`
		Bytes    []byte            `json:"bytes"`
		Any      any               `json:"any"`
		skipped  int
		Dash     int `json:"-"`
	}
	kept := int64(7)
	full := outer{
		embedded: embedded{E: "embedded"},
		Name:     "<b>Tom & Jerry</b> \u2028\u2029 é 日本 🎉 \x00\t\n\"\\ \xff",
		Ptr:      &inner{A: "x", B: []int{1, 2, 3}},
		Map: map[string]any{"z": 1, "a": []any{}, "m": map[string]any{}, "<k>": "v&", "n": nil,
			"nested": map[string]any{"deep": []any{map[string]any{"x": 1.5}}}},
		EmptyMap: map[string]string{},
		Slice:    []inner{{A: "1"}, {B: []int{}}},
		Empty:    []string{},
		Raw:      json.RawMessage(` { "a" : [ 1 , 2 , { } , [ ] ] , "h" : "<&>\u003c" } `),
		Stored:   document.Stored(`{"s":"\u003cb\u003e \u0026","n":[]}`),
		Kept:     kept,
		OmitPtr:  &kept,
		Float:    1e21,
		Float32:  0.1,
		Bytes:    []byte("bytes <&>"),
		Any:      []any{1, "two", 3.5, true, nil, map[string]any{}},
		skipped:  1,
		Dash:     2,
	}
	holder, shipped, auth := responses(t)
	tests := []struct {
		name string
		v    any
	}{
		{"full struct", full},
		{"pointer to struct", &full},
		{"zero struct", outer{Stored: document.Stored("null")}},
		{"empty struct", struct{}{}},
		{"nil pointer", (*inner)(nil)},
		{"nil", nil},
		{"string", "a < b && c > d \u2028"},
		{"bool", true},
		{"int", -42},
		{"floats", []float64{0, math.Copysign(0, -1), 1e-7, 1e-6, 0.1, 3, 1e20, 1e21, 123456789.125, math.MaxFloat64, math.SmallestNonzeroFloat64}},
		{"float32s", []float32{0.1, 1e-7, 1e21, math.MaxFloat32}},
		{"empty map", map[string]any{}},
		{"empty slice", []any{}},
		{"int keys", map[int]string{10: "ten", 2: "two", -1: "minus"}},
		{"nested empties", []any{[]any{}, map[string]any{}, []any{[]any{}}, map[string]any{"a": map[string]any{}}}},
		{"raw", struct {
			R json.RawMessage `json:"r"`
		}{json.RawMessage("[\n1,\t2 ]")}},
		{"error", issuing.Invalid("card", "Card <%s> & more", "ic_1")},
		{"cardholder", holder},
		{"shipped card", shipped},
		{"authorization", auth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := indentedEncode(tc.v)
			if err != nil {
				t.Fatalf("reference encoding: %v", err)
			}
			got, err := appendMarshal(nil, tc.v)
			if err != nil {
				t.Fatalf("appendMarshal: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
	for _, v := range []any{math.NaN(), map[string]any{"f": math.Inf(1)}, struct{ R json.RawMessage }{json.RawMessage(`{"a":`)}, make(chan int)} {
		if _, err := appendMarshal(nil, v); err == nil {
			t.Errorf("%#v: encoded, want an error", v)
		}
	}
}

// BenchmarkAppendMarshal measures encoding the answers of the shipping and
// authorization test helpers: Go values, not stored text, encoded and then
// indented.
func BenchmarkAppendMarshal(b *testing.B) {
	_, shipped, auth := responses(b)
	for _, tc := range []struct {
		name string
		v    any
	}{{"card", shipped}, {"authorization", auth}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf []byte
			for b.Loop() {
				var err error
				if buf, err = appendMarshal(buf[:0], tc.v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(buf)), "bytes/answer")
		})
	}
}
