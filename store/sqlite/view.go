package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/localissuing/localissuing/store"
	"github.com/ncruces/go-sqlite3"
)

// errStale stops a View whose cached reads turned out to belong to an
// older generation than the snapshot it then had to open; View runs its
// function again without the cache.
var errStale = errors.New("sqlite: view: a commit came between cached and stored reads")

// view is a read transaction that opens SQLite only when the cache cannot
// answer (see cache.go). Everything it returns is the state of one
// generation, pinned when it began.
type view struct {
	s      *Store
	pinned uint64
	cached bool // the cache may answer; false once the snapshot is of another generation
	hits   int  // reads the cache answered
	stale  bool // a hit belongs to another generation than the snapshot

	c        *conn  // the read connection, once SQLite was needed
	r        reader // reads on c
	snapshot bool   // c's snapshot is the pinned generation's state
	checked  bool   // whether snapshot has been determined
}

// run runs fn and ends the transaction.
func (v *view) run(fn func(store.Reader) error) error {
	defer v.end()
	err := fn(v)
	if v.stale {
		return errStale
	}
	return err
}

func (v *view) end() {
	if v.c != nil {
		v.c.end()
		v.s.reader <- v.c
		v.c = nil
	}
}

// sql returns the reader of the view's SQLite transaction, opening it on
// first use.
func (v *view) sql(ctx context.Context) (*reader, error) {
	if v.c == nil {
		c, err := v.s.acquire(ctx, v.s.reader)
		if err != nil {
			return nil, fmt.Errorf("sqlite: view: %w", err)
		}
		if err := c.begin(ctx, "BEGIN"); err != nil {
			c.end()
			v.s.reader <- c
			return nil, fmt.Errorf("sqlite: view: %w", err)
		}
		v.c, v.r = c, reader{c: c}
	}
	return &v.r, nil
}

// settle determines, after the first statement took the snapshot, whether
// it is the pinned generation's state: it is if the generation never
// moved, since a commit changes it before it begins. When it is not, the
// cache is of no more use to this view, and reads it answered already
// make the view stale.
func (v *view) settle() error {
	// A call that failed before its first statement took no snapshot:
	// the next one will.
	if v.checked || v.c.db.TxnState("main") == sqlite3.TXN_NONE {
		return nil
	}
	v.checked = true
	v.snapshot = v.cached && v.s.cache.generation() == v.pinned
	if !v.snapshot {
		v.cached = false
		if v.hits > 0 {
			v.stale = true
			return errStale
		}
	}
	return nil
}

func (v *view) Get(ctx context.Context, account, kind, id string) (store.Object, error) {
	if v.stale {
		return store.Object{}, errStale
	}
	if v.cached {
		if o, ok := v.s.cache.get(v.pinned, account, kind, id); ok {
			v.hits++
			return o, nil
		}
	}
	r, err := v.sql(ctx)
	if err != nil {
		return store.Object{}, err
	}
	o, err := r.Get(ctx, account, kind, id)
	if serr := v.settle(); serr != nil {
		return store.Object{}, serr
	}
	if err == nil && v.snapshot {
		v.s.cache.putObject(v.pinned, o)
	}
	return o, err
}

func (v *view) List(ctx context.Context, q store.Query) (store.Page, error) {
	if v.stale {
		return store.Page{}, errStale
	}
	key, cacheable := pageKey(q)
	if v.cached && cacheable {
		if p, ok := v.s.cache.list(v.pinned, key, q); ok {
			v.hits++
			return p, nil
		}
	}
	r, err := v.sql(ctx)
	if err != nil {
		return store.Page{}, err
	}
	p, err := r.List(ctx, q)
	if serr := v.settle(); serr != nil {
		return store.Page{}, serr
	}
	if err == nil && v.snapshot && cacheable {
		v.s.cache.putPage(v.pinned, key, q, p)
	}
	return p, err
}

// Idempotency records are not cached: they are read once per request
// that sends a key.
func (v *view) Idempotency(ctx context.Context, account, key string) (store.IdempotencyRecord, error) {
	if v.stale {
		return store.IdempotencyRecord{}, errStale
	}
	r, err := v.sql(ctx)
	if err != nil {
		return store.IdempotencyRecord{}, err
	}
	rec, err := r.Idempotency(ctx, account, key)
	if serr := v.settle(); serr != nil {
		return store.IdempotencyRecord{}, serr
	}
	return rec, err
}
