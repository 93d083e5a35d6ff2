package api

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/localissuing/localissuing/document"
)

// TestListPageIndent checks that a list of stored documents is encoded
// exactly as encoding/json encodes it.
func TestListPageIndent(t *testing.T) {
	items := []any{
		json.RawMessage(`{"id":"a","nested":{"x":[1,2,{}],"y":[]},"html":"\u003cb\u003e \u0026"}`),
		document.Stored(`{"id":"b","html":"\u003cb\u003e \u0026"}`),
		json.RawMessage(`{"id":"c"}`),
	}
	for _, n := range []int{0, 1, 2, 3} {
		for _, more := range []bool{false, true} {
			p := listPage{Object: "list", Data: []any{}, HasMore: more, URL: "/v1/issuing/tokens"}
			for _, it := range items[:n] {
				p.Data = append(p.Data, it)
			}
			got, ok := p.appendIndent(nil)
			if !ok {
				t.Fatal("appendIndent refused")
			}
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(p); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("%d items:\n got %s\nwant %s", n, got, want.Bytes())
			}
			if m, err := marshal(p); err != nil || !bytes.Equal(m, want.Bytes()) {
				t.Errorf("marshal: %s, %v", m, err)
			}
		}
	}
	if _, ok := (listPage{URL: "/v1/\"x\""}).appendIndent(nil); ok {
		t.Error("URL needing escapes accepted")
	}
	if _, ok := (listPage{Data: []any{map[string]any{}}}).appendIndent(nil); ok {
		t.Error("decoded item accepted")
	}
}

// TestReadListParams checks that the list parameters read directly are
// those Call.Decode gives.
func TestReadListParams(t *testing.T) {
	for _, params := range []map[string]any{
		{},
		{"limit": int64(5)},
		{"limit": int64(100), "starting_after": "ic_1"},
		{"ending_before": "ic_2", "card": "ic_3"},
		{"created": map[string]any{"gt": int64(5)}, "limit": int64(3)},
		{"created": int64(7)},
	} {
		c := &Call{Params: params}
		got, err := readListParams(c)
		if err != nil {
			t.Fatal(err)
		}
		var want listParams
		if err := c.Decode(&want); err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("params %v: read %s, decoded %s", params, g, w)
		}
	}
}

// TestAppendMarshal checks that encoding after what a buffer holds leaves
// that alone and appends what marshal gives, for each way of encoding.
func TestAppendMarshal(t *testing.T) {
	stored := document.Stored(`{"id":"b","html":"\u003cb\u003e"}`)
	tests := []struct {
		name string
		v    any
	}{
		{"raw", json.RawMessage(`{"id":"a","x":[1,{}]}`)},
		{"stored", stored},
		{"list of stored", listPage{Object: "list", Data: []any{stored, stored}, URL: "/v1/issuing/tokens"}},
		{"list through encoding/json", listPage{Object: "list", Data: []any{map[string]any{"a": "<"}}, URL: "/v1/x"}},
		{"decoded", map[string]any{"a": []any{1, "<&>"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			for _, prefix := range [][]byte{nil, []byte("held"), append(make([]byte, 0, 4096), "held"...)} {
				got, err := appendMarshal(prefix, tc.v)
				if err != nil || string(got) != string(prefix)+string(want) {
					t.Errorf("after %q: %q, %v; want %q", prefix, got, err, string(prefix)+string(want))
				}
			}
		})
	}
}
