package storetest

import (
	"testing"

	"github.com/localissuing/localissuing/store"
)

// testListFieldSets covers the filters beyond equality: prefixes, sets of
// strings and ranges of integers, which events are listed by.
func testListFieldSets(t *testing.T, s store.Store) {
	const kindEvent = "event"
	ev := func(id string, fields map[string]any) *store.Object {
		return obj(t, acctA, kindEvent, id, 1700000000, "", fields)
	}
	// Newest first is evt_9 … evt_1.
	insert(t, s,
		ev("evt_1", map[string]any{"type": "issuing_card.created", "pending": 0}),
		ev("evt_2", map[string]any{"type": "issuing_card.updated", "pending": 2}),
		ev("evt_3", map[string]any{"type": "issuing_cardholder.created", "pending": 1}),
		ev("evt_4", map[string]any{"type": "ISSUING_CARD.created", "pending": "1"}),
		ev("evt_5", map[string]any{"type": "issuing_card%x", "pending": 1.5}),
		ev("evt_6", map[string]any{"type": "éclair.baked", "pending": -1}),
		ev("evt_7", map[string]any{"type": 12, "pending": true}),
		ev("evt_8", nil),
		ev("evt_9", map[string]any{"type": "issuing_token.updated", "pending": 7}),
		// Never listed: another account.
		obj(t, acctB, kindEvent, "evt_b", 1700000000, "", map[string]any{"type": "issuing_card.created", "pending": 1}),
	)
	prefix := func(p string) []store.Field { return []store.Field{{Name: "type", Value: p, Prefix: true}} }
	oneOf := func(v ...string) []store.Field { return []store.Field{{Name: "type", Value: v}} }
	pending := func(r store.Range) []store.Field { return []store.Field{{Name: "pending", Value: r}} }
	tests := []struct {
		name  string
		equal []store.Field
		want  []string
	}{
		{"prefix", prefix("issuing_card."), []string{"evt_2", "evt_1"}},
		{"prefix of two kinds", prefix("issuing_card"), []string{"evt_5", "evt_3", "evt_2", "evt_1"}},
		{"prefix is case-sensitive", prefix("ISSUING_"), []string{"evt_4"}},
		{"prefix has no wildcards", prefix("issuing_card%"), []string{"evt_5"}},
		{"prefix has no single-character wildcard", prefix("issuing_c_rd"), []string{}},
		{"prefix of non-ASCII", prefix("éc"), []string{"evt_6"}},
		{"prefix of one multi-byte character", prefix("é"), []string{"evt_6"}},
		{"whole value as prefix", prefix("issuing_token.updated"), []string{"evt_9"}},
		{"prefix longer than the value", prefix("issuing_token.updated.x"), []string{}},
		{"empty prefix matches strings", prefix(""), []string{"evt_9", "evt_6", "evt_5", "evt_4", "evt_3", "evt_2", "evt_1"}},
		{"set", oneOf("issuing_card.created", "issuing_token.updated", "unknown"), []string{"evt_9", "evt_1"}},
		{"set of one", oneOf("issuing_cardholder.created"), []string{"evt_3"}},
		{"empty set", oneOf(), []string{}},
		{"set is exact", oneOf("issuing_card"), []string{}},
		{"set of strings not numbers", oneOf("12"), []string{}},
		{"range gt", pending(store.Range{Gt: ptr(0)}), []string{"evt_9", "evt_3", "evt_2"}},
		{"range gte lte", pending(store.Range{Gte: ptr(1), Lte: ptr(2)}), []string{"evt_3", "evt_2"}},
		{"range lt", pending(store.Range{Lt: ptr(1)}), []string{"evt_6", "evt_1"}},
		{"open range matches integers", pending(store.Range{}), []string{"evt_9", "evt_6", "evt_3", "evt_2", "evt_1"}},
		{"empty range", pending(store.Range{Gt: ptr(1), Lt: ptr(2)}), []string{}},
		{"prefix and range", append(prefix("issuing_card"), pending(store.Range{Gt: ptr(0)})...), []string{"evt_3", "evt_2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := list(t, s, store.Query{Account: acctA, Kind: kindEvent, Equal: tc.equal, Limit: 100})
			checkIDs(t, "List", p.Objects, tc.want)
		})
	}

	// Pages of a filtered list hold only matching objects, with HasMore
	// counting matches only.
	q := store.Query{Account: acctA, Kind: kindEvent, Equal: prefix("issuing_card"), Limit: 3}
	p := list(t, s, q)
	checkIDs(t, "first page", p.Objects, []string{"evt_5", "evt_3", "evt_2"})
	if !p.HasMore {
		t.Errorf("first page: HasMore false")
	}
	q.StartingAfter = "evt_2"
	p = list(t, s, q)
	checkIDs(t, "second page", p.Objects, []string{"evt_1"})
	if p.HasMore {
		t.Errorf("second page: HasMore true")
	}

	bad := []store.Field{
		{Name: "type", Value: int64(1), Prefix: true},
		{Name: "type", Value: []string{"a"}, Prefix: true},
		{Name: "type", Value: []int64{1}},
		{Name: "type", Value: &store.Range{}},
	}
	for _, f := range bad {
		if err := listErr(t, s, store.Query{Account: acctA, Kind: kindEvent, Equal: []store.Field{f}, Limit: 10}); err == nil {
			t.Errorf("List with field %+v succeeded", f)
		}
	}
}
