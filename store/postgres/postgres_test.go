package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
	"github.com/localissuing/localissuing/store/storetest"
)

// openTest opens a store on dsn for one test and closes it when the test
// ends (before pgtest drops the schema).
func openTest(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open(t.Context(), pgtest.DSN(t))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s // storetest closes it
	})
}

// card is a small object for these tests.
func card(id string) *store.Object {
	return &store.Object{Account: "acct_1", Kind: "issuing.card", ID: id, Created: 1700000000,
		Data: fmt.Appendf(nil, `{"id":%q,"status":"active"}`, id)}
}

func insert(t *testing.T, s *Store, objs ...*store.Object) {
	t.Helper()
	err := s.Update(t.Context(), func(tx store.Tx) error {
		for _, o := range objs {
			if err := tx.Insert(t.Context(), o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insert: %v", err)
	}
}

func get(t *testing.T, s *Store, id string) (store.Object, error) {
	t.Helper()
	var o store.Object
	err := s.View(t.Context(), func(r store.Reader) error {
		var err error
		o, err = r.Get(t.Context(), "acct_1", "issuing.card", id)
		return err
	})
	return o, err
}

func TestRestart(t *testing.T) {
	dsn := pgtest.DSN(t)
	s := openTest(t, dsn)
	first := card("ic_1")
	insert(t, s, first)
	rec := store.IdempotencyRecord{Account: "acct_1", Key: "k", Method: "POST", Path: "/v1/x", Status: 200, Body: []byte("{}"), Created: 5}
	owed := store.Delivery{ID: "d_1", Account: "acct_1", EventID: "evt_1", EndpointID: "we_1", Attempts: 2, Due: 100}
	err := s.Update(t.Context(), func(tx store.Tx) error {
		if err := tx.SaveIdempotency(t.Context(), rec); err != nil {
			return err
		}
		return tx.Enqueue(t.Context(), owed)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = openTest(t, dsn)
	got, err := get(t, s, "ic_1")
	if err != nil {
		t.Fatalf("Get after reopening: %v", err)
	}
	if string(got.Data) != string(first.Data) || got.Seq != first.Seq {
		t.Errorf("after reopening: %+v, want %+v", got, *first)
	}
	err = s.View(t.Context(), func(r store.Reader) error {
		_, err := r.Idempotency(t.Context(), "acct_1", "k")
		return err
	})
	if err != nil {
		t.Errorf("Idempotency after reopening: %v", err)
	}
	ds, err := s.Lease(t.Context(), 100, 200, 10)
	if owed.Due = 200; err != nil || len(ds) != 1 || ds[0] != owed {
		t.Errorf("Lease after reopening: %+v, %v; want the delivery %+v", ds, err, owed)
	}
	// Seq carries on where it was.
	second := card("ic_2")
	insert(t, s, second)
	if second.Seq <= first.Seq {
		t.Errorf("Seq %d after reopening, not above %d", second.Seq, first.Seq)
	}
}

// TestMigrateConcurrently opens one new schema from several stores at once,
// as processes started together do: one migrates, the others wait for it
// and find the schema up to date.
func TestMigrateConcurrently(t *testing.T) {
	dsn := pgtest.DSN(t)
	const opens = 4
	var wg sync.WaitGroup
	errs := make([]error, opens)
	stores := make([]*Store, opens)
	for i := range opens {
		wg.Go(func() { stores[i], errs[i] = Open(t.Context(), dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	checkVersion(t, stores[0], len(migrations))
	// Each store sees the others' writes.
	insert(t, stores[1], card("ic_1"))
	if _, err := get(t, stores[2], "ic_1"); err != nil {
		t.Errorf("Get through another store: %v", err)
	}
}

// checkVersion fails the test unless the schema is at version want, in
// one row.
func checkVersion(t *testing.T, s *Store, want int) {
	t.Helper()
	var version, rows int
	err := s.pool.QueryRow(t.Context(), `SELECT max(version), count(*) FROM schema_version`).Scan(&version, &rows)
	if err != nil {
		t.Fatal(err)
	}
	if version != want || rows != 1 {
		t.Errorf("schema_version: version %d in %d rows, want %d in 1", version, rows, want)
	}
}

func TestMigrateNewerRefused(t *testing.T) {
	dsn := pgtest.DSN(t)
	s := openTest(t, dsn)
	if _, err := s.pool.Exec(t.Context(), `UPDATE schema_version SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(t.Context(), dsn); err == nil {
		s.Close()
		t.Errorf("Open of a newer schema succeeded")
	}
}

// TestSchemaCreated checks that Open creates the schema that the
// search_path names.
func TestSchemaCreated(t *testing.T) {
	dsn := pgtest.DSN(t)
	own := openTest(t, dsn)
	var schema string
	if err := own.pool.QueryRow(t.Context(), `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	fresh := schema + "_fresh"
	// Cleanups run last registered first: this one after the store on
	// fresh is closed and before own is.
	t.Cleanup(func() {
		if _, err := own.pool.Exec(context.Background(), `DROP SCHEMA IF EXISTS `+fresh+` CASCADE`); err != nil {
			t.Errorf("drop %s: %v", fresh, err)
		}
	})
	freshDSN, err := pgtest.WithSearchPath(dsn, fresh)
	if err != nil {
		t.Fatal(err)
	}
	s := openTest(t, freshDSN)
	insert(t, s, card("ic_1"))
	var got string
	if err := s.pool.QueryRow(t.Context(), `SELECT current_schema()`).Scan(&got); err != nil || got != fresh {
		t.Errorf("current_schema %q, %v; want %q", got, err, fresh)
	}
	if _, err := get(t, own, "ic_1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("object of schema %s seen in %s: %v", fresh, schema, err)
	}
}

func TestFirstSchema(t *testing.T) {
	tests := []struct{ path, want string }{
		{"sandbox", "sandbox"},
		{"Sandbox, public", "sandbox"},
		{` "My ""Team"", 1" , public`, `My "Team", 1`},
		{`"$user", public`, "$user"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := firstSchema(tc.path); got != tc.want {
			t.Errorf("firstSchema(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func TestPoolSize(t *testing.T) {
	dsn := pgtest.DSN(t)
	tests := []struct {
		name  string
		extra string
		want  int32
	}{
		{"default", "", defaultMaxConns()},
		{"from the DSN", "pool_max_conns=3", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := dsn
			if tc.extra != "" {
				d += "&" + tc.extra
			}
			s := openTest(t, d)
			if got := s.pool.Config().MaxConns; got != tc.want {
				t.Errorf("MaxConns %d, want %d", got, tc.want)
			}
		})
	}
}

func TestClosed(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, leaseErr := s.Lease(t.Context(), 0, 1, 1)
	tests := map[string]error{
		"Lease":            leaseErr,
		"View":             s.View(t.Context(), func(store.Reader) error { return nil }),
		"Update":           s.Update(t.Context(), func(store.Tx) error { return nil }),
		"PruneIdempotency": s.PruneIdempotency(t.Context(), 0),
	}
	for name, err := range tests {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

func TestOpenBadDSN(t *testing.T) {
	_, err := Open(t.Context(), "postgres://someone:secret@127.0.0.1:5432/test?pool_max_conns=many")
	if err == nil {
		t.Fatal("Open with a bad pool_max_conns succeeded")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error shows the password: %v", err)
	}
}
