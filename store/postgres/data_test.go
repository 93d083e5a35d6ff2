package postgres

import (
	"errors"
	"testing"

	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/postgres/pgtest"
)

// TestDataKeptExactly checks that documents come back byte for byte, key
// order and spacing included, and that JSON PostgreSQL's text type cannot
// hold (the escape \u0000) is stored like any other.
func TestDataKeptExactly(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	tests := []struct{ id, data string }{
		{"ic_order", `{"id":"ic_order","object":"issuing.card","amount":1}`},
		{"ic_space", "{ \"id\" : \"ic_space\",\n  \"n\": 1.50 }"},
		{"ic_nul", `{"id":"ic_nul","metadata":{"k":"a\u0000b"}}`},
		{"ic_dup", `{"id":"ic_dup","a":1,"a":2}`},
	}
	for _, tc := range tests {
		o := card(tc.id)
		o.Data = []byte(tc.data)
		insert(t, s, o)
		got, err := get(t, s, tc.id)
		if err != nil || string(got.Data) != tc.data {
			t.Errorf("%s: Data %q (%v), want %q", tc.id, got.Data, err, tc.data)
		}
	}
}

func TestInsertRejectsBadJSON(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	o := card("ic_1")
	o.Data = []byte(`{"id":`)
	err := s.Update(t.Context(), func(tx store.Tx) error { return tx.Insert(t.Context(), o) })
	if err == nil || errors.Is(err, store.ErrDuplicate) {
		t.Errorf("Insert of malformed JSON returned %v", err)
	}
	if _, err := get(t, s, "ic_1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get after the failed Insert: %v", err)
	}
}

// TestUnstorableKeys checks lookups by strings that PostgreSQL's text
// cannot hold (NUL, invalid UTF-8), which arrive in URLs and headers: they
// name nothing stored, so they find nothing instead of failing, as on
// SQLite.
func TestUnstorableKeys(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	insert(t, s, card("ic_1"))
	for _, bad := range []string{"ic_\x00", "ic_\xff", "\xc3"} {
		if _, err := get(t, s, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Get %q: %v, want ErrNotFound", bad, err)
		}
		err := s.Update(t.Context(), func(tx store.Tx) error {
			if _, err := tx.GetForUpdate(t.Context(), "acct_1", "issuing.card", bad); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("GetForUpdate %q: %v, want ErrNotFound", bad, err)
			}
			if err := tx.Replace(t.Context(), store.Object{Account: "acct_1", Kind: "issuing.card", ID: bad, Data: []byte(`{}`)}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Replace %q: %v, want ErrNotFound", bad, err)
			}
			if err := tx.Delete(t.Context(), "acct_1", "issuing.card", bad); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Delete %q: %v, want ErrNotFound", bad, err)
			}
			if err := tx.Dequeue(t.Context(), bad); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Dequeue %q: %v, want ErrNotFound", bad, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		queries := []struct {
			name string
			q    store.Query
			want error
		}{
			{"cursor", store.Query{StartingAfter: bad}, store.ErrCursorNotFound},
			{"parent", store.Query{Parent: bad}, nil},
			{"equal", store.Query{Equal: []store.Field{{Name: "status", Value: bad}}}, nil},
			{"prefix", store.Query{Equal: []store.Field{{Name: "status", Value: bad, Prefix: true}}}, nil},
			{"set", store.Query{Equal: []store.Field{{Name: "status", Value: []string{bad}}}}, nil},
		}
		for _, tc := range queries {
			tc.q.Account, tc.q.Kind, tc.q.Limit = "acct_1", "issuing.card", 10
			var p store.Page
			err := s.View(t.Context(), func(r store.Reader) error {
				var err error
				p, err = r.List(t.Context(), tc.q)
				return err
			})
			if !errors.Is(err, tc.want) || len(p.Objects) != 0 {
				t.Errorf("List by %s %q: %d objects, %v; want none, %v", tc.name, bad, len(p.Objects), err, tc.want)
			}
		}
	}
	// A set keeps its storable values.
	err := s.View(t.Context(), func(r store.Reader) error {
		p, err := r.List(t.Context(), store.Query{Account: "acct_1", Kind: "issuing.card", Limit: 10,
			Equal: []store.Field{{Name: "status", Value: []string{"\xff", "active"}}}})
		if err == nil && len(p.Objects) != 1 {
			t.Errorf("set with one unstorable value: %d objects, want 1", len(p.Objects))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Idempotency keys and paths are bytes, whatever they hold.
	rec := store.IdempotencyRecord{Account: "acct_1", Key: "k\xff", Method: "POST", Path: "/v1/issuing/cards/\xff",
		Status: 404, Body: []byte(`{}`), RequestID: "req_1", Created: 5}
	if err := s.Update(t.Context(), func(tx store.Tx) error { return tx.SaveIdempotency(t.Context(), rec) }); err != nil {
		t.Fatalf("SaveIdempotency: %v", err)
	}
	err = s.View(t.Context(), func(r store.Reader) error {
		got, err := r.Idempotency(t.Context(), "acct_1", "k\xff")
		if err == nil && (got.Path != rec.Path || got.Key != rec.Key) {
			t.Errorf("record %+v, want %+v", got, rec)
		}
		return err
	})
	if err != nil {
		t.Errorf("Idempotency: %v", err)
	}
}

func TestListRejects(t *testing.T) {
	s := openTest(t, pgtest.DSN(t))
	insert(t, s, card("ic_1"))
	tests := []struct {
		name  string
		field store.Field
	}{
		{"quote", store.Field{Name: `status' OR 1=1 --`, Value: "x"}},
		{"path", store.Field{Name: "a.b", Value: "x"}},
		{"arrow", store.Field{Name: "a->b", Value: "x"}},
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
