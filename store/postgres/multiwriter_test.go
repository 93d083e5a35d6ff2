package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
)

// stuck bounds how long a test waits for another goroutine.
const stuck = 30 * time.Second

// held runs fn in an Update on s in a goroutine and keeps the transaction
// open after fn until release is called. release(nil) commits, release(err)
// rolls back with err; it returns Update's error. held returns once fn has
// run.
func held(t *testing.T, s *Store, fn func(tx store.Tx) error) (release func(fail error) error) {
	t.Helper()
	ran, done := make(chan error, 1), make(chan error, 1)
	proceed := make(chan error)
	go func() {
		done <- s.Update(t.Context(), func(tx store.Tx) error {
			err := fn(tx)
			ran <- err
			if fail := <-proceed; fail != nil {
				return fail
			}
			return err
		})
	}()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("held transaction: %v", err)
		}
	case <-time.After(stuck):
		t.Fatal("held transaction did not run")
	}
	return func(fail error) error {
		proceed <- fail
		return <-done
	}
}

// waitBlocked returns once a statement of another of the test's sessions
// (pgtest names them after the test's schema) is waiting for a lock, so
// that the test can go on knowing the other side is queued.
func waitBlocked(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(stuck)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for ; time.Now().Before(deadline); <-tick.C {
		var waiting bool
		err := s.pool.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE application_name = current_setting('application_name') AND wait_event_type = 'Lock'
			AND pid <> pg_backend_pid())`).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
	}
	t.Fatal("no statement started waiting for a lock")
}

// TestSeqCommitOrder checks that within an account Seq follows commit
// order, not the order of Insert calls: an object inserted first but
// committed last lists as the newest, so that a client polling with
// ending_before misses nothing.
func TestSeqCommitOrder(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	early := card("ic_early")
	release := held(t, s, func(tx store.Tx) error { return tx.Insert(t.Context(), early) })
	late := card("ic_late")
	insert(t, s, late)
	// A reader polling now has seen ic_late; ic_early is still to come.
	seen := late.Seq
	if err := release(nil); err != nil {
		t.Fatal(err)
	}
	if early.Seq <= seen {
		t.Errorf("ic_early committed last with Seq %d, not above ic_late's %d", early.Seq, seen)
	}
	got, err := get(t, s, "ic_early")
	if err != nil || got.Seq != early.Seq {
		t.Errorf("stored Seq %d (%v), Insert's caller has %d", got.Seq, err, early.Seq)
	}
	var p store.Page
	err = s.View(t.Context(), func(r store.Reader) error {
		var err error
		p, err = r.List(t.Context(), store.Query{Account: "acct_1", Kind: "issuing.card", Limit: 10, EndingBefore: "ic_late"})
		return err
	})
	if err != nil || len(p.Objects) != 1 || p.Objects[0].ID != "ic_early" {
		t.Errorf("ending_before ic_late: %v, %v; want ic_early", p.Objects, err)
	}
}

// TestSeqLockPerAccount holds the commit-order lock of one account, as a
// committing transaction does, and checks that inserts into that account
// wait for it while those into another account do not.
func TestSeqLockPerAccount(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	ctx, cancel := context.WithTimeout(t.Context(), stuck)
	defer cancel()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, sqlSeqLock, "acct_1"); err != nil {
		t.Fatal(err)
	}
	other := card("ic_other")
	other.Account = "acct_2"
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, other) }); err != nil {
		t.Fatalf("insert into another account: %v", err)
	}
	same := make(chan error, 1)
	go func() { same <- s.Update(ctx, func(tx store.Tx) error { return tx.Insert(ctx, card("ic_same")) }) }()
	waitBlocked(t, s)
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-same; err != nil {
		t.Fatalf("insert into the locked account, once unlocked: %v", err)
	}
}

// TestIdempotencyRace checks what makes idempotency keys hold across
// processes: a transaction that read a key saves it only if it is still
// as it read it. The second of two racing transactions waits for the first
// and gets ErrIdempotencyConflict, or saves if the first rolled back.
func TestIdempotencyRace(t *testing.T) {
	rec := func(requestID string) store.IdempotencyRecord {
		return store.IdempotencyRecord{Account: "acct_1", Key: "k", Method: "POST", Path: "/v1/x",
			Status: 200, Body: []byte(requestID), RequestID: requestID, Created: 5}
	}
	// readThenSave reads the key, as the api does before it runs a
	// request, and then saves it.
	readThenSave := func(ctx context.Context, tx store.Tx, r store.IdempotencyRecord) error {
		if _, err := tx.Idempotency(ctx, r.Account, r.Key); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return tx.SaveIdempotency(ctx, r)
	}
	tests := []struct {
		name      string
		prior     bool  // a record of req_0 exists before the race
		firstFail bool  // the first transaction rolls back
		want      error // of the second
		winner    string
	}{
		{"new key", false, false, ErrIdempotencyConflict, "req_1"},
		{"new key, first rolls back", false, true, nil, "req_2"},
		{"expired key", true, false, ErrIdempotencyConflict, "req_1"},
		{"expired key, first rolls back", true, true, nil, "req_2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, pgtest.DSN(t))
			ctx := t.Context()
			if tc.prior {
				if err := s.Update(ctx, func(tx store.Tx) error { return tx.SaveIdempotency(ctx, rec("req_0")) }); err != nil {
					t.Fatal(err)
				}
			}
			errFirst := errors.New("first request failed")
			release := held(t, s, func(tx store.Tx) error { return readThenSave(ctx, tx, rec("req_1")) })
			second := make(chan error, 1)
			go func() {
				second <- s.Update(ctx, func(tx store.Tx) error { return readThenSave(ctx, tx, rec("req_2")) })
			}()
			waitBlocked(t, s)
			var fail error
			if tc.firstFail {
				fail = errFirst
			}
			if err := release(fail); err != fail {
				t.Fatalf("first: %v", err)
			}
			if err := <-second; !errors.Is(err, tc.want) {
				t.Errorf("second: %v, want %v", err, tc.want)
			}
			var got store.IdempotencyRecord
			err := s.View(ctx, func(r store.Reader) error {
				var err error
				got, err = r.Idempotency(ctx, "acct_1", "k")
				return err
			})
			if err != nil || got.RequestID != tc.winner {
				t.Errorf("saved record of %q (%v), want %q's", got.RequestID, err, tc.winner)
			}
		})
	}
}

// TestDeadlockIsConflict locks two objects in opposite orders from two
// transactions: PostgreSQL rolls one back, and Update reports it as
// store.ErrConflict, which the API answers with a retryable 429.
func TestDeadlockIsConflict(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	insert(t, s, card("ic_a"))
	insert(t, s, card("ic_b"))
	ctx, cancel := context.WithTimeout(t.Context(), stuck)
	defer cancel()
	lock := func(tx store.Tx, id string) error {
		_, err := tx.GetForUpdate(ctx, "acct_1", "issuing.card", id)
		return err
	}
	aLocked, bLocked := make(chan struct{}), make(chan struct{})
	results := make(chan error, 2)
	go func() {
		results <- s.Update(ctx, func(tx store.Tx) error {
			if err := lock(tx, "ic_a"); err != nil {
				return err
			}
			close(aLocked)
			<-bLocked
			return lock(tx, "ic_b")
		})
	}()
	go func() {
		results <- s.Update(ctx, func(tx store.Tx) error {
			<-aLocked
			if err := lock(tx, "ic_b"); err != nil {
				return err
			}
			close(bLocked)
			return lock(tx, "ic_a")
		})
	}()
	var failed []error
	for range 2 {
		if err := <-results; err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) != 1 || !errors.Is(failed[0], store.ErrConflict) {
		t.Fatalf("errors %v, want one store.ErrConflict", failed)
	}
}
