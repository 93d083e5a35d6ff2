package storetest

import (
	"testing"

	"github.com/localissuing/localissuing/store"
)

func testListNewestFirst(t *testing.T, s store.Store) {
	// Created goes down while Seq goes up: lists follow Seq.
	insert(t, s, card(t, "ic_1", 1700000300, "", nil))
	insert(t, s, card(t, "ic_2", 1700000200, "", nil), card(t, "ic_3", 1700000200, "", nil))
	insert(t, s, card(t, "ic_4", 1700000100, "", nil))
	// Other kinds and accounts are never listed.
	insert(t, s, obj(t, acctA, kindHolder, "ich_1", 1700000000, "", nil), obj(t, acctB, kindCard, "ic_b", 1700000000, "", nil))
	p := list(t, s, store.Query{Account: acctA, Kind: kindCard, Limit: 10})
	checkIDs(t, "List", p.Objects, []string{"ic_4", "ic_3", "ic_2", "ic_1"})
	if p.HasMore {
		t.Errorf("HasMore with everything on the page")
	}
	for _, o := range p.Objects {
		checkObject(t, o, mustGet(t, s, acctA, kindCard, o.ID))
	}
	empty := list(t, s, store.Query{Account: acctB, Kind: kindHolder, Limit: 10})
	if len(empty.Objects) != 0 || empty.HasMore {
		t.Errorf("List of an empty kind: %v, HasMore %v", ids(empty.Objects), empty.HasMore)
	}
}

