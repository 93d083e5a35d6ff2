package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/storetest"
	"github.com/ncruces/go-sqlite3"
)

// openTest opens path for one test; storetest closes what it opens, other
// tests close with t.Cleanup.
func openTest(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open %s: %v", path, err)
	}
	return s
}

func TestContract(t *testing.T) {
	tests := []struct {
		name     string
		path     func(t *testing.T) string
		cacheMax int64
	}{
		{"file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "test.db") }, DefaultCacheBytes},
		{"memory", func(*testing.T) string { return memoryPath }, DefaultCacheBytes},
		// A cache that holds a few objects at most: entries come and go
		// all the time, and reads mix the cache and SQLite.
		{"file, small cache", func(t *testing.T) string { return filepath.Join(t.TempDir(), "test.db") }, 600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T) store.Store {
				s, err := OpenWithCache(t.Context(), tc.path(t), tc.cacheMax)
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				return s
			})
		})
	}
}

// card is a small object for these tests.
func card(id string) *store.Object {
	return &store.Object{Account: "acct_1", Kind: "issuing.card", ID: id, Created: 1700000000,
		Data: fmt.Appendf(nil, `{"id":%q,"status":"active"}`, id)}
}

func insert(t *testing.T, s *Store, objs ...*store.Object) {
	t.Helper()
	writeEach(t, s, "insert", objs, func(tx store.Tx, o *store.Object) error { return tx.Insert(t.Context(), o) })
}

