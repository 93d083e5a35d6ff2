package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/localissuing/localissuing/store"
)

// The fixed statements. Objects are always matched by id first: its
// unique index finds the row, and account and kind only confirm it.
const (
	sqlGet = `SELECT seq, created, parent, data FROM objects
		WHERE id = $1 AND account = $2 AND kind = $3`
	sqlGetForUpdate = sqlGet + ` FOR UPDATE`
	sqlInsert       = `INSERT INTO objects (id, account, kind, created, parent, data)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO NOTHING
		RETURNING seq`
	sqlReplace = `UPDATE objects SET parent = $1, data = $2
		WHERE id = $3 AND account = $4 AND kind = $5`
	sqlDelete = `DELETE FROM objects
		WHERE id = $1 AND account = $2 AND kind = $3`
	sqlGetIdem = `SELECT method, path, fingerprint, status, body, request_id, created
		FROM idempotency WHERE account = $1 AND key = $2`
	sqlSaveIdemValues = `INSERT INTO idempotency
		(account, key, method, path, fingerprint, status, body, request_id, created)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (account, key) `
	sqlSaveIdemSet = `DO UPDATE SET
			method = excluded.method, path = excluded.path,
			fingerprint = excluded.fingerprint, status = excluded.status,
			body = excluded.body, request_id = excluded.request_id,
			created = excluded.created`
	// sqlSaveIdem replaces whatever is there.
	sqlSaveIdem = sqlSaveIdemValues + sqlSaveIdemSet
	// sqlSaveIdemNew saves only if no record exists; on a conflict with a
	// record of a concurrent transaction it waits for that one to commit.
	sqlSaveIdemNew = sqlSaveIdemValues + `DO NOTHING`
	// sqlSaveIdemOver replaces only the record of request $10.
	sqlSaveIdemOver = sqlSaveIdemValues + sqlSaveIdemSet + `
		WHERE idempotency.request_id = $10`
	sqlPruneIdem = `DELETE FROM idempotency WHERE created < $1`
	// sqlSeqLock serializes, per account, the commits of transactions
	// that insert: see writer.order.
	sqlSeqLock = `SELECT pg_advisory_xact_lock(hashtextextended('localissuing/seq/' || current_schema() || '/' || $1::text, 0))`
	// sqlRenumber gives an inserted object its final Seq. Run for each
	// object in the order of insertion, it keeps that order. An object
	// inserted and deleted again by the transaction is not there to match,
	// and one deleted and inserted again has another provisional Seq.
	sqlRenumber = `UPDATE objects SET seq = nextval('objects_seq')
		WHERE id = $1 AND seq = $2
		RETURNING seq`
)

// storable tells whether s can be a text value in PostgreSQL, which takes
// neither NUL nor invalid UTF-8. A key that is not storable names nothing
// that is stored, so lookups by it find nothing instead of failing.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// reader implements store.Reader on a transaction.
type reader struct {
	ss *session
}

func (r *reader) Get(ctx context.Context, account, kind, id string) (store.Object, error) {
	return r.get(ctx, sqlGet, "get", account, kind, id)
}

func (r *reader) get(ctx context.Context, query, op, account, kind, id string) (store.Object, error) {
	o := store.Object{Account: account, Kind: kind, ID: id}
	err := store.ErrNotFound
	if storable(id) && storable(account) && storable(kind) {
		err = r.ss.queryRow(ctx, query, []any{id, account, kind}, &o.Seq, &o.Created, &o.Parent, &o.Data)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Object{}, fmt.Errorf("postgres: %s %s %s: %w", op, kind, id, err)
	}
	return o, nil
}

func (r *reader) Idempotency(ctx context.Context, account, key string) (store.IdempotencyRecord, error) {
	rec := store.IdempotencyRecord{Account: account, Key: key}
	err := store.ErrNotFound
	if storable(account) {
		var path []byte
		err = r.ss.queryRow(ctx, sqlGetIdem, []any{account, []byte(key)},
			&rec.Method, &path, &rec.Fingerprint, &rec.Status, &rec.Body, &rec.RequestID, &rec.Created)
		rec.Path = string(path)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.IdempotencyRecord{}, fmt.Errorf("postgres: idempotency %s: %w", key, err)
	}
	if rec.Body == nil {
		rec.Body = []byte{}
	}
	return rec, nil
}

// writer implements store.Tx.
type writer struct {
	reader
	// inserted are the objects Insert added, to be renumbered at commit.
	inserted []*store.Object
	// renumbered maps their provisional Seqs to the final ones.
	renumbered map[int64]int64
	// seen holds, per idempotency key this transaction read, the request
	// whose record it found ("" for none): SaveIdempotency saves only over
	// that.
	seen map[idemKey]string
}

type idemKey struct{ account, key string }

// GetForUpdate locks the object's row until the transaction ends: another
// transaction's GetForUpdate, Replace or Delete of it waits, and then reads
// or changes what this one committed.
func (w *writer) GetForUpdate(ctx context.Context, account, kind, id string) (store.Object, error) {
	return w.get(ctx, sqlGetForUpdate, "get for update", account, kind, id)
}

