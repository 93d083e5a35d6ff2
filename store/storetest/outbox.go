package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// delivery is a delivery of acctA due at due (Unix ms).
func delivery(id string, due int64) store.Delivery {
	return store.Delivery{ID: id, Account: acctA, EventID: "evt_" + id, EndpointID: "we_1", Due: due}
}

// enqueue adds ds in one Update and fails the test if it fails.
func enqueue(t *testing.T, s store.Store, ds ...store.Delivery) {
	t.Helper()
	if err := s.Update(t.Context(), func(tx store.Tx) error { return tx.Enqueue(t.Context(), ds...) }); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
}

// lease calls Lease and fails the test on an error.
func lease(t *testing.T, s store.Store, now, until int64, limit int) []store.Delivery {
	t.Helper()
	ds, err := s.Lease(t.Context(), now, until, limit)
	if err != nil {
		t.Fatalf("Lease(%d, %d, %d): %v", now, until, limit, err)
	}
	if ds == nil {
		t.Errorf("Lease(%d, %d, %d) returned a nil slice", now, until, limit)
	}
	return ds
}

// deliveryIDs returns the ids of ds, in order.
func deliveryIDs(ds []store.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// checkLeased fails the test unless ds have exactly the ids want, in order.
func checkLeased(t *testing.T, what string, ds []store.Delivery, want ...string) {
	t.Helper()
	if got := deliveryIDs(ds); !slices.Equal(got, want) {
		t.Errorf("%s: leased %v, want %v", what, got, want)
	}
}

func testOutboxLease(t *testing.T, s store.Store) {
	enqueue(t, s, delivery("d_300", 300), delivery("d_100", 100))
	enqueue(t, s, delivery("d_200", 200), delivery("d_future", 10_000))

	// Earliest due first, and only what is due at now.
	got := lease(t, s, 300, 1000, 10)
	checkLeased(t, "first lease", got, "d_100", "d_200", "d_300")
	want := delivery("d_100", 1000)
	if got[0] != want {
		t.Errorf("leased %+v, want %+v", got[0], want)
	}
	// Leased deliveries are hidden until the lease runs out...
	checkLeased(t, "during the lease", lease(t, s, 999, 1001, 10))
	// ...and due again from then on, as a crashed dispatcher leaves them.
	// All three are due at 1000 now, so enqueue order decides.
	checkLeased(t, "after the lease", lease(t, s, 1000, 2000, 2), "d_300", "d_100")
	checkLeased(t, "the rest", lease(t, s, 1000, 2000, 2), "d_200")
	checkLeased(t, "nothing due", lease(t, s, 1999, 3000, 10))
	checkLeased(t, "later", lease(t, s, 10_000, 20_000, 10), "d_300", "d_100", "d_200", "d_future")
}

// testOutboxOrder checks the order among deliveries due at the same time:
// the order they were enqueued in, across and within Enqueue calls.
func testOutboxOrder(t *testing.T, s store.Store) {
	enqueue(t, s, delivery("d_c", 100), delivery("d_a", 100))
	enqueue(t, s, delivery("d_b", 100), delivery("d_early", 50))
	enqueue(t, s, delivery("d_0", 100))
	checkLeased(t, "lease", lease(t, s, 100, 200, 10), "d_early", "d_c", "d_a", "d_b", "d_0")
	// Rescheduled to the same time, deliveries are among equals in
	// enqueue order, not in the order they were rescheduled. The others
	// stay leased until 200.
	err := s.Update(t.Context(), func(tx store.Tx) error {
		for _, id := range []string{"d_0", "d_b", "d_a"} {
			if err := tx.Reschedule(t.Context(), id, 1, 150); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Reschedule: %v", err)
	}
	checkLeased(t, "rescheduled", lease(t, s, 150, 400, 10), "d_a", "d_b", "d_0")
}

func testOutboxReschedule(t *testing.T, s store.Store) {
	ctx := t.Context()
	enqueue(t, s, delivery("d_1", 100), delivery("d_2", 100))
	checkLeased(t, "lease", lease(t, s, 100, 1000, 10), "d_1", "d_2")
	// A failed attempt makes the delivery due again at its new time, even
	// while its lease lasts.
	err := s.Update(ctx, func(tx store.Tx) error { return tx.Reschedule(ctx, "d_1", 3, 500) })
	if err != nil {
		t.Fatalf("Reschedule: %v", err)
	}
	checkLeased(t, "before the new due", lease(t, s, 499, 5000, 10))
	got := lease(t, s, 500, 5000, 10)
	checkLeased(t, "at the new due", got, "d_1")
	if len(got) == 1 && got[0].Attempts != 3 {
		t.Errorf("Attempts %d after Reschedule, want 3", got[0].Attempts)
	}

	// Dequeue removes for good, and both calls then report the delivery
	// gone.
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.Dequeue(ctx, "d_1") }); err != nil {
		t.Fatalf("Dequeue: %v", err)
	}
	checkLeased(t, "after Dequeue", lease(t, s, 100_000, 200_000, 10), "d_2")
	tests := map[string]func(tx store.Tx) error{
		"Dequeue dequeued":    func(tx store.Tx) error { return tx.Dequeue(ctx, "d_1") },
		"Reschedule dequeued": func(tx store.Tx) error { return tx.Reschedule(ctx, "d_1", 1, 1) },
		"Dequeue unknown":     func(tx store.Tx) error { return tx.Dequeue(ctx, "d_unknown") },
		"Reschedule unknown":  func(tx store.Tx) error { return tx.Reschedule(ctx, "d_unknown", 1, 1) },
	}
	for name, fn := range tests {
		checkErr(t, name, s.Update(ctx, fn), store.ErrNotFound)
	}
}

// testOutboxRollback checks that outbox writes belong to their
// transaction, as the events they are written with do.
func testOutboxRollback(t *testing.T, s store.Store) {
	ctx := t.Context()
	enqueue(t, s, delivery("d_kept", 100), delivery("d_moved", 100))
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.Insert(ctx, card(t, "ic_1", 1700000000, "", nil)); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, delivery("d_new", 100)); err != nil {
			return err
		}
		if err := tx.Dequeue(ctx, "d_kept"); err != nil {
			return err
		}
		if err := tx.Reschedule(ctx, "d_moved", 5, 100_000); err != nil {
			return err
		}
		return errBoom
	})
	checkErr(t, "Update", err, errBoom)
	got := lease(t, s, 100, 200, 10)
	checkLeased(t, "after the rollback", got, "d_kept", "d_moved")
	if len(got) == 2 && got[1].Attempts != 0 {
		t.Errorf("rolled back Reschedule left Attempts %d", got[1].Attempts)
	}

	// A duplicate id fails Enqueue, and the caller's rollback takes the
	// rest of the transaction with it.
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.Enqueue(ctx, delivery("d_other", 100), delivery("d_kept", 100))
	})
	checkErr(t, "Enqueue of a duplicate", err, store.ErrDuplicate)
	checkLeased(t, "after the duplicate", lease(t, s, 100_000, 200_000, 10), "d_kept", "d_moved")
}