func testListInTx(t *testing.T, s store.Store) {
	insert(t, s, card(t, "ic_1", 1700000000, "", nil), card(t, "ic_2", 1700000000, "", nil))
	ctx := t.Context()
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.Delete(ctx, acctA, kindCard, "ic_1"); err != nil {
			return err
		}
		if err := tx.Insert(ctx, card(t, "ic_3", 1700000000, "", nil)); err != nil {
			return err
		}
		p, err := tx.List(ctx, store.Query{Account: acctA, Kind: kindCard, Limit: 10})
		if err != nil {
			return err
		}
		checkIDs(t, "List in the writing Tx", p.Objects, []string{"ic_3", "ic_2"})
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func testListFilters(t *testing.T, s store.Store) {
	// Inserted in this order, so newest first is ic_7 … ic_1. Some values
	// have the wrong JSON type on purpose: "100" is not 100, 1 is not true.
	insert(t, s,
		card(t, "ic_1", 100, "ich_1", map[string]any{"status": "active", "amount": 100, "livemode": false, "brand": "Visa"}),
		card(t, "ic_2", 200, "ich_2", map[string]any{"status": "inactive", "amount": 200, "livemode": true, "big": int64(9007199254740993)}),
		card(t, "ic_3", 300, "ich_1", map[string]any{"status": "active", "amount": 200, "livemode": true}),
		card(t, "ic_4", 300, "ich_2", map[string]any{"status": "100", "amount": "100", "livemode": "true"}),
		card(t, "ic_5", 400, "", map[string]any{"status": "active", "amount": 100.5, "livemode": 1}),
		card(t, "ic_6", 500, "ich_1", map[string]any{"status": "canceled", "amount": 0, "livemode": false, "nested": map[string]any{"status": "active"}}),
		card(t, "ic_7", 250, "ich_1", nil),
		// Never listed: another kind, another account.
		obj(t, acctA, kindHolder, "ich_1", 300, "ich_1", map[string]any{"status": "active", "amount": 100, "livemode": true}),
		obj(t, acctB, kindCard, "ic_b", 300, "ich_1", map[string]any{"status": "active", "amount": 100, "livemode": true}),
	)
	eq := func(name string, v any) store.Field { return store.Field{Name: name, Value: v} }
	tests := []struct {
		name    string
		parent  string
		equal   []store.Field
		created store.Range
		want    []string
	}{
		{name: "none", want: []string{"ic_7", "ic_6", "ic_5", "ic_4", "ic_3", "ic_2", "ic_1"}},
		{name: "parent", parent: "ich_1", want: []string{"ic_7", "ic_6", "ic_3", "ic_1"}},
		{name: "other parent", parent: "ich_2", want: []string{"ic_4", "ic_2"}},
		{name: "unknown parent", parent: "ich_9", want: []string{}},
		{name: "string", equal: []store.Field{eq("status", "active")}, want: []string{"ic_5", "ic_3", "ic_1"}},
		{name: "string of digits", equal: []store.Field{eq("status", "100")}, want: []string{"ic_4"}},
		{name: "int", equal: []store.Field{eq("amount", int64(200))}, want: []string{"ic_3", "ic_2"}},
		{name: "int not string not float", equal: []store.Field{eq("amount", int64(100))}, want: []string{"ic_1"}},
		{name: "int zero", equal: []store.Field{eq("amount", int64(0))}, want: []string{"ic_6"}},
		{name: "int beyond float64", equal: []store.Field{eq("big", int64(9007199254740993))}, want: []string{"ic_2"}},
		{name: "int beyond float64 neighbour", equal: []store.Field{eq("big", int64(9007199254740992))}, want: []string{}},
		{name: "bool true not string not 1", equal: []store.Field{eq("livemode", true)}, want: []string{"ic_3", "ic_2"}},
		{name: "bool false", equal: []store.Field{eq("livemode", false)}, want: []string{"ic_6", "ic_1"}},
		{name: "two fields", equal: []store.Field{eq("status", "active"), eq("amount", int64(200))}, want: []string{"ic_3"}},
		{name: "string and bool", equal: []store.Field{eq("status", "active"), eq("livemode", false)}, want: []string{"ic_1"}},
		{name: "field on one object", equal: []store.Field{eq("brand", "Visa")}, want: []string{"ic_1"}},
		{name: "field on none", equal: []store.Field{eq("color", "red")}, want: []string{}},
		{name: "created gt", created: store.Range{Gt: ptr(300)}, want: []string{"ic_6", "ic_5"}},
		{name: "created gte", created: store.Range{Gte: ptr(300)}, want: []string{"ic_6", "ic_5", "ic_4", "ic_3"}},
		{name: "created lt", created: store.Range{Lt: ptr(250)}, want: []string{"ic_2", "ic_1"}},
		{name: "created lte", created: store.Range{Lte: ptr(250)}, want: []string{"ic_7", "ic_2", "ic_1"}},
		{name: "created gt lt", created: store.Range{Gt: ptr(100), Lt: ptr(400)}, want: []string{"ic_7", "ic_4", "ic_3", "ic_2"}},
		{name: "created gte lte", created: store.Range{Gte: ptr(300), Lte: ptr(300)}, want: []string{"ic_4", "ic_3"}},
		{name: "created empty range", created: store.Range{Gt: ptr(300), Lt: ptr(300)}, want: []string{}},
		{name: "created gt none", created: store.Range{Gt: ptr(500)}, want: []string{}},
		{name: "everything", parent: "ich_1", equal: []store.Field{eq("status", "active")}, created: store.Range{Gte: ptr(200)}, want: []string{"ic_3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := store.Query{Account: acctA, Kind: kindCard, Parent: tc.parent, Equal: tc.equal, Created: tc.created, Limit: 100}
			p := list(t, s, q)
			checkIDs(t, "List", p.Objects, tc.want)
			if p.HasMore {
				t.Errorf("HasMore with everything on the page")
			}
		})
	}
}

func testListLimit(t *testing.T, s store.Store) {
	var objs []*store.Object
	for i := range 5 {
		status := "inactive"
		if i%2 == 0 {
			status = "active"
		}
		objs = append(objs, card(t, seqID("ic", i), 1700000000, "", map[string]any{"status": status}))
	}
	insert(t, s, objs...)
	// Newest first: ic_0004 … ic_0000; active: ic_0004, ic_0002, ic_0000.
	all := []string{"ic_0004", "ic_0003", "ic_0002", "ic_0001", "ic_0000"}
	active := []store.Field{{Name: "status", Value: "active"}}
	tests := []struct {
		limit   int
		equal   []store.Field
		want    []string
		hasMore bool
	}{
		{1, nil, all[:1], true},
		{4, nil, all[:4], true},
		{5, nil, all, false},
		{6, nil, all, false},
		{100, nil, all, false},
		// HasMore counts matching objects only.
		{2, active, []string{"ic_0004", "ic_0002"}, true},
		{3, active, []string{"ic_0004", "ic_0002", "ic_0000"}, false},
	}
	for _, tc := range tests {
		p := list(t, s, store.Query{Account: acctA, Kind: kindCard, Equal: tc.equal, Limit: tc.limit})
		checkIDs(t, "List", p.Objects, tc.want)
		if p.HasMore != tc.hasMore {
			t.Errorf("limit %d, filter %v: HasMore %v, want %v", tc.limit, tc.equal, p.HasMore, tc.hasMore)
		}
	}
}

func testListCursorNotFound(t *testing.T, s store.Store) {
	insert(t, s,
		card(t, "ic_1", 1700000000, "ich_1", nil),
		card(t, "ic_gone", 1700000000, "ich_1", nil),
		obj(t, acctA, kindHolder, "ich_1", 1700000000, "", nil),
		obj(t, acctB, kindCard, "ic_b", 1700000000, "ich_1", nil),
	)
	err := s.Update(t.Context(), func(tx store.Tx) error {
		return tx.Delete(t.Context(), acctA, kindCard, "ic_gone")
	})
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	tests := []struct{ name, id string }{
		{"missing", "ic_missing"},
		{"deleted", "ic_gone"},
		{"other account", "ic_b"},
		{"other kind", "ich_1"},
	}
	for _, tc := range tests {
		for _, dir := range []string{"StartingAfter", "EndingBefore"} {
			for _, parent := range []string{"", "ich_1"} {
				q := store.Query{Account: acctA, Kind: kindCard, Parent: parent, Limit: 10}
				if dir == "StartingAfter" {
					q.StartingAfter = tc.id
				} else {
					q.EndingBefore = tc.id
				}
				checkErr(t, tc.name+" "+dir+" parent "+parent, listErr(t, s, q), store.ErrCursorNotFound)
			}
		}
	}
}
