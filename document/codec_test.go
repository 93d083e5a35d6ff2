package document_test

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/document/documenttest"
)

// shout is a type with its own JSON methods: stored upper case, read back
// lower case.
type shout string

func (s shout) MarshalJSON() ([]byte, error) { return json.Marshal(strings.ToUpper(string(s))) }

func (s *shout) UnmarshalJSON(b []byte) error {
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = shout(strings.ToLower(v))
	return nil
}

type base struct {
	ID     string  `json:"id"`
	Number string  `json:"number,omitempty"`
	Holder *string `json:"holder"`
	Hidden string  `json:"hidden"`
}

type Extra struct {
	Extra int `json:"extra"`
}

type secret struct {
	Promoted string `json:"promoted"`
}

// stored has the shapes the stored types have (a public object embedded
// in a record whose fields shadow some of its own) and the ones encoders
// tend to differ on. It has no float32 and no []byte, which no stored type
// has and which document.Unmarshal reads differently at the edges (see
// codec.go).
type stored struct {
	base
	*Extra
	secret
	Holder    string             `json:"holder"`
	Number    string             `json:"number"`
	Float     float64            `json:"float"`
	Small     int8               `json:"small"`
	Unsigned  uint64             `json:"unsigned"`
	Raw       json.RawMessage    `json:"raw"`
	Any       any                `json:"any"`
	Anys      []any              `json:"anys"`
	Nested    map[string]any     `json:"nested"`
	Strings   map[string]string  `json:"strings"`
	IntKeys   map[int64]string   `json:"int_keys"`
	Deep      map[string][]*base `json:"deep"`
	Array     [2]bool            `json:"array"`
	Shout     shout              `json:"shout"`
	ShoutPtr  *shout             `json:"shout_ptr"`
	OmitStr   string             `json:"omit_str,omitempty"`
	OmitInt   int64              `json:"omit_int,omitempty"`
	OmitBool  bool               `json:"omit_bool,omitempty"`
	OmitPtr   *int64             `json:"omit_ptr,omitempty"`
	OmitMap   map[string]string  `json:"omit_map,omitempty"`
	OmitSlice []string           `json:"omit_slice,omitempty"`
	OmitRaw   json.RawMessage    `json:"omit_raw,omitempty"`
	Untagged  string
	Skipped   string `json:"-"`
	Dash      string `json:"-,"`
	private   string
}

// TestCodec checks document.Marshal and Unmarshal against encoding/json on
// the shapes of stored types.
func TestCodec(t *testing.T) {
	holder := "ich_1"
	doc, err := json.Marshal(stored{
		base:   base{ID: "ic_1", Number: "hidden", Holder: &holder, Hidden: "<&>"},
		Extra:  &Extra{Extra: 3},
		secret: secret{Promoted: "\u2028"},
		Holder: "ich_2", Number: "4242", Float: 1e21, Small: -8, Unsigned: math.MaxUint64,
		Raw: json.RawMessage(`{"a": [1, "<"]}`), Any: 1.5, Anys: []any{1.0, "x", nil, []any{}, map[string]any{}},
		Nested: map[string]any{"b": map[string]any{"c": []any{1e-7}}, "a": nil}, Strings: map[string]string{},
		IntKeys: map[int64]string{10: "ten", -2: "minus two"}, Deep: map[string][]*base{"x": {nil, {ID: "y"}}},
		Shout: "Loud", OmitRaw: json.RawMessage(`[]`), Untagged: "u", Dash: "dash",
	})
	if err != nil {
		t.Fatal(err)
	}
	documenttest.CheckCodec(t, func() any { return new(stored) }, doc)
}

// TestCodecEdges checks inputs and values CheckCodec does not make.
func TestCodecEdges(t *testing.T) {
	deep := strings.Repeat("[", 10001) + strings.Repeat("]", 10001)
	for _, tc := range []struct {
		name string
		in   string
	}{
		{"nested past encoding/json's limit", `{"any":` + deep + `}`},
		{"unknown nested past the limit", `{"unknown":` + deep + `}`},
		{"invalid UTF-8", "{\"id\":\"\xff\xfe\",\"any\":\"\xed\xa0\x80\"}"},
		{"surrogate escapes", `{"id":"\ud83c\udf89 \ud800 \udc00x"}`},
		{"null into everything", `{"id":null,"float":null,"raw":null,"nested":null,"array":null,"shout":null,"extra":null}`},
		{"raw with whitespace", `{"raw" : [ 1 , { "a" : null } ] }`},
		{"number forms", `{"float":-0.0e+0,"small":-128,"unsigned":18446744073709551615}`},
		{"float64 overflow", `{"float":1.8e308}`},
		{"int8 overflow", `{"small":128}`},
		{"leading zero", `{"float":01}`},
		{"empty", ``},
		{"byte order mark", "\ufeff{}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want, got stored
			wantErr := json.Unmarshal([]byte(tc.in), &want)
			err := document.Unmarshal([]byte(tc.in), &got)
			if (err == nil) != (wantErr == nil) {
				t.Fatalf("error %v, encoding/json error %v", err, wantErr)
			}
			if err == nil {
				w, _ := json.Marshal(want)
				g, _ := json.Marshal(got)
				if !bytes.Equal(g, w) {
					t.Errorf("decoded\n%s\nencoding/json\n%s", g, w)
				}
			}
		})
	}
	for _, v := range []any{
		document.Stored(`{"s":"\u003cb\u003e \u0026","n":[1.50]}`),
		map[string]any{"stored": document.Stored(`{"a":"\u003c"}`), "raw": json.RawMessage(` "<&>\u2028" `)},
		math.NaN(), math.Inf(1), map[string]any{"f": math.Inf(-1)},
		struct{ C chan int }{},
		struct{ S document.Stored }{document.Stored(`{`)},
		"<script>\u2028\xff",
		json.RawMessage(`{"a":`), json.RawMessage{}, json.RawMessage(nil), json.RawMessage("[1,\n2 ]"),
		json.Number(""), json.Number("abc"), json.Number("1e400"), []any{json.Number("-0"), json.Number("12.50")},
		nil,
	} {
		want, wantErr := json.Marshal(v)
		got, err := document.Marshal(v)
		if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
			t.Errorf("%#v: document.Marshal %s (error %v), encoding/json %s (error %v)", v, got, err, want, wantErr)
		}
		var sent bytes.Buffer
		enc := json.NewEncoder(&sent)
		enc.SetEscapeHTML(false)
		wantErr = enc.Encode(v)
		want = bytes.TrimSuffix(sent.Bytes(), []byte{'\n'})
		got, err = document.AppendNoEscape(nil, v)
		if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
			t.Errorf("%#v: document.AppendNoEscape %s (error %v), encoding/json %s (error %v)", v, got, err, want, wantErr)
		}
	}
}