func testOutboxLeaseArgs(t *testing.T, s store.Store) {
	enqueue(t, s, delivery("d_1", 100))
	tests := []struct {
		name       string
		now, until int64
		limit      int
	}{
		{"zero limit", 100, 200, 0},
		{"negative limit", 100, 200, -1},
		{"lease ends now", 100, 100, 1},
		{"lease ended", 100, 99, 1},
	}
	for _, tc := range tests {
		if _, err := s.Lease(t.Context(), tc.now, tc.until, tc.limit); err == nil {
			t.Errorf("%s: Lease(%d, %d, %d) succeeded", tc.name, tc.now, tc.until, tc.limit)
		}
	}
	// The refused calls leased nothing.
	checkLeased(t, "after the refusals", lease(t, s, 100, 200, 10), "d_1")
}

// testOutboxConcurrentLease has several dispatchers lease at once: each
// due delivery goes to exactly one of them.
func testOutboxConcurrentLease(t *testing.T, s store.Store) {
	const n, workers = 200, 8
	var ds []store.Delivery
	for i := range n {
		ds = append(ds, delivery(seqID("d", i), int64(i%10)))
	}
	enqueue(t, s, ds...)
	leased := make([][]string, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				got, err := s.Lease(t.Context(), 100, 1000, 7)
				if err != nil {
					errs <- fmt.Errorf("worker %d: %w", w, err)
					return
				}
				if len(got) == 0 {
					return
				}
				leased[w] = append(leased[w], deliveryIDs(got)...)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, ids := range leased {
		for _, id := range ids {
			seen[id]++
		}
	}
	for _, d := range ds {
		if seen[d.ID] != 1 {
			t.Errorf("%s leased %d times, want once", d.ID, seen[d.ID])
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct deliveries leased, want %d", len(seen), n)
	}
}
