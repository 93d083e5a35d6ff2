package storetest

import (
	"testing"

	"github.com/localissuing/localissuing/store"
)

func testInsertGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	o := card(t, "ic_1", 1700000000, "ich_1", map[string]any{"status": "active", "nested": map[string]any{"a": []any{1.0, "x"}}})
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.Insert(ctx, o); err != nil {
			return err
		}
		if o.Seq == 0 {
			t.Errorf("Insert left Seq 0")
		}
		// A transaction reads its own writes, through both getters.
		for name, get := range map[string]func() (store.Object, error){
			"Get":          func() (store.Object, error) { return tx.Get(ctx, acctA, kindCard, "ic_1") },
			"GetForUpdate": func() (store.Object, error) { return tx.GetForUpdate(ctx, acctA, kindCard, "ic_1") },
		} {
			got, err := get()
			if err != nil {
				t.Errorf("%s in the inserting Tx: %v", name, err)
				continue
			}
			checkObject(t, got, *o)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	checkObject(t, mustGet(t, s, acctA, kindCard, "ic_1"), *o)

	// An empty Parent is a value like any other.
	orphan := card(t, "ic_2", 1700000001, "", nil)
	insert(t, s, orphan)
	checkObject(t, mustGet(t, s, acctA, kindCard, "ic_2"), *orphan)
}

func testInsertDuplicate(t *testing.T, s store.Store) {
	orig := card(t, "ic_1", 1700000000, "ich_1", map[string]any{"v": "original"})
	insert(t, s, orig)
	// Ids are unique across the whole store, not per account or kind.
	tests := []struct {
		name string
		obj  *store.Object
	}{
		{"same account and kind", card(t, "ic_1", 1700000001, "ich_2", map[string]any{"v": "dup"})},
		{"other account", obj(t, acctB, kindCard, "ic_1", 1700000001, "", map[string]any{"v": "dup"})},
		{"other kind", obj(t, acctA, kindHolder, "ic_1", 1700000001, "", map[string]any{"v": "dup"})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var insertErr error
			err := s.Update(t.Context(), func(tx store.Tx) error {
				insertErr = tx.Insert(t.Context(), tc.obj)
				return insertErr
			})
			checkErr(t, "Insert", insertErr, store.ErrDuplicate)
			checkErr(t, "Update", err, store.ErrDuplicate)
			checkObject(t, mustGet(t, s, acctA, kindCard, "ic_1"), *orig)
		})
	}
}

