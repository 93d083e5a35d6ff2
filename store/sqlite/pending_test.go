package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// event is an object of a kind of its own for InsertNew.
func event(id string) *store.Object {
	return &store.Object{Account: "acct_1", Kind: "event", ID: id, Created: 1700000000,
		Data: fmt.Appendf(nil, `{"id":%q}`, id)}
}

// TestPendingRowsInGroup runs members of one group that add objects with
// InsertNew, written together at the commit, and make them be written
// earlier in every way there is, then fail or not. Only the rows of the
// members that succeed must be committed, in the order they were added,
// and a member that fails after writing the rows of members before it
// must not take those with it.
func TestPendingRowsInGroup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pending.db")
	s := openTest(t, path)
	defer func() { _ = s.Close() }()
	ctx := context.Background()
	commits := countCommits(s)
	errFailed := errors.New("failed on purpose")

	hold, holding := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.Update(ctx, func(tx store.Tx) error {
			if err := tx.InsertNew(ctx, event("evt_0")); err != nil {
				return err
			}
			close(holding)
			<-hold
			return nil
		})
	}()
	<-holding
	members := []struct {
		name string
		fn   func(tx store.Tx) error
		err  error // what the member's Update returns
	}{
		{"adds", func(tx store.Tx) error { return tx.InsertNew(ctx, event("evt_1")) }, nil},
		{"reads an earlier row, then fails", func(tx store.Tx) error {
			if err := tx.InsertNew(ctx, event("evt_2")); err != nil {
				return err
			}
			if _, err := tx.Get(ctx, "acct_1", "event", "evt_1"); err != nil {
				return fmt.Errorf("earlier member's row not seen: %w", err)
			}
			return errFailed
		}, errFailed},
		{"lists, inserts and replaces", func(tx store.Tx) error {
			if err := tx.InsertNew(ctx, event("evt_3")); err != nil {
				return err
			}
			if err := tx.Insert(ctx, card("ic_3")); err != nil {
				return err
			}
			page, err := tx.List(ctx, store.Query{Account: "acct_1", Kind: "event", Limit: 10})
			if err != nil {
				return err
			}
			if got, want := ids(page.Objects), []string{"evt_3", "evt_1", "evt_0"}; !slices.Equal(got, want) {
				return fmt.Errorf("listed %v, want %v", got, want)
			}
			o := event("evt_3")
			o.Data = []byte(`{"id":"evt_3","replaced":true}`)
			return tx.Replace(ctx, *o)
		}, nil},
		{"adds and fails", func(tx store.Tx) error {
			if err := tx.InsertNew(ctx, event("evt_4")); err != nil {
				return err
			}
			return errFailed
		}, errFailed},
		{"adds and replaces", func(tx store.Tx) error {
			if err := tx.InsertNew(ctx, event("evt_5")); err != nil {
				return err
			}
			o := event("evt_5")
			o.Data = []byte(`{"id":"evt_5","replaced":true}`)
			return tx.Replace(ctx, *o)
		}, nil},
		{"adds and deletes", func(tx store.Tx) error {
			if err := tx.InsertNew(ctx, event("evt_6")); err != nil {
				return err
			}
			return tx.Delete(ctx, "acct_1", "event", "evt_6")
		}, nil},
		{"adds the last", func(tx store.Tx) error { return tx.InsertNew(ctx, event("evt_7")) }, nil},
	}
	done := make([]chan error, len(members))
	for i, m := range members {
		done[i] = make(chan error, 1)
		go func() { done[i] <- s.Update(ctx, m.fn) }()
		waitQueued(s, i+1)
	}
	close(hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, m := range members {
		if err := <-done[i]; !errors.Is(err, m.err) && err != m.err {
			t.Errorf("member that %s returned %v, want %v", m.name, err, m.err)
		}
	}
	if n := commits.Load(); n != 1 {
		t.Errorf("%d commits, want 1", n)
	}

	var newest int64
	err := s.View(ctx, func(r store.Reader) error {
		page, err := r.List(ctx, store.Query{Account: "acct_1", Kind: "event", Limit: 10})
		if err != nil {
			return err
		}
		if got, want := ids(page.Objects), []string{"evt_7", "evt_5", "evt_3", "evt_1", "evt_0"}; !slices.Equal(got, want) {
			t.Fatalf("committed %v, want %v", got, want)
		}
		for _, o := range page.Objects {
			if replaced := fmt.Sprintf(`{"id":%q,"replaced":true}`, o.ID); (o.ID == "evt_3" || o.ID == "evt_5") && string(o.Data) != replaced {
				t.Errorf("%s is %s, not as replaced", o.ID, o.Data)
			}
		}
		c, err := r.Get(ctx, "acct_1", "issuing.card", "ic_3")
		if err != nil {
			return err
		}
		if evt3, evt5 := page.Objects[2], page.Objects[1]; c.Seq <= evt3.Seq || c.Seq >= evt5.Seq {
			t.Errorf("ic_3's seq %d is not between those of evt_3 (%d) and evt_5 (%d), added before and after it",
				c.Seq, evt3.Seq, evt5.Seq)
		}
		newest = page.Objects[0].Seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The newest object deleted, a database opened again goes on above it.
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.Delete(ctx, "acct_1", "event", "evt_7") }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, path)
	next := event("evt_8")
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.InsertNew(ctx, next) }); err != nil {
		t.Fatal(err)
	}
	if next.Seq <= newest {
		t.Errorf("after opening again, seq %d, not above %d of the deleted newest object", next.Seq, newest)
	}
}