// writeEach writes every object with write in one Update, which must succeed.
func writeEach[O any](t *testing.T, s *Store, op string, objs []O, write func(store.Tx, O) error) {
	t.Helper()
	err := s.Update(t.Context(), func(tx store.Tx) error {
		for _, o := range objs {
			if err := write(tx, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
}

func get(t *testing.T, s *Store, id string) (store.Object, error) {
	t.Helper()
	return viewGet(t, s, "acct_1", "issuing.card", id)
}

func TestRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "restart.db")
	s := openTest(t, path)
	first := card("ic_1")
	insert(t, s, first)
	rec := store.IdempotencyRecord{Account: "acct_1", Key: "k", Method: "POST", Path: "/v1/x", Status: 200, Body: []byte("{}"), Created: 5}
	if err := s.Update(t.Context(), func(tx store.Tx) error { return tx.SaveIdempotency(t.Context(), rec) }); err != nil {
		t.Fatal(err)
	}
	owed := store.Delivery{ID: "d_1", Account: "acct_1", EventID: "evt_1", EndpointID: "we_1", Attempts: 2, Due: 100}
	if err := s.Update(t.Context(), func(tx store.Tx) error { return tx.Enqueue(t.Context(), owed) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = openTest(t, path)
	defer s.Close()
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

// withConn runs fn on a connection of pool, outside any transaction.
func withConn(t *testing.T, s *Store, pool chan *conn, fn func(c *conn)) {
	t.Helper()
	c, err := s.acquire(t.Context(), pool)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { pool <- c }()
	fn(c)
}

func TestMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "migrate.db")
	for range 2 { // the second Open finds the schema up to date
		s := openTest(t, path)
		withConn(t, s, s.reader, func(c *conn) {
			var version, rows int64
			err := c.query(t.Context(), `SELECT version, (SELECT count(*) FROM schema_version) FROM schema_version`, nil,
				func(st *sqlite3.Stmt) error {
					version, rows = st.ColumnInt64(0), st.ColumnInt64(1)
					return nil
				})
			if err != nil {
				t.Fatal(err)
			}
			if version != int64(len(migrations)) || rows != 1 {
				t.Errorf("schema_version: version %d in %d rows, want %d in 1", version, rows, len(migrations))
			}
		})
		s.Close()
	}

	// A database from a newer program is refused, not used.
	s := openTest(t, path)
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		_, err := tx.(*writer).c.exec(t.Context(), `UPDATE schema_version SET version = version + 1`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(t.Context(), path); err == nil {
		s.Close()
		t.Errorf("Open of a newer schema succeeded")
	}
}

func TestMemoryIsPrivate(t *testing.T) {
	a, b := openTest(t, memoryPath), openTest(t, memoryPath)
	defer a.Close()
	defer b.Close()
	insert(t, a, card("ic_1"))
	if _, err := get(t, b, "ic_1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second memory store: Get returned %v, want ErrNotFound", err)
	}
}

func TestListRejects(t *testing.T) {
	s := openTest(t, memoryPath)
	defer s.Close()
	insert(t, s, card("ic_1"))
	tests := []struct {
		name  string
		field store.Field
	}{
		{"quote", store.Field{Name: `status' OR 1=1 --`, Value: "x"}},
		{"path", store.Field{Name: "a.b", Value: "x"}},
		{"index", store.Field{Name: "a[0]", Value: "x"}},
		{"upper case", store.Field{Name: "Status", Value: "active"}},
		{"empty", store.Field{Name: "", Value: "x"}},
		{"int", store.Field{Name: "status", Value: 1}},
		{"float", store.Field{Name: "status", Value: 1.5}},
		{"nil", store.Field{Name: "status", Value: nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.View(t.Context(), func(r store.Reader) error {
				_, err := r.List(t.Context(), store.Query{Account: "acct_1", Kind: "issuing.card", Limit: 10, Equal: []store.Field{tc.field}})
				return err
			})
			if err == nil {
				t.Errorf("List with field %+v succeeded", tc.field)
			}
		})
	}
}

// TestWritesRejectBadJSON checks that no malformed document gets in,
// although the write connection ignores the schema's CHECK (see source.go),
// and that a failed write leaves the stored object as it was.
func TestWritesRejectBadJSON(t *testing.T) {
	s := openTest(t, memoryPath)
	defer s.Close()
	insert(t, s, card("ic_kept"))
	tooDeep := `{"id":"ic_new","x":` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}`
	for _, bad := range []string{`{"id":`, ``, `{"id":"ic_x"} trailing`, "{\"a\":\"\x01\"}", tooDeep} {
		for _, op := range []string{"insert", "replace"} {
			t.Run(op+" "+bad[:min(len(bad), 30)], func(t *testing.T) {
				o := card("ic_new")
				if op == "replace" {
					o = card("ic_kept")
				}
				o.Data = []byte(bad)
				err := s.Update(t.Context(), func(tx store.Tx) error {
					if op == "insert" {
						return tx.Insert(t.Context(), o)
					}
					return tx.Replace(t.Context(), *o)
				})
				if err == nil || errors.Is(err, store.ErrDuplicate) || errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s of malformed JSON returned %v", op, err)
				}
				if _, err := get(t, s, "ic_new"); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Get ic_new after the failed write: %v", err)
				}
				if got, err := get(t, s, "ic_kept"); err != nil || string(got.Data) != string(card("ic_kept").Data) {
					t.Errorf("ic_kept after the failed write: %s, %v", got.Data, err)
				}
			})
		}
	}
}

// TestListPlan checks that every shape of list query is a range scan of an
// index in seq order: no full scan, no sort.
func TestListPlan(t *testing.T) {
	s := openTest(t, memoryPath)
	defer s.Close()
	eq := []store.Field{{Name: "status", Value: "active"}, {Name: "n", Value: int64(1)}, {Name: "b", Value: true},
		{Name: "type", Value: "issuing_card.", Prefix: true}, {Name: "p", Value: store.Range{Gt: new(int64)}}}
	tests := []struct {
		name     string
		q        store.Query
		cursor   int64
		backward bool
		want     string
	}{
		{"plain", store.Query{}, 0, false, "SEARCH objects USING INDEX objects_list (account=? AND kind=?)"},
		{"after", store.Query{}, 5, false, "SEARCH objects USING INDEX objects_list (account=? AND kind=? AND seq<?)"},
		{"before", store.Query{}, 5, true, "SEARCH objects USING INDEX objects_list (account=? AND kind=? AND seq>?)"},
		{"parent", store.Query{Parent: "ich_1"}, 0, false, "SEARCH objects USING INDEX objects_parent (account=? AND kind=? AND parent=?)"},
		{"parent after", store.Query{Parent: "ich_1"}, 5, false, "SEARCH objects USING INDEX objects_parent (account=? AND kind=? AND parent=? AND seq<?)"},
		{"parent before", store.Query{Parent: "ich_1"}, 5, true, "SEARCH objects USING INDEX objects_parent (account=? AND kind=? AND parent=? AND seq>?)"},
		{"filters", store.Query{Equal: eq, Created: store.Range{Gte: new(int64), Lt: new(int64)}}, 5, false, "SEARCH objects USING INDEX objects_list (account=? AND kind=? AND seq<?)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Account, tc.q.Kind, tc.q.Limit = "acct_1", "issuing.card", 10
			query, args, err := listSQL(tc.q, tc.cursor, tc.backward)
			if err != nil {
				t.Fatal(err)
			}
			plan := explain(t.Context(), t, s, query, args)
			if len(plan) != 1 || plan[0] != tc.want {
				t.Errorf("plan %q, want only %q", plan, tc.want)
			}
		})
	}
}

// TestLeasePlan checks that Lease reads the due deliveries from the index
// in the order it returns them: no scan of the outbox, no sort.
func TestLeasePlan(t *testing.T) {
	s := openTest(t, memoryPath)
	defer s.Close()
	plan := explain(t.Context(), t, s, sqlDue, []any{int64(1), 10})
	want := "SEARCH deliveries USING INDEX deliveries_due (due<?)"
	if len(plan) != 1 || plan[0] != want {
		t.Errorf("plan %q, want only %q", plan, want)
	}
}

// explain returns the details of query's plan, one per step.
func explain(ctx context.Context, t *testing.T, s *Store, query string, args []any) []string {
	t.Helper()
	var plan []string
	withConn(t, s, s.reader, func(c *conn) {
		err := c.query(ctx, "EXPLAIN QUERY PLAN "+query, args, func(st *sqlite3.Stmt) error {
			plan = append(plan, st.ColumnText(3))
			return nil
		})
		if err != nil {
			t.Fatalf("explain: %v", err)
		}
	})
	return plan
}

func TestClosed(t *testing.T) {
	s := openTest(t, memoryPath)
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

// TestUpdateQueueCancel checks that an Update waiting for the writer gives
// up when its context ends, and that the queue goes on afterwards.
func TestUpdateQueueCancel(t *testing.T) {
	s := openTest(t, memoryPath)
	defer s.Close()
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(t.Context(), func(store.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := s.Update(ctx, func(store.Tx) error { return errors.New("ran without the writer") })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("queued Update with a canceled context: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	insert(t, s, card("ic_1"))
}

// TestMigrateKeepsParentLists upgrades a database made by the schema's
// first two versions, with objects in it, and lists them by parent.
func TestMigrateKeepsParentLists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	src, err := newSource(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := openConn(t.Context(), src.uri, src.write)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{`CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT`, `INSERT INTO schema_version (version) VALUES (2)`}
	for _, m := range migrations[:2] {
		stmts = append(stmts, m...)
	}
	for i, parent := range []string{"ich_1", "", "ich_1", "ich_2"} {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO objects (id, account, kind, created, parent, data)
			VALUES ('ic_%d', 'acct_1', 'issuing.card', 1700000000, '%s', '{}')`, i, parent))
	}
	for _, q := range stmts {
		if err := c.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := c.close(); err != nil {
		t.Fatal(err)
	}

	s := openTest(t, path)
	defer s.Close()
	for parent, want := range map[string]string{"ich_1": "ic_2 ic_0", "ich_2": "ic_3", "": "ic_3 ic_2 ic_1 ic_0"} {
		var ids []string
		err := s.View(t.Context(), func(r store.Reader) error {
			ids = nil
			p, err := r.List(t.Context(), store.Query{Account: "acct_1", Kind: "issuing.card", Parent: parent, Limit: 10})
			for _, o := range p.Objects {
				ids = append(ids, o.ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(ids, " "); got != want {
			t.Errorf("list of parent %q after the upgrade: %s, want %s", parent, got, want)
		}
	}
}

// TestReplaceFindsRowBySeq checks Replace whatever Seq the object carries:
// its own (the row is found by seq), none, a stale one (the object was
// deleted and inserted again) or another object's, which is left alone.
func TestReplaceFindsRowBySeq(t *testing.T) {
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		seq  func(own, stale, other int64) int64
	}{
		{"own seq", func(own, _, _ int64) int64 { return own }},
		{"no seq", func(_, _, _ int64) int64 { return 0 }},
		{"stale seq", func(_, stale, _ int64) int64 { return stale }},
		{"another object's seq", func(_, _, other int64) int64 { return other }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, memoryPath)
			defer s.Close()
			insert(t, s, card("ic_1"), card("ic_2"))
			stale := mustGetSeq(t, s, "ic_1")
			err := s.Update(ctx, func(tx store.Tx) error {
				if err := tx.Delete(ctx, "acct_1", "issuing.card", "ic_1"); err != nil {
					return err
				}
				return tx.Insert(ctx, card("ic_1"))
			})
			if err != nil {
				t.Fatal(err)
			}
			o, err := get(t, s, "ic_1")
			if err != nil {
				t.Fatal(err)
			}
			o.Seq = tc.seq(o.Seq, stale, mustGetSeq(t, s, "ic_2"))
			o.Data = []byte(`{"id":"ic_1","status":"inactive"}`)
			if err := s.Update(ctx, func(tx store.Tx) error { return tx.Replace(ctx, o) }); err != nil {
				t.Fatalf("Replace: %v", err)
			}
			if got, err := get(t, s, "ic_1"); err != nil || string(got.Data) != string(o.Data) {
				t.Errorf("ic_1 after Replace: %s, %v", got.Data, err)
			}
			if got, err := get(t, s, "ic_2"); err != nil || string(got.Data) != string(card("ic_2").Data) {
				t.Errorf("ic_2 after Replace of ic_1: %s, %v", got.Data, err)
			}
		})
	}
}

func mustGetSeq(t *testing.T, s *Store, id string) int64 {
	t.Helper()
	o, err := get(t, s, id)
	if err != nil {
		t.Fatal(err)
	}
	return o.Seq
}

// TestValidJSONIsSQLites checks that what the write connection lets in
// is what the schema's CHECK (json_valid(data)), which it ignores, would:
// nesting up to SQLite's limit of 1000 levels included.
func TestValidJSONIsSQLites(t *testing.T) {
	s := openTest(t, memoryPath)
	defer s.Close()
	deep := func(open, close string, n int) string {
		return `{"x":` + strings.Repeat(open, n) + "1" + strings.Repeat(close, n) + "}"
	}
	docs := []string{
		`{}`, `{"id":"ic_1","metadata":{"a":"b"},"n":-1.5e3,"t":true,"z":null}`, `[1,2]`, `"s"`,
		`{"id":`, ``, ` `, `{"a":1} x`, `{"a":01}`, `{"a":"\x"}`, "{\"a\":\"\x01\"}", `{'a':1}`, `{"a":1,}`,
		deep("[", "]", 998), deep("[", "]", 999), deep("[", "]", 1000), deep("[", "]", 1500),
		deep(`{"a":`, "}", 999), deep(`{"a":`, "}", 1000),
	}
	err := s.Update(t.Context(), func(tx store.Tx) error {
		for _, doc := range docs {
			var sqliteSays bool
			err := tx.(*writer).c.query(t.Context(), `SELECT json_valid(?)`, []any{text(doc)}, func(st *sqlite3.Stmt) error {
				sqliteSays = st.ColumnInt(0) == 1
				return nil
			})
			if err != nil {
				return err
			}
			if got := validJSON([]byte(doc)); got != sqliteSays {
				t.Errorf("validJSON(%.50q…) = %v, json_valid says %v", doc, got, sqliteSays)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPruneInBatches checks that pruning many idempotency records takes
// several commits, so that other writes are not held up behind it, and
// that all of them go, and no newer one.
func TestPruneInBatches(t *testing.T) {
	defer func(n int) { pruneBatch = n }(pruneBatch)
	pruneBatch = 3
	s := openTest(t, filepath.Join(t.TempDir(), "test.db"))
	t.Cleanup(func() { _ = s.Close() })
	ctx := t.Context()
	var keys []string
	err := s.Update(ctx, func(tx store.Tx) error {
		for i := range 12 {
			created := int64(1000)
			if i >= 10 {
				created = 3000
			}
			key := fmt.Sprintf("key-%d", i)
			keys = append(keys, key)
			rec := store.IdempotencyRecord{Account: "acct_1", Key: key, Method: "POST", Path: "/v1/issuing/cards",
				Fingerprint: "f", Status: 200, Body: []byte("{}"), RequestID: "req_1", Created: created}
			if err := tx.SaveIdempotency(ctx, rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	commits := countCommits(s)
	if err := s.PruneIdempotency(ctx, 2000); err != nil {
		t.Fatalf("PruneIdempotency: %v", err)
	}
	// 10 records, 3 a batch: 3, 3, 3, then 1, which shows the end.
	if got := commits.Load(); got != 4 {
		t.Errorf("pruning took %d commits, want 4", got)
	}
	for i, key := range keys {
		err := s.View(ctx, func(rd store.Reader) error {
			_, err := rd.Idempotency(ctx, "acct_1", key)
			return err
		})
		if kept := i >= 10; kept != (err == nil) {
			t.Errorf("%s: kept %v, want %v (err %v)", key, err == nil, kept, err)
		}
	}
}