func testGetNotFound(t *testing.T, s store.Store) {
	insert(t, s, card(t, "ic_1", 1700000000, "", nil))
	tests := []struct {
		name              string
		account, kind, id string
	}{
		{"missing id", acctA, kindCard, "ic_missing"},
		{"other account", acctB, kindCard, "ic_1"},
		{"other kind", acctA, kindHolder, "ic_1"},
		{"empty id", acctA, kindCard, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := get(t, s, tc.account, tc.kind, tc.id)
			checkErr(t, "Get", err, store.ErrNotFound)
			var forUpdateErr error
			err = s.Update(t.Context(), func(tx store.Tx) error {
				_, forUpdateErr = tx.GetForUpdate(t.Context(), tc.account, tc.kind, tc.id)
				return nil
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			checkErr(t, "GetForUpdate", forUpdateErr, store.ErrNotFound)
		})
	}
}

func testReplace(t *testing.T, s store.Store) {
	o := card(t, "ic_1", 1700000000, "ich_1", map[string]any{"status": "active"})
	insert(t, s, o)
	// Replace changes Data and Parent only: Created and Seq stay.
	repl := *card(t, "ic_1", 1800000000, "ich_2", map[string]any{"status": "canceled"})
	repl.Seq = o.Seq + 1000
	err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := tx.Replace(t.Context(), repl); err != nil {
			return err
		}
		got, err := tx.Get(t.Context(), acctA, kindCard, "ic_1")
		if err != nil {
			return err
		}
		if !jsonEqual(got.Data, repl.Data) {
			t.Errorf("Get in the replacing Tx: Data %s, want %s", got.Data, repl.Data)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	want := *o
	want.Data, want.Parent = repl.Data, repl.Parent
	checkObject(t, mustGet(t, s, acctA, kindCard, "ic_1"), want)
	// The new Parent is what lists filter on.
	checkIDs(t, "new parent", list(t, s, store.Query{Account: acctA, Kind: kindCard, Parent: "ich_2", Limit: 10}).Objects, []string{"ic_1"})
	checkIDs(t, "old parent", list(t, s, store.Query{Account: acctA, Kind: kindCard, Parent: "ich_1", Limit: 10}).Objects, []string{})
}

func testReplaceNotFound(t *testing.T, s store.Store) {
	o := card(t, "ic_1", 1700000000, "ich_1", map[string]any{"v": "original"})
	insert(t, s, o)
	tests := []struct {
		name string
		obj  *store.Object
	}{
		{"missing id", card(t, "ic_missing", 1700000000, "", nil)},
		{"other account", obj(t, acctB, kindCard, "ic_1", 1700000000, "", map[string]any{"v": "changed"})},
		{"other kind", obj(t, acctA, kindHolder, "ic_1", 1700000000, "", map[string]any{"v": "changed"})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var replaceErr error
			err := s.Update(t.Context(), func(tx store.Tx) error {
				replaceErr = tx.Replace(t.Context(), *tc.obj)
				return nil
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			checkErr(t, "Replace", replaceErr, store.ErrNotFound)
			checkObject(t, mustGet(t, s, acctA, kindCard, "ic_1"), *o)
			// Replace creates nothing.
			_, err = get(t, s, tc.obj.Account, tc.obj.Kind, tc.obj.ID)
			checkErr(t, "Get after Replace", err, store.ErrNotFound)
		})
	}
}

func testDelete(t *testing.T, s store.Store) {
	insert(t, s, card(t, "ic_1", 1700000000, "ich_1", nil), card(t, "ic_2", 1700000000, "ich_1", nil))
	err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := tx.Delete(t.Context(), acctA, kindCard, "ic_1"); err != nil {
			return err
		}
		_, err := tx.Get(t.Context(), acctA, kindCard, "ic_1")
		checkErr(t, "Get in the deleting Tx", err, store.ErrNotFound)
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	_, err = get(t, s, acctA, kindCard, "ic_1")
	checkErr(t, "Get after Delete", err, store.ErrNotFound)
	checkIDs(t, "list after Delete", list(t, s, store.Query{Account: acctA, Kind: kindCard, Limit: 10}).Objects, []string{"ic_2"})
}

func testDeleteNotFound(t *testing.T, s store.Store) {
	o := card(t, "ic_1", 1700000000, "", nil)
	insert(t, s, o)
	tests := []struct {
		name              string
		account, kind, id string
	}{
		{"missing id", acctA, kindCard, "ic_missing"},
		{"other account", acctB, kindCard, "ic_1"},
		{"other kind", acctA, kindHolder, "ic_1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var deleteErr error
			err := s.Update(t.Context(), func(tx store.Tx) error {
				deleteErr = tx.Delete(t.Context(), tc.account, tc.kind, tc.id)
				return nil
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			checkErr(t, "Delete", deleteErr, store.ErrNotFound)
			checkObject(t, mustGet(t, s, acctA, kindCard, "ic_1"), *o)
		})
	}
}

func testSeqIncreases(t *testing.T, s store.Store) {
	var all []*store.Object
	// One object per Update, then several in one Update: Seq follows the
	// order of Insert calls either way, whatever Created says.
	for i := range 5 {
		o := card(t, seqID("ic_single", i), int64(1700000100-i), "", nil)
		insert(t, s, o)
		all = append(all, o)
	}
	var batch []*store.Object
	for i := range 5 {
		batch = append(batch, card(t, seqID("ic_batch", i), 1700000000, "", nil))
	}
	insert(t, s, batch...)
	all = append(all, batch...)
	for i := 1; i < len(all); i++ {
		if all[i].Seq <= all[i-1].Seq {
			t.Errorf("Seq of %s is %d, not above %d of %s", all[i].ID, all[i].Seq, all[i-1].Seq, all[i-1].ID)
		}
	}
	for _, o := range all {
		if got := mustGet(t, s, acctA, kindCard, o.ID); got.Seq != o.Seq {
			t.Errorf("%s: stored Seq %d, Insert set %d", o.ID, got.Seq, o.Seq)
		}
	}
}

func testAccountIsolation(t *testing.T, s store.Store) {
	a := obj(t, acctA, kindCard, "ic_a", 1700000000, "ich_1", map[string]any{"status": "active"})
	b := obj(t, acctB, kindCard, "ic_b", 1700000000, "ich_1", map[string]any{"status": "active"})
	insert(t, s, a, b)
	for _, tc := range []struct {
		account string
		own     *store.Object
		other   *store.Object
	}{{acctA, a, b}, {acctB, b, a}} {
		t.Run(tc.account, func(t *testing.T) {
			_, err := get(t, s, tc.account, kindCard, tc.other.ID)
			checkErr(t, "Get of the other account's object", err, store.ErrNotFound)
			for _, q := range []store.Query{
				{Account: tc.account, Kind: kindCard, Limit: 10},
				{Account: tc.account, Kind: kindCard, Parent: "ich_1", Limit: 10},
				{Account: tc.account, Kind: kindCard, Equal: []store.Field{{Name: "status", Value: "active"}}, Limit: 10},
			} {
				checkIDs(t, "List", list(t, s, q).Objects, []string{tc.own.ID})
			}
			var replaceErr, deleteErr error
			err = s.Update(t.Context(), func(tx store.Tx) error {
				other := *tc.other
				other.Account = tc.account
				other.Data = []byte(`{"status":"stolen"}`)
				replaceErr = tx.Replace(t.Context(), other)
				deleteErr = tx.Delete(t.Context(), tc.account, kindCard, tc.other.ID)
				return nil
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			checkErr(t, "Replace of the other account's object", replaceErr, store.ErrNotFound)
			checkErr(t, "Delete of the other account's object", deleteErr, store.ErrNotFound)
			checkObject(t, mustGet(t, s, tc.other.Account, kindCard, tc.other.ID), *tc.other)
		})
	}
}
