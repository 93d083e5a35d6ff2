package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/store"
	"github.com/ncruces/go-sqlite3"
)

// The fixed statements. Objects are always matched by id first: its
// unique index finds the row, and account and kind only confirm it.
const (
	sqlGet = `SELECT seq, created, parent, data FROM objects
		WHERE id = ? AND account = ? AND kind = ?`
	sqlCursor = `SELECT seq FROM objects
		WHERE id = ? AND account = ? AND kind = ?`
	// A taken id inserts no row. No RETURNING: SQLite runs such a
	// statement to the end into a temporary table before returning a
	// row, which cost a third of an insert; the connection has the seq.
	// The seq is the Store's next (see pending.go).
	sqlInsert = `INSERT INTO objects (seq, id, account, kind, created, parent, data)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`
	sqlReplace = `UPDATE objects SET parent = ?, data = ?
		WHERE id = ? AND account = ? AND kind = ?`
	// SQLite rewrites the entries of every index on a column an UPDATE
	// sets, even to the value it has; most replacements keep the parent.
	sqlReplaceData = `UPDATE objects SET data = ?
		WHERE id = ? AND account = ? AND kind = ? AND parent = ?`
	// An object read before it is replaced comes with its seq, the rowid:
	// the row is found without the id index.
	sqlReplaceDataAt = `UPDATE objects SET data = ?
		WHERE seq = ? AND id = ? AND account = ? AND kind = ? AND parent = ?`
	sqlDelete = `DELETE FROM objects
		WHERE id = ? AND account = ? AND kind = ?`
	sqlGetIdem = `SELECT method, path, fingerprint, status, body, request_id, created
		FROM idempotency WHERE account = ? AND key = ?`
	sqlSaveIdem = `INSERT INTO idempotency
		(account, key, method, path, fingerprint, status, body, request_id, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, key) DO UPDATE SET
			method = excluded.method, path = excluded.path,
			fingerprint = excluded.fingerprint, status = excluded.status,
			body = excluded.body, request_id = excluded.request_id,
			created = excluded.created`
	// The oldest first, by the index on created.
	sqlPruneIdem = `DELETE FROM idempotency WHERE rowid IN
		(SELECT rowid FROM idempotency WHERE created < ? LIMIT ?)`
)

// reader implements store.Reader on a connection in a transaction.
type reader struct {
	c *conn
}

func (r *reader) Get(ctx context.Context, account, kind, id string) (store.Object, error) {
	o := store.Object{Account: account, Kind: kind, ID: id}
	found := false
	err := r.c.query(ctx, sqlGet, []any{id, account, kind}, func(s *sqlite3.Stmt) error {
		o.Seq, o.Created, o.Parent, o.Data = s.ColumnInt64(0), s.ColumnInt64(1), s.ColumnText(2), s.ColumnBlob(3, nil)
		found = true
		return errStop
	})
	if err != nil {
		return store.Object{}, fmt.Errorf("sqlite: get %s %s: %w", kind, id, err)
	}
	if !found {
		return store.Object{}, fmt.Errorf("sqlite: get %s %s: %w", kind, id, store.ErrNotFound)
	}
	return o, nil
}

func (r *reader) Idempotency(ctx context.Context, account, key string) (store.IdempotencyRecord, error) {
	rec := store.IdempotencyRecord{Account: account, Key: key}
	found := false
	err := r.c.query(ctx, sqlGetIdem, []any{account, key}, func(s *sqlite3.Stmt) error {
		rec.Method, rec.Path, rec.Fingerprint = s.ColumnText(0), s.ColumnText(1), s.ColumnText(2)
		rec.Status, rec.Body = s.ColumnInt(3), s.ColumnBlob(4, nil)
		rec.RequestID, rec.Created = s.ColumnText(5), s.ColumnInt64(6)
		found = true
		return errStop
	})
	if err != nil {
		return store.IdempotencyRecord{}, fmt.Errorf("sqlite: idempotency %s: %w", key, err)
	}
	if !found {
		return store.IdempotencyRecord{}, fmt.Errorf("sqlite: idempotency %s: %w", key, store.ErrNotFound)
	}
	return rec, nil
}

// writer implements store.Tx on the write connection.
type writer struct {
	reader
	s *Store // its written holds this Update's writes with its group's
}

// Get reads the cache for objects that neither this Update nor its group
// wrote: the rest of what the write connection sees is the latest commit,
// which is what the cache holds.
func (w *writer) Get(ctx context.Context, account, kind, id string) (store.Object, error) {
	if w.s.written.wrote(id) {
		if err := w.flushFor(ctx, id); err != nil {
			return store.Object{}, err
		}
		return w.reader.Get(ctx, account, kind, id)
	}
	gen := w.s.cache.generation()
	if o, ok := w.s.cache.get(gen, account, kind, id); ok {
		return o, nil
	}
	o, err := w.reader.Get(ctx, account, kind, id)
	if err == nil {
		w.s.cache.putObject(gen, o)
	}
	return o, err
}

