// Package postgres is the PostgreSQL storage engine, for a sandbox that a
// team shares: several localissuing processes, behind any load balancer,
// serve one database and behave as one server.
//
// Transactions. View runs in a REPEATABLE READ READ ONLY transaction, so
// that everything fn reads comes from one snapshot, as on SQLite. Update
// runs in READ COMMITTED and relies on row locks: GetForUpdate is SELECT …
// FOR UPDATE, which read-modify-write code already calls, so a concurrent
// change of the same object waits for the first to commit and then reads
// its result; no update is lost and fn runs exactly once. SERIALIZABLE
// would also be correct but makes contended updates fail and retry, which
// means running fn again; docs/STORAGE.md has the measurements.
//
// List order. Seq comes from a sequence, but a sequence hands out numbers
// in the order transactions ask, not the order they commit: a reader could
// see Seq 11 committed, page on with ending_before, and never see Seq 10
// committed a moment later. So Update renumbers the objects it inserted
// just before it commits, holding a lock per account until the commit:
// within an account, Seq order is commit order, and a list that polls for
// newer objects misses none. Seq as set by Insert is provisional until
// Update returns.
//
// Idempotency across processes. A transaction that reads a key with
// Tx.Idempotency and then saves it only saves if the key is still as it
// read it: an INSERT … ON CONFLICT waits for a concurrent transaction that
// saved the key to end and then reports ErrIdempotencyConflict instead of
// overwriting its record. The api package re-reads the key then and
// replays the winner's response.
//
// The driver is github.com/jackc/pgx/v5 with its own pool (pgxpool), not
// database/sql: statements are prepared once per connection, including
// the list queries built per filter shape, and COPY is at hand for seeding.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/localissuing/localissuing/store"
)

// Errors of this engine, in addition to those of package store.
var (
	// ErrClosed is returned by the methods of a closed Store.
	ErrClosed = errors.New("postgres: store closed")
	// ErrIdempotencyConflict means SaveIdempotency found that another
	// transaction saved a record for the key after this transaction read
	// it: two requests with one key raced, and the other one won.
	ErrIdempotencyConflict = errors.New("postgres: idempotency key saved by a concurrent request")
)

// defaultMaxConns is the pool size unless the DSN sets pool_max_conns: an
// HTTP request holds one connection for the length of its transaction, and
// ten processes of ten still fit PostgreSQL's default max_connections of
// 100.
func defaultMaxConns() int32 { return int32(max(10, 2*runtime.GOMAXPROCS(0))) }

// sessionSettings are set on every connection, unless the DSN sets them
// (as a URL parameter: ?synchronous_commit=on).
//
// Every statement of this engine is meant to read an index in the order
// it needs: lists a range of objects_list or objects_parent newest first,
// Lease the due index. The planner does not know that, and on estimates
// (a generic plan's especially, which it may settle on for a prepared
// statement) it can prefer to collect all of an account's rows and sort
// them, which on a large account reads every row for a page of ten. The
// enable_* settings make sorts, bitmap scans and sequential scans the last
// resort, which pins the plans as SQLite's INDEXED BY does; TestListPlan
// checks them. The penalty they add to a plan's cost would then trip JIT
// compilation, which costs a short statement hundreds of milliseconds:
// off, as it should be for statements that each touch a few rows anyway.
//
// synchronous_commit=off makes COMMIT return once the commit is in
// PostgreSQL's memory, before its WAL is flushed to disk, which takes
// most of an insert's time. It is the SQLite engine's trade: a commit
// survives localissuing being killed (PostgreSQL has it), a crash of the
// database server or its machine can lose the last fraction of a second
// of commits, and nothing is ever left half-done.
var sessionSettings = map[string]string{
	"enable_sort":        "off",
	"enable_bitmapscan":  "off",
	"enable_seqscan":     "off",
	"jit":                "off",
	"synchronous_commit": "off",
}

// Store is a PostgreSQL database holding localissuing's objects. It is safe
// for concurrent use, also by several processes sharing the database.
type Store struct {
	pool   *pgxpool.Pool
	closed atomic.Bool
	// begin starts Update's transactions: beginUpdate, but for the
	// benchmark that compares it with SERIALIZABLE.
	begin string
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a postgres:// URL or a
// keyword/value string, as libpq takes them) and brings its schema up to
// date. The tables live in the first schema of the search_path, which the
// DSN may set (postgres://…/db?search_path=sandbox); a schema named there
// that does not exist yet is created. pool_max_conns in the DSN sets the
// pool size.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx hides the password in what it quotes of the DSN.
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns()
	}
	for name, value := range sessionSettings {
		if _, set := cfg.ConnConfig.RuntimeParams[name]; !set {
			cfg.ConnConfig.RuntimeParams[name] = value
		}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	s := &Store{pool: pool, begin: beginUpdate}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	return s, nil
}

// Close waits for running transactions to end and closes the pool.
func (s *Store) Close() error {
	if s.closed.CompareAndSwap(false, true) {
		s.pool.Close()
	}
	return nil
}

// View runs fn in a read-only transaction on one snapshot of the database.
func (s *Store) View(ctx context.Context, fn func(store.Reader) error) error {
	ss, err := s.open(ctx, beginView)
	if err != nil {
		return wrap("view", err)
	}
	// A read-only transaction has nothing to commit; ending it releases the
	// snapshot and the connection, also when fn panics.
	defer ss.end(ctx)
	return fn(&reader{ss: ss})
}

// Update runs fn in a READ COMMITTED transaction and commits if fn returns
// nil. Objects fn inserted get their final Seq as it commits.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	ss, err := s.open(ctx, s.begin)
	if err != nil {
		return wrap("update", err)
	}
	defer ss.end(ctx) // rolls back unless committed
	w := &writer{reader: reader{ss: ss}}
	if err := fn(w); err != nil {
		return conflict(err)
	}
	if err := ss.commit(ctx, w.order()); err != nil {
		return conflict(wrap("commit", err))
	}
	w.publish()
	return nil
}

// PruneIdempotency deletes the idempotency records created before the
// given Unix time.
func (s *Store) PruneIdempotency(ctx context.Context, before int64) error {
	if s.closed.Load() {
		return fmt.Errorf("postgres: prune idempotency: %w", ErrClosed)
	}
	if _, err := s.pool.Exec(ctx, sqlPruneIdem, before); err != nil {
		return fmt.Errorf("postgres: prune idempotency: %w", err)
	}
	return nil
}
