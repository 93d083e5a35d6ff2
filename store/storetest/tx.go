package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/localissuing/localissuing/store"
)

// stuck bounds how long a test waits for another goroutine before it
// reports a hang instead of hanging.
const stuck = 30 * time.Second

func testUpdateRollback(t *testing.T, s store.Store) {
	keep := card(t, "ic_keep", 1700000000, "ich_1", map[string]any{"v": "original"})
	doomed := card(t, "ic_doomed", 1700000000, "", nil)
	insert(t, s, keep, doomed)
	rec := store.IdempotencyRecord{Account: acctA, Key: "k1", Method: "POST", Path: "/v1/issuing/cards", Status: 200, Body: []byte(`{}`), Created: 1700000000}
	ctx := t.Context()
	fnErr := fmt.Errorf("create card: %w", errBoom)
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.Insert(ctx, card(t, "ic_new", 1700000000, "", nil)); err != nil {
			return err
		}
		repl := *keep
		repl.Data, repl.Parent = []byte(`{"v":"changed"}`), "ich_2"
		if err := tx.Replace(ctx, repl); err != nil {
			return err
		}
		if err := tx.Delete(ctx, acctA, kindCard, "ic_doomed"); err != nil {
			return err
		}
		if err := tx.SaveIdempotency(ctx, rec); err != nil {
			return err
		}
		return fnErr
	})
	if err != fnErr || !errors.Is(err, errBoom) {
		t.Errorf("Update returned %v, want fn's error %v unchanged", err, fnErr)
	}
	_, err = get(t, s, acctA, kindCard, "ic_new")
	checkErr(t, "Get of the rolled back insert", err, store.ErrNotFound)
	checkObject(t, mustGet(t, s, acctA, kindCard, "ic_keep"), *keep)
	checkObject(t, mustGet(t, s, acctA, kindCard, "ic_doomed"), *doomed)
	err = s.View(ctx, func(r store.Reader) error {
		_, err := r.Idempotency(ctx, acctA, "k1")
		return err
	})
	checkErr(t, "Idempotency of the rolled back save", err, store.ErrNotFound)
	checkIDs(t, "List", list(t, s, store.Query{Account: acctA, Kind: kindCard, Limit: 10}).Objects, []string{"ic_doomed", "ic_keep"})

	// View hands fn's error back the same way.
	if err := s.View(ctx, func(store.Reader) error { return fnErr }); err != fnErr {
		t.Errorf("View returned %v, want fn's error %v unchanged", err, fnErr)
	}
}

func testUpdateDuplicateRollback(t *testing.T, s store.Store) {
	insert(t, s, card(t, "ic_1", 1700000000, "", nil))
	ctx := t.Context()
	// The first insert succeeds, the second fails: neither is kept.
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.Insert(ctx, card(t, "ic_2", 1700000000, "", nil)); err != nil {
			return err
		}
		if err := tx.Insert(ctx, card(t, "ic_1", 1700000000, "", nil)); err != nil {
			return fmt.Errorf("second insert: %w", err)
		}
		return nil
	})
	checkErr(t, "Update", err, store.ErrDuplicate)
	_, err = get(t, s, acctA, kindCard, "ic_2")
	checkErr(t, "Get of the rolled back insert", err, store.ErrNotFound)
	// The store still works after a failed transaction.
	insert(t, s, card(t, "ic_2", 1700000000, "", nil))
	mustGet(t, s, acctA, kindCard, "ic_2")
}

func testViewSeesCommitted(t *testing.T, s store.Store) {
	for i := range 3 {
		id := seqID("ic", i)
		insert(t, s, card(t, id, 1700000000, "", map[string]any{"n": i}))
		mustGet(t, s, acctA, kindCard, id)
		if n := len(list(t, s, store.Query{Account: acctA, Kind: kindCard, Limit: 10}).Objects); n != i+1 {
			t.Errorf("after %d commits List has %d objects", i+1, n)
		}
	}
}

// testViewDuringUpdate holds an Update open after it has written and checks
// that a View neither waits for it nor sees its writes.
func testViewDuringUpdate(t *testing.T, s store.Store) {
	insert(t, s, card(t, "ic_1", 1700000000, "", map[string]any{"v": "original"}))
	ctx := t.Context()
	written, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(ctx, func(tx store.Tx) error {
			if err := tx.Insert(ctx, card(t, "ic_2", 1700000000, "", nil)); err != nil {
				return err
			}
			if err := tx.Replace(ctx, *card(t, "ic_1", 1700000000, "", map[string]any{"v": "changed"})); err != nil {
				return err
			}
			close(written)
			<-release
			return nil
		})
	}()
	select {
	case <-written:
	case err := <-done:
		t.Fatalf("Update: %v", err)
	}
	viewed := make(chan error, 1)
	go func() {
		viewed <- s.View(ctx, func(r store.Reader) error {
			if _, err := r.Get(ctx, acctA, kindCard, "ic_2"); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("uncommitted insert: Get returned %v", err)
			}
			o, err := r.Get(ctx, acctA, kindCard, "ic_1")
			if err != nil {
				return err
			}
			if !jsonEqual(o.Data, []byte(`{"id":"ic_1","v":"original"}`)) {
				return fmt.Errorf("uncommitted replace: Data %s", o.Data)
			}
			return nil
		})
	}()
	select {
	case err := <-viewed:
		if err != nil {
			t.Errorf("View during Update: %v", err)
		}
	case <-time.After(stuck):
		t.Errorf("View waited for a running Update")
		defer func() { <-viewed }()
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Update: %v", err)
	}
	mustGet(t, s, acctA, kindCard, "ic_2")
}

// testAtomicVisibility runs Views against Updates that each insert a pair of
// objects: a View sees both of a pair or neither.
func testAtomicVisibility(t *testing.T, s store.Store) {
	const pairs = 30
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	wg.Go(func() {
		for i := range pairs {
			err := s.Update(ctx, func(tx store.Tx) error {
				for _, half := range []string{"a", "b"} {
					if err := tx.Insert(ctx, obj(t, acctA, kindCard, fmt.Sprintf("ic_%s_%d", half, i), 1700000000, half, nil)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				errs <- err
				return
			}
		}
	})
	for range 2 {
		wg.Go(func() {
			for range pairs {
				err := s.View(ctx, func(r store.Reader) error {
					a, err := r.List(ctx, store.Query{Account: acctA, Kind: kindCard, Parent: "a", Limit: pairs})
					if err != nil {
						return err
					}
					b, err := r.List(ctx, store.Query{Account: acctA, Kind: kindCard, Parent: "b", Limit: pairs})
					if err != nil {
						return err
					}
					if len(a.Objects) != len(b.Objects) {
						return fmt.Errorf("View saw %d halves a and %d halves b", len(a.Objects), len(b.Objects))
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