// List reads the cache under the same condition as Get, for kinds.
func (w *writer) List(ctx context.Context, q store.Query) (store.Page, error) {
	if w.s.pending.holdsListed(q) {
		if err := w.s.flushPending(ctx); err != nil {
			return store.Page{}, err
		}
	}
	key, cacheable := pageKey(q)
	if !cacheable || w.s.written.wroteKind(q.Account, q.Kind) {
		return w.reader.List(ctx, q)
	}
	gen := w.s.cache.generation()
	if p, ok := w.s.cache.list(gen, key, q); ok {
		return p, nil
	}
	p, err := w.reader.List(ctx, q)
	if err == nil {
		w.s.cache.putPage(gen, key, q, p)
	}
	return p, err
}

// GetForUpdate is Get: a write transaction holds SQLite's write lock from
// its BEGIN IMMEDIATE to its end, so no other transaction can change what
// it reads, and its reads already see the latest commit.
func (w *writer) GetForUpdate(ctx context.Context, account, kind, id string) (store.Object, error) {
	return w.Get(ctx, account, kind, id)
}

// errNotJSON refuses a document that is not JSON. The schema's CHECK says
// the same, but the write connection leaves CHECKs to this: validJSON
// costs a sixth of what json_valid does inside SQLite (see source.go).
var errNotJSON = errors.New("data is not valid JSON")

// maxJSONDepth is how deeply SQLite's JSON functions read nested arrays
// and objects (JSON_MAX_DEPTH): json_valid refuses anything deeper, and
// one such document would make every list that filters its kind fail.
const maxJSONDepth = 1000

// validJSON is what the schema's CHECK (json_valid(data)) accepts.
func validJSON(data []byte) bool { return document.ValidNesting(data, maxJSONDepth) }

func (w *writer) Insert(ctx context.Context, obj *store.Object) error {
	if !validJSON(obj.Data) {
		return fmt.Errorf("sqlite: insert %s %s: %w", obj.Kind, obj.ID, errNotJSON)
	}
	// An object InsertNew added has an id no other can have: no pending
	// row can make this one a duplicate.
	seq := w.s.takeSeq()
	n, err := w.c.exec(ctx, sqlInsert, seq, obj.ID, obj.Account, obj.Kind, obj.Created, obj.Parent, text(obj.Data))
	if err != nil {
		return fmt.Errorf("sqlite: insert %s %s: %w", obj.Kind, obj.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: insert %s %s: %w", obj.Kind, obj.ID, store.ErrDuplicate)
	}
	obj.Seq = seq
	w.s.written.record(objectWrite{obj: *obj, inserted: true})
	return nil
}

func (w *writer) Replace(ctx context.Context, obj store.Object) error {
	if !validJSON(obj.Data) {
		return fmt.Errorf("sqlite: replace %s %s: %w", obj.Kind, obj.ID, errNotJSON)
	}
	if err := w.flushFor(ctx, obj.ID); err != nil {
		return err
	}
	var n int64
	var err error
	if obj.Seq > 0 {
		n, err = w.c.exec(ctx, sqlReplaceDataAt, text(obj.Data), obj.Seq, obj.ID, obj.Account, obj.Kind, obj.Parent)
	}
	if err == nil && n == 0 { // no seq, or not that object's (deleted and inserted again)
		n, err = w.c.exec(ctx, sqlReplaceData, text(obj.Data), obj.ID, obj.Account, obj.Kind, obj.Parent)
	}
	if err == nil && n == 0 { // another parent, or no such object
		n, err = w.c.exec(ctx, sqlReplace, obj.Parent, text(obj.Data), obj.ID, obj.Account, obj.Kind)
	}
	if err := changed(n, err, "replace", obj.Kind, obj.ID); err != nil {
		return err
	}
	w.s.written.record(objectWrite{obj: obj})
	return nil
}

func (w *writer) Delete(ctx context.Context, account, kind, id string) error {
	if err := w.flushFor(ctx, id); err != nil {
		return err
	}
	n, err := w.c.exec(ctx, sqlDelete, id, account, kind)
	if err := changed(n, err, "delete", kind, id); err != nil {
		return err
	}
	w.s.written.record(objectWrite{obj: store.Object{Account: account, Kind: kind, ID: id}, deleted: true})
	return nil
}

// changed turns a statement that changed no row into ErrNotFound.
func changed(n int64, err error, op, kind, id string) error {
	switch {
	case err != nil:
		return fmt.Errorf("sqlite: %s %s %s: %w", op, kind, id, err)
	case n == 0:
		return fmt.Errorf("sqlite: %s %s %s: %w", op, kind, id, store.ErrNotFound)
	}
	return nil
}

func (w *writer) SaveIdempotency(ctx context.Context, rec store.IdempotencyRecord) error {
	_, err := w.c.exec(ctx, sqlSaveIdem, rec.Account, rec.Key, rec.Method, rec.Path, rec.Fingerprint,
		rec.Status, rec.Body, rec.RequestID, rec.Created)
	if err != nil {
		return fmt.Errorf("sqlite: save idempotency %s: %w", rec.Key, err)
	}
	return nil
}
