package issuing

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestMergeMetadata(t *testing.T) {
	current := Metadata{"a": "1", "b": "2"}
	many := map[string]any{}
	for i := 0; i < 49; i++ {
		many["key"+strconv.Itoa(i)] = "v"
	}
	tests := []struct {
		name      string
		param     any
		want      Metadata
		wantParam string // error param; "" means success
	}{
		{"absent leaves it", nil, Metadata{"a": "1", "b": "2"}, ""},
		{"sets and overwrites", map[string]any{"b": "3", "c": "4"}, Metadata{"a": "1", "b": "3", "c": "4"}, ""},
		{"empty value deletes", map[string]any{"a": ""}, Metadata{"b": "2"}, ""},
		{"empty string clears all", "", Metadata{}, ""},
		{"key too long", map[string]any{strings.Repeat("x", 41): "v"}, nil, "metadata[" + strings.Repeat("x", 41) + "]"},
		{"value too long", map[string]any{"k": strings.Repeat("v", 501)}, nil, "metadata[k]"},
		{"brackets in key", map[string]any{"a]b": "v"}, nil, "metadata[a]b]"},
		{"too many keys", many, nil, "metadata"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MergeMetadata(current, tc.param)
			if tc.wantParam != "" {
				e, ok := AsError(err)
				if !ok || e.Param != tc.wantParam || e.Kind != KindInvalid {
					t.Fatalf("err = %v, want invalid param %q", err, tc.wantParam)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if len(current) != 2 {
		t.Errorf("MergeMetadata changed its input: %v", current)
	}
}
