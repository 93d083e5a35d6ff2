package storetest

import (
	"slices"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// testInsertNew checks that an object InsertNew adds is one like Insert's:
// seen by its own transaction's reads, changed and deleted there, in seq
// order among inserted objects, committed with the rest or not at all.
func testInsertNew(t *testing.T, s store.Store) {
	ctx := t.Context()
	fresh := []*store.Object{
		card(t, "ic_new1", 1700000000, "ich_1", nil),
		card(t, "ic_old", 1700000000, "ich_1", nil), // by Insert
		card(t, "ic_new2", 1700000000, "ich_1", nil),
		card(t, "ic_gone", 1700000000, "ich_1", nil),
	}
	replaced := card(t, "ic_new2", 1700000000, "ich_1", map[string]any{"status": "canceled"})
	err := s.Update(ctx, func(tx store.Tx) error {
		for _, o := range fresh {
			insert := tx.InsertNew
			if o.ID == "ic_old" {
				insert = tx.Insert
			}
			if err := insert(ctx, o); err != nil {
				return err
			}
		}
		// Read, listed, changed and deleted before the commit.
		if _, err := tx.Get(ctx, acctA, kindCard, "ic_new1"); err != nil {
			t.Errorf("Get in the transaction: %v", err)
		}
		page, err := tx.List(ctx, store.Query{Account: acctA, Kind: kindCard, Parent: "ich_1", Limit: 10})
		if err != nil {
			return err
		}
		if got, want := ids(page.Objects), []string{"ic_gone", "ic_new2", "ic_old", "ic_new1"}; !slices.Equal(got, want) {
			t.Errorf("List in the transaction: %v, want %v", got, want)
		}
		if err := tx.Replace(ctx, *replaced); err != nil {
			return err
		}
		return tx.Delete(ctx, acctA, kindCard, "ic_gone")
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	for i := 1; i < len(fresh)-1; i++ { // the last one is gone
		if fresh[i].Seq <= fresh[i-1].Seq {
			t.Errorf("Seq of %s is %d, not above %d of %s", fresh[i].ID, fresh[i].Seq, fresh[i-1].Seq, fresh[i-1].ID)
		}
	}
	page := list(t, s, store.Query{Account: acctA, Kind: kindCard, Limit: 10})
	if got, want := ids(page.Objects), []string{"ic_new2", "ic_old", "ic_new1"}; !slices.Equal(got, want) {
		t.Errorf("List after the commit: %v, want %v", got, want)
	}
	for _, o := range page.Objects {
		want := *fresh[slices.IndexFunc(fresh, func(f *store.Object) bool { return f.ID == o.ID })]
		if o.ID == replaced.ID {
			want.Data = replaced.Data
		}
		checkObject(t, o, want)
	}

	// A failing Update leaves none of its objects.
	err = s.Update(ctx, func(tx store.Tx) error {
		if err := tx.InsertNew(ctx, card(t, "ic_failed", 1700000000, "", nil)); err != nil {
			return err
		}
		return errBoom
	})
	checkErr(t, "failing Update", err, errBoom)
	_, err = get(t, s, acctA, kindCard, "ic_failed")
	checkErr(t, "Get of a rolled back object", err, store.ErrNotFound)
}
