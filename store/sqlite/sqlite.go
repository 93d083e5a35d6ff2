// Package sqlite is the SQLite storage engine, the default one: a single
// file (or memory) that needs no server, which is what a local stand-in for
// Stripe should ask of its user.
//
// One connection writes and a pool of connections reads. SQLite allows one
// writer at a time anyway; queueing writers for the one connection makes
// them wait their turn in Go instead of failing with SQLITE_BUSY, and makes
// every read in a write transaction a locking read (see GetForUpdate). In
// WAL mode the readers work from snapshots and never wait for the writer.
//
// The driver is github.com/ncruces/go-sqlite3, SQLite translated to Go: no
// cgo, so the server cross-compiles and builds without a C toolchain.
// docs/STORAGE.md has the measurements behind the choice. Its own API is
// used rather than database/sql so that each connection keeps its
// prepared statements, including those of list queries built on the fly.
package sqlite

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/localissuing/localissuing/store"
)

// ErrClosed is returned by the methods of a closed Store.
var ErrClosed = errors.New("sqlite: store closed")

// Store is a SQLite database holding localissuing's objects. It is safe for
// concurrent use.
type Store struct {
	src    *source
	writer chan *conn // holds the write connection while it is free
	reader chan *conn // holds the free read connections
	conns  []*conn    // all of them, writer first
	closed chan struct{}
	close  sync.Once
	err    error // of Close
}

var _ store.Store = (*Store)(nil)

// Open opens the database at path, creating it if needed, and brings its
// schema up to date. path ":memory:" opens a new, empty database that lives
// in memory until Close and that all the Store's connections share.
func Open(ctx context.Context, path string) (*Store, error) {
	src, err := newSource(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	s := &Store{src: src, writer: make(chan *conn, 1), reader: make(chan *conn, readers), closed: make(chan struct{})}
	if err := s.open(ctx, readers); err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open %s: %w", path, err), s.Close())
	}
	return s, nil
}

func (s *Store) open(ctx context.Context, readers int) error {
	w, err := openConn(ctx, s.src.uri, s.src.write)
	if err != nil {
		return err
	}
	s.conns = append(s.conns, w)
	s.writer <- w
	// The schema is in place before any reader looks.
	if err := migrate(ctx, w); err != nil {
		return err
	}
	for range readers {
		r, err := openConn(ctx, s.src.uri, s.src.read)
		if err != nil {
			return err
		}
		s.conns = append(s.conns, r)
		s.reader <- r
	}
	return nil
}

// acquire takes a free connection from pool, waiting for one if need be.
func (s *Store) acquire(ctx context.Context, pool chan *conn) (*conn, error) {
	select {
	case <-s.closed:
		return nil, ErrClosed
	default:
	}
	select {
	case c := <-pool:
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.closed:
		return nil, ErrClosed
	}
}

// Close waits for running transactions to end and closes the database. An
// in-memory database is gone afterwards.
func (s *Store) Close() error {
	s.close.Do(func() {
		close(s.closed)
		// Take every connection back, waiting for those in use.
		if len(s.conns) > 0 {
			<-s.writer
		}
		for range len(s.conns) - 1 {
			<-s.reader
		}
		// Readers first, so that the writer, closing last, checkpoints
		// the WAL into the database file.
		var errs []error
		for i := len(s.conns) - 1; i >= 0; i-- {
			errs = append(errs, s.conns[i].close())
		}
		s.src.release()
		if err := errors.Join(errs...); err != nil {
			s.err = fmt.Errorf("sqlite: close: %w", err)
		}
	})
	return s.err
}

// View runs fn in a read-only transaction on a snapshot of the database.
func (s *Store) View(ctx context.Context, fn func(store.Reader) error) error {
	c, err := s.acquire(ctx, s.reader)
	if err != nil {
		return fmt.Errorf("sqlite: view: %w", err)
	}
	defer func() { s.reader <- c }()
	// A read transaction has nothing to commit: ending it releases the
	// snapshot, and how it ends cannot change what fn read.
	defer c.end()
	if err := c.begin(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("sqlite: view: %w", err)
	}
	return fn(&reader{c: c})
}

// Update runs fn in a write transaction and commits if fn returns nil.
// Update calls wait for each other; fn must not call Update itself.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	c, err := s.acquire(ctx, s.writer)
	if err != nil {
		return fmt.Errorf("sqlite: update: %w", err)
	}
	defer func() { s.writer <- c }()
	// Rolls back unless committed, also when fn panics, so that the
	// connection goes back clean.
	defer c.end()
	if err := c.begin(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("sqlite: update: %w", err)
	}
	if err := fn(&writer{reader{c: c}}); err != nil {
		return err
	}
	if err := c.commit(ctx); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// PruneIdempotency deletes the idempotency records created before the
// given Unix time.
func (s *Store) PruneIdempotency(ctx context.Context, before int64) error {
	c, err := s.acquire(ctx, s.writer)
	if err != nil {
		return fmt.Errorf("sqlite: prune idempotency: %w", err)
	}
	defer func() { s.writer <- c }()
	defer c.end()
	if _, err := c.exec(ctx, sqlPruneIdem, before); err != nil {
		return fmt.Errorf("sqlite: prune idempotency: %w", err)
	}
	return nil
}
