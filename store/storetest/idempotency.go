package storetest

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// idem reads the record saved for key in a View.
func idem(t *testing.T, s store.Store, account, key string) (store.IdempotencyRecord, error) {
	t.Helper()
	var rec store.IdempotencyRecord
	err := s.View(t.Context(), func(r store.Reader) error {
		var err error
		rec, err = r.Idempotency(t.Context(), account, key)
		return err
	})
	return rec, err
}

// save stores recs in one Update.
func save(t *testing.T, s store.Store, recs ...store.IdempotencyRecord) {
	t.Helper()
	err := s.Update(t.Context(), func(tx store.Tx) error {
		for _, rec := range recs {
			if err := tx.SaveIdempotency(t.Context(), rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("SaveIdempotency: %v", err)
	}
}

// checkRecord fails the test unless got is want.
func checkRecord(t *testing.T, got, want store.IdempotencyRecord) {
	t.Helper()
	if !bytes.Equal(got.Body, want.Body) {
		t.Errorf("%s: Body %q, want %q", want.Key, got.Body, want.Body)
	}
	got.Body, want.Body = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("record %+v, want %+v", got, want)
	}
}

func record(account, key string, created int64) store.IdempotencyRecord {
	return store.IdempotencyRecord{
		Account: account, Key: key, Method: "POST", Path: "/v1/issuing/cards",
		Fingerprint: "sha256:" + key, Status: 200,
		// Bodies are kept byte for byte, not as JSON.
		Body:      []byte("{\n  \"id\": \"ic_1\",\n  \"object\": \"issuing.card\"\n}"),
		RequestID: "req_" + key, Created: created,
	}
}

func testIdempotency(t *testing.T, s store.Store) {
	_, err := idem(t, s, acctA, "k1")
	checkErr(t, "Idempotency of an unsaved key", err, store.ErrNotFound)

	rec := record(acctA, "k1", 1700000000)
	save(t, s, rec)
	got, err := idem(t, s, acctA, "k1")
	if err != nil {
		t.Fatalf("Idempotency: %v", err)
	}
	checkRecord(t, got, rec)

	// Saving again replaces the record.
	repl := rec
	repl.Status, repl.Body, repl.RequestID, repl.Fingerprint, repl.Created = 402, []byte(`{"error":{}}`), "req_2", "sha256:other", 1700000100
	save(t, s, repl)
	got, err = idem(t, s, acctA, "k1")
	if err != nil {
		t.Fatalf("Idempotency after replacing: %v", err)
	}
	checkRecord(t, got, repl)

	// A Tx reads its own save.
	err = s.Update(t.Context(), func(tx store.Tx) error {
		if err := tx.SaveIdempotency(t.Context(), record(acctA, "k2", 1700000000)); err != nil {
			return err
		}
		got, err := tx.Idempotency(t.Context(), acctA, "k2")
		if err != nil {
			return err
		}
		checkRecord(t, got, record(acctA, "k2", 1700000000))
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func testIdempotencyIsolation(t *testing.T, s store.Store) {
	a, b := record(acctA, "same", 1700000000), record(acctB, "same", 1700000000)
	b.Status, b.Body = 201, []byte(`{"b":true}`)
	save(t, s, a, b)
	for _, want := range []store.IdempotencyRecord{a, b} {
		got, err := idem(t, s, want.Account, "same")
		if err != nil {
			t.Fatalf("Idempotency %s: %v", want.Account, err)
		}
		checkRecord(t, got, want)
	}
	_, err := idem(t, s, "acct_other", "same")
	checkErr(t, "Idempotency of a third account", err, store.ErrNotFound)
}

func testPruneIdempotency(t *testing.T, s store.Store) {
	save(t, s,
		record(acctA, "old", 1000),
		record(acctB, "old", 1000),
		record(acctA, "edge", 2000),
		record(acctA, "new", 3000),
	)
	// Only records created strictly before the cut-off go.
	if err := s.PruneIdempotency(t.Context(), 2000); err != nil {
		t.Fatalf("PruneIdempotency: %v", err)
	}
	tests := []struct {
		account, key string
		kept         bool
	}{
		{acctA, "old", false},
		{acctB, "old", false},
		{acctA, "edge", true},
		{acctA, "new", true},
	}
	for _, tc := range tests {
		_, err := idem(t, s, tc.account, tc.key)
		switch {
		case tc.kept && err != nil:
			t.Errorf("%s %s: pruned too early: %v", tc.account, tc.key, err)
		case !tc.kept:
			checkErr(t, tc.account+" "+tc.key, err, store.ErrNotFound)
		}
	}
	// Pruning nothing is no error.
	if err := s.PruneIdempotency(t.Context(), 0); err != nil {
		t.Fatalf("PruneIdempotency(0): %v", err)
	}
}
