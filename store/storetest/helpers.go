package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/localissuing/localissuing/store"
)

// Accounts and kinds the suite stores objects under.
const (
	acctA      = "acct_aaaaaaaaaaaaaaaa"
	acctB      = "acct_bbbbbbbbbbbbbbbb"
	kindCard   = "issuing.card"
	kindHolder = "issuing.cardholder"
)

// errBoom is what a failing Update's fn returns.
var errBoom = errors.New("storetest: boom")

// obj builds an object whose Data is fields plus "id", the way resources
// are stored.
func obj(t *testing.T, account, kind, id string, created int64, parent string, fields map[string]any) *store.Object {
	t.Helper()
	m := map[string]any{"id": id}
	for k, v := range fields {
		m[k] = v
	}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatalf("marshal %s: %v", id, err)
	}
	return &store.Object{Account: account, Kind: kind, ID: id, Created: created, Parent: parent, Data: data}
}

// card is obj for an issuing.card of acctA.
func card(t *testing.T, id string, created int64, parent string, fields map[string]any) *store.Object {
	t.Helper()
	return obj(t, acctA, kindCard, id, created, parent, fields)
}

// insert stores objs in one Update and fails the test if it fails.
func insert(t *testing.T, s store.Store, objs ...*store.Object) {
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

// get reads one object in a View.
func get(t *testing.T, s store.Store, account, kind, id string) (store.Object, error) {
	t.Helper()
	var o store.Object
	err := s.View(t.Context(), func(r store.Reader) error {
		var err error
		o, err = r.Get(t.Context(), account, kind, id)
		return err
	})
	return o, err
}

// mustGet is get that fails the test on an error.
func mustGet(t *testing.T, s store.Store, account, kind, id string) store.Object {
	t.Helper()
	o, err := get(t, s, account, kind, id)
	if err != nil {
		t.Fatalf("Get %s %s %s: %v", account, kind, id, err)
	}
	return o
}

// list runs q in a View and fails the test on an error.
func list(t *testing.T, s store.Store, q store.Query) store.Page {
	t.Helper()
	var p store.Page
	err := s.View(t.Context(), func(r store.Reader) error {
		var err error
		p, err = r.List(t.Context(), q)
		return err
	})
	if err != nil {
		t.Fatalf("List %+v: %v", q, err)
	}
	return p
}

// listErr runs q in a View and returns its error.
func listErr(t *testing.T, s store.Store, q store.Query) error {
	t.Helper()
	return s.View(t.Context(), func(r store.Reader) error {
		_, err := r.List(t.Context(), q)
		return err
	})
}

// ids returns the ids of objs, in order.
func ids(objs []store.Object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.ID
	}
	return out
}

// checkIDs fails the test unless objs have exactly the ids want, in order.
func checkIDs(t *testing.T, what string, objs []store.Object, want []string) {
	t.Helper()
	if got := ids(objs); !slices.Equal(got, want) {
		t.Errorf("%s: ids %v, want %v", what, got, want)
	}
}

// checkObject fails the test unless got is want. Data is compared as JSON,
// since an engine may keep documents in a normalized form.
func checkObject(t *testing.T, got, want store.Object) {
	t.Helper()
	if !jsonEqual(got.Data, want.Data) {
		t.Errorf("%s: Data %s, want %s", want.ID, got.Data, want.Data)
	}
	type key struct {
		Account, Kind, ID string
		Created           int64
		Parent            string
		Seq               int64
	}
	g := key{got.Account, got.Kind, got.ID, got.Created, got.Parent, got.Seq}
	w := key{want.Account, want.Kind, want.ID, want.Created, want.Parent, want.Seq}
	if g != w {
		t.Errorf("object %+v, want %+v", g, w)
	}
}

// jsonEqual tells whether a and b encode the same JSON value.
func jsonEqual(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// checkErr fails the test unless errors.Is(err, want).
func checkErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

// seqID names the i-th object of a numbered series.
func seqID(prefix string, i int) string { return fmt.Sprintf("%s_%04d", prefix, i) }

// ptr returns a pointer to v, for Range bounds.
func ptr(v int64) *int64 { return &v }