func (w *writer) Idempotency(ctx context.Context, account, key string) (store.IdempotencyRecord, error) {
	rec, err := w.reader.Idempotency(ctx, account, key)
	switch {
	case err == nil:
		w.see(account, key, rec.RequestID)
	case errors.Is(err, store.ErrNotFound):
		w.see(account, key, "")
	}
	return rec, err
}

func (w *writer) see(account, key, requestID string) {
	if w.seen == nil {
		w.seen = map[idemKey]string{}
	}
	w.seen[idemKey{account, key}] = requestID
}

func (w *writer) Insert(ctx context.Context, obj *store.Object) error {
	var seq int64
	err := w.ss.queryRow(ctx, sqlInsert, []any{obj.ID, obj.Account, obj.Kind, obj.Created, obj.Parent, obj.Data}, &seq)
	if errors.Is(err, pgx.ErrNoRows) {
		// DO NOTHING on a conflict returns no row: the id is taken.
		err = store.ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("postgres: insert %s %s: %w", obj.Kind, obj.ID, err)
	}
	obj.Seq = seq
	w.inserted = append(w.inserted, obj)
	return nil
}

// InsertNew is Insert: a statement per row costs PostgreSQL little next
// to its round trip, which a batch would share only at the commit.
func (w *writer) InsertNew(ctx context.Context, obj *store.Object) error { return w.Insert(ctx, obj) }

func (w *writer) Replace(ctx context.Context, obj store.Object) error {
	if !storable(obj.ID) || !storable(obj.Account) || !storable(obj.Kind) {
		return changed(0, nil, "replace", obj.Kind, obj.ID)
	}
	n, err := w.ss.exec(ctx, sqlReplace, obj.Parent, obj.Data, obj.ID, obj.Account, obj.Kind)
	return changed(n, err, "replace", obj.Kind, obj.ID)
}

func (w *writer) Delete(ctx context.Context, account, kind, id string) error {
	if !storable(id) || !storable(account) || !storable(kind) {
		return changed(0, nil, "delete", kind, id)
	}
	n, err := w.ss.exec(ctx, sqlDelete, id, account, kind)
	return changed(n, err, "delete", kind, id)
}

// changed turns a statement that changed no row into ErrNotFound.
func changed(n int64, err error, op, kind, id string) error {
	switch {
	case err != nil:
		return fmt.Errorf("postgres: %s %s %s: %w", op, kind, id, err)
	case n == 0:
		return fmt.Errorf("postgres: %s %s %s: %w", op, kind, id, store.ErrNotFound)
	}
	return nil
}

// SaveIdempotency stores rec. If this transaction read the key before, it
// saves only over what it read: when a concurrent transaction has saved
// the key since, the statement waits for that one to commit and
// SaveIdempotency returns ErrIdempotencyConflict, so that one request's
// outcome is never overwritten by a duplicate's.
func (w *writer) SaveIdempotency(ctx context.Context, rec store.IdempotencyRecord) error {
	args := []any{rec.Account, []byte(rec.Key), rec.Method, []byte(rec.Path), rec.Fingerprint,
		rec.Status, rec.Body, rec.RequestID, rec.Created}
	if rec.Body == nil {
		args[6] = []byte{} // NOT NULL: an empty body, not none
	}
	query := sqlSaveIdem
	prior, read := w.seen[idemKey{rec.Account, rec.Key}]
	switch {
	case read && prior == "":
		query = sqlSaveIdemNew
	case read:
		query = sqlSaveIdemOver
		args = append(args, prior)
	}
	n, err := w.ss.exec(ctx, query, args...)
	if err == nil && n == 0 {
		err = ErrIdempotencyConflict
	}
	if err != nil {
		return fmt.Errorf("postgres: save idempotency %s: %w", rec.Key, err)
	}
	if read {
		w.see(rec.Account, rec.Key, rec.RequestID)
	}
	return nil
}

// order returns the statements that give the objects this transaction
// inserted their final Seqs, in the order they were inserted, and that keep
// a lock per account they belong to until the commit, which follows them
// in the same round trip. Another transaction inserting into one of these
// accounts waits at its own order for this commit, and its numbers come
// after; so within an account a larger Seq is always committed later, and
// a reader paging towards newer objects cannot step over one that commits
// after it looked. The wait is only for the commit of the transaction
// ahead, which already holds all it needs: locks are taken last, in
// account order, so the wait cannot close a cycle.
func (w *writer) order() *pgx.Batch {
	b := &pgx.Batch{}
	if len(w.inserted) == 0 {
		return b
	}
	var accounts []string
	for _, o := range w.inserted {
		accounts = append(accounts, o.Account)
	}
	slices.Sort(accounts)
	for _, a := range slices.Compact(accounts) {
		b.Queue(sqlSeqLock, a)
	}
	w.renumbered = make(map[int64]int64, len(w.inserted))
	for _, o := range w.inserted {
		old := o.Seq
		b.Queue(sqlRenumber, o.ID, old).QueryRow(func(row pgx.Row) error {
			var seq int64
			err := row.Scan(&seq)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil // deleted again
			}
			w.renumbered[old] = seq
			return err
		})
	}
	return b
}

// publish hands the final Seqs to the inserted objects, once committed.
func (w *writer) publish() {
	for _, o := range w.inserted {
		if seq, ok := w.renumbered[o.Seq]; ok {
			o.Seq = seq
		}
	}
}