func ids(objs []store.Object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.ID
	}
	return out
}

// TestPendingRowsWrittenInParts checks rows written in statements of every
// size, some early for a list, in a file and in a memory database: all of
// them committed, in the order they were added.
func TestPendingRowsWrittenInParts(t *testing.T) {
	for _, path := range []string{"file", memoryPath} {
		t.Run(path, func(t *testing.T) {
			if path == "file" {
				path = filepath.Join(t.TempDir(), "parts.db")
			}
			s := openTest(t, path)
			defer func() { _ = s.Close() }()
			ctx := t.Context()
			var want []string
			err := s.Update(ctx, func(tx store.Tx) error {
				for i := range 77 {
					id := fmt.Sprintf("evt_%02d", i)
					if err := tx.InsertNew(ctx, event(id)); err != nil {
						return err
					}
					want = append([]string{id}, want...)
					if i == 39 {
						// 40 rows: 32 and 8, written for the list.
						page, err := tx.List(ctx, store.Query{Account: "acct_1", Kind: "event", Limit: 100})
						if err != nil {
							return err
						}
						if got := ids(page.Objects); !slices.Equal(got, want) {
							t.Errorf("listed %v, want %v", got, want)
						}
					}
				}
				return nil // 37 more at the commit: 32, 4 and 1
			})
			if err != nil {
				t.Fatal(err)
			}
			err = s.View(ctx, func(r store.Reader) error {
				page, err := r.List(ctx, store.Query{Account: "acct_1", Kind: "event", Limit: 100})
				if got := ids(page.Objects); err == nil && !slices.Equal(got, want) {
					t.Errorf("committed %v, want %v", got, want)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPendingRowsListedByParent checks that a list by parent writes the
// waiting rows only when one of them has that parent.
func TestPendingRowsListedByParent(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "parent.db"))
	defer func() { _ = s.Close() }()
	ctx := t.Context()
	withParent := func(id, parent string) *store.Object {
		o := event(id)
		o.Kind, o.Parent = "issuing.authorization", parent
		return o
	}
	err := s.Update(ctx, func(tx store.Tx) error {
		steps := []struct {
			add     *store.Object
			parent  string // of the list
			listed  []string
			written int // rows written after the list
		}{
			{withParent("iauth_1", "ic_1"), "ic_2", nil, 0},
			{withParent("iauth_2", "ic_2"), "ic_1", []string{"iauth_1"}, 2},
			{withParent("iauth_3", "ic_3"), "", []string{"iauth_3", "iauth_2", "iauth_1"}, 3},
		}
		for _, st := range steps {
			if err := tx.InsertNew(ctx, st.add); err != nil {
				return err
			}
			page, err := tx.List(ctx, store.Query{Account: "acct_1", Kind: "issuing.authorization", Parent: st.parent, Limit: 10})
			if err != nil {
				return err
			}
			if got := ids(page.Objects); !slices.Equal(got, st.listed) && len(got)+len(st.listed) > 0 {
				t.Errorf("after %s, listed %v of %q, want %v", st.add.ID, got, st.parent, st.listed)
			}
			if s.pending.flushed != st.written {
				t.Errorf("after %s and a list of %q, %d rows written, want %d", st.add.ID, st.parent, s.pending.flushed, st.written)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
