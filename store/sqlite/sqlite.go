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
// Write transactions that queue up commit together (group commit, see
// Update): a commit writes every page it changed to the WAL, and the
// Update calls of one group change many of the same pages (the newest
// rows of a table and of its indexes), so one commit for all of them
// writes far less than one each.
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
	"slices"
	"sync"
	"sync/atomic"

	"github.com/localissuing/localissuing/store"
)

// ErrClosed is returned by the methods of a closed Store.
var ErrClosed = errors.New("sqlite: store closed")

// errRolledBack fails the Update calls of a group whose transaction SQLite
// rolled back on an error.
var errRolledBack = errors.New("sqlite: update: the transaction was rolled back by an error")

// Store is a SQLite database holding localissuing's objects. It is safe for
// concurrent use.
type Store struct {
	src    *source
	reader chan *conn // holds the free read connections
	conns  []*conn    // all of them, writer first
	closed chan struct{}
	close  sync.Once
	err    error // of Close

	// The write connection has one user at a time (its owner): an Update
	// running its function, or committing a group. mu guards the hand-over.
	mu      sync.Mutex
	busy    bool            // the write connection has an owner
	waiters []chan struct{} // Update calls waiting to own it, first come first
	// Only the owner uses these:
	w       *conn  // the write connection
	group   *group // the open write transaction and its members, if any
	wclosed bool   // Close has taken the write connection for good

	// written is what the open group's members wrote, for the cache.
	written writeSet

	cache  *cache       // see cache.go
	reruns atomic.Int64 // Views run again for a stale cached read, for tests

	stopCheckpoints func() error // of a file database, see checkpoint.go
	unlock          func() error // of a file database, see lock_unix.go
}

// group is a write transaction that the functions of several Update calls
// ran in, one after the other, each in a savepoint of its own after the
// first, to commit together.
type group struct {
	members int           // Update calls whose function succeeded in it
	done    chan struct{} // closed once it committed or failed
	err     error         // why it failed; set before done closes
}

// maxGroup bounds the Update calls that commit together, so that the
// first of a group does not wait on the others without end.
const maxGroup = 64

var _ store.Store = (*Store)(nil)

// Open opens the database at path, creating it if needed, and brings its
// schema up to date. path ":memory:" opens a new, empty database that lives
// in memory until Close and that all the Store's connections share.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWithCache(ctx, path, DefaultCacheBytes)
}

// OpenWithCache is Open with an object cache of at most cacheBytes (see
// cache.go); 0 keeps nothing in it.
func OpenWithCache(ctx context.Context, path string, cacheBytes int64) (*Store, error) {
	src, err := newSource(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	s := &Store{src: src, reader: make(chan *conn, readers), closed: make(chan struct{}), cache: newCache(cacheBytes)}
	if err := s.open(ctx, readers); err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open %s: %w", path, err), s.Close())
	}
	return s, nil
}

func (s *Store) open(ctx context.Context, readers int) error {
	if s.src.memory == "" {
		unlock, err := lockFile(s.src.path)
		if err != nil {
			return err
		}
		s.unlock = unlock
	}
	w, err := openConn(ctx, s.src.uri, s.src.write)
	if err != nil {
		return err
	}
	w.shared = true
	s.conns = append(s.conns, w)
	s.w = w
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
	if s.src.memory == "" {
		if s.stopCheckpoints, err = s.startCheckpoints(ctx); err != nil {
			return err
		}
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
		// Take every connection back, waiting for those in use; a group
		// still open commits first. Updates that queued before Close get
		// the write connection in turn, find it closed and pass it on.
		s.own(context.Background())
		if s.group != nil {
			// Committed here, not handed to an Update that queued after
			// Close: that one finds the store closed, and the write
			// connection is closed below.
			s.commitGroup()
		}
		s.wclosed = true
		s.release()
		for range len(s.conns) - 1 {
			<-s.reader
		}
		// Readers first, so that the writer, closing last, checkpoints
		// the WAL into the database file.
		var errs []error
		if s.stopCheckpoints != nil {
			errs = append(errs, s.stopCheckpoints())
		}
		for i := len(s.conns) - 1; i >= 0; i-- {
			errs = append(errs, s.conns[i].close())
		}
		s.src.release()
		if s.unlock != nil {
			errs = append(errs, s.unlock())
		}
		if err := errors.Join(errs...); err != nil {
			s.err = fmt.Errorf("sqlite: close: %w", err)
		}
	})
	return s.err
}

// View runs fn in a read-only transaction on a snapshot of the database.
// Objects and pages in the cache are read from it, and SQLite's snapshot
// is opened only for what is not; in the rare case where a commit came
// between the two, fn runs again, reading SQLite only (see view).
func (s *Store) View(ctx context.Context, fn func(store.Reader) error) error {
	select {
	case <-s.closed:
		return fmt.Errorf("sqlite: view: %w", ErrClosed)
	default:
	}
	v := &view{s: s, pinned: s.cache.generation()}
	v.cached = v.pinned%2 == 0
	err := v.run(fn)
	if v.stale {
		s.reruns.Add(1)
		v = &view{s: s}
		err = v.run(fn)
	}
	return err
}

// Update runs fn in a write transaction and commits if fn returns nil.
// Update calls wait for each other; fn must not call Update itself.
//
// Update calls that arrive while another one runs commit together: each
// runs its fn in turn on the one write connection, in a transaction left
// open for the next (its own savepoint in it, so that a fn that fails
// undoes only its own writes), and whichever finds no Update waiting when
// it is done commits for all of them. Each returns only once that commit
// is done, and if it fails, all of them fail. A fn sees the writes of the
// functions before it in the group, which commit with its own or not at
// all, and of none that failed.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	select {
	case <-s.closed:
		return fmt.Errorf("sqlite: update: %w", ErrClosed)
	default:
	}
	g, seen, err := s.join(ctx, fn)
	if err != nil {
		// fn may have failed because of what earlier members wrote (a
		// duplicate id, say): its error is not told before their
		// writes are durable, or the client could look and not find
		// what the error says is there.
		if seen != nil {
			<-seen.done
		}
		return err
	}
	<-g.done
	return g.err
}

// join waits to own the write connection, runs fn as a member of the open
// group (or of a new one) and returns the group, which it commits unless
// an Update waits to join it. seen is the group that was open when fn
// began, whose writes fn saw, whether or not fn joined it.
func (s *Store) join(ctx context.Context, fn func(store.Tx) error) (g, seen *group, err error) {
	if err := s.own(ctx); err != nil {
		return nil, nil, fmt.Errorf("sqlite: update: %w", err)
	}
	defer s.release() // also when fn panics
	seen = s.group
	g, err = s.runMember(ctx, fn)
	return g, seen, err
}

// own waits until the caller owns the write connection, or ctx is done.
func (s *Store) own(ctx context.Context) error {
	s.mu.Lock()
	if !s.busy {
		s.busy = true
		s.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	s.waiters = append(s.waiters, turn)
	s.mu.Unlock()
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	if i := slices.Index(s.waiters, turn); i >= 0 {
		// Gone from the queue before its turn: whoever owns the
		// connection now no longer counts on it to commit.
		s.waiters = slices.Delete(s.waiters, i, i+1)
		s.mu.Unlock()
		return ctx.Err()
	}
	s.mu.Unlock()
	// The turn came as ctx ended: pass it on as an owner does.
	s.release()
	return ctx.Err()
}

// release gives up ownership of the write connection: to the first Update
// waiting, which will join the open group, or to no one, after committing
// the group. A full group commits whether or not one waits.
func (s *Store) release() {
	yielded := false
	for {
		s.mu.Lock()
		if s.group != nil && len(s.waiters) == 0 && !yielded && s.group.members < maxGroup {
			// Before committing, let the goroutines that are ready to
			// run do so once: those about to call Update (the next
			// requests, read and parsed) join this group rather than
			// wait for its commit to start the next. When there are
			// none, this returns at once.
			s.mu.Unlock()
			runtime.Gosched()
			yielded = true
			continue
		}
		if s.group != nil && (len(s.waiters) == 0 || s.group.members >= maxGroup) {
			s.mu.Unlock()
			s.commitGroup()
			continue
		}
		if len(s.waiters) > 0 {
			close(s.waiters[0])
			s.waiters = s.waiters[1:]
		} else {
			s.busy = false
		}
		s.mu.Unlock()
		return
	}
}

// runMember runs fn in the open group's transaction, or in a new one, and
// returns the group fn's writes are now part of. It returns fn's error, or
// another, when they are not. If fn panics, its writes are undone before
// the panic goes on. Only the owner of the write connection calls it.
func (s *Store) runMember(ctx context.Context, fn func(store.Tx) error) (g *group, err error) {
	if s.wclosed {
		return nil, fmt.Errorf("sqlite: update: %w", ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: update: %w", err)
	}
	c := s.w
	g = s.group
	if g == nil {
		if err := c.begin(ctx, "BEGIN IMMEDIATE"); err != nil {
			c.end()
			return nil, fmt.Errorf("sqlite: update: %w", err)
		}
	} else if err := c.run("SAVEPOINT member"); err != nil {
		// Nothing of fn's is written: the group is as it was.
		return nil, fmt.Errorf("sqlite: update: %w", err)
	}
	done := false
	defer func() {
		if !done { // fn panicked
			s.undoMember(g)
		}
	}()
	w := &writer{reader: reader{c: c}, s: s}
	err = fn(w)
	done = true
	if err != nil {
		s.undoMember(g)
		return nil, err
	}
	// A statement that failed inside fn, whose error fn then ignored,
	// may have made SQLite roll back the whole transaction (SQLITE_FULL,
	// SQLITE_IOERR, SQLITE_NOMEM); the group's writes are gone.
	if c.db.GetAutocommit() {
		if g != nil {
			s.failGroup(errRolledBack)
		}
		return nil, errRolledBack
	}
	if g != nil {
		if err := c.run("RELEASE member"); err != nil {
			s.failGroup(fmt.Errorf("sqlite: update: release savepoint: %w", err))
			return nil, g.err
		}
	}
	if g == nil {
		g = &group{done: make(chan struct{})}
		s.group = g
	}
	g.members++
	s.written.merge(&w.written)
	return g, nil
}

// undoMember undoes the writes of an Update's fn that failed: g is the
// group it ran in, nil if it began the transaction itself, which then
// holds nothing else. A group that cannot be brought back to where it was
// before fn fails as a whole. Only the owner of the write connection calls it.
func (s *Store) undoMember(g *group) {
	c := s.w
	if g == nil {
		c.end()
		return
	}
	if c.db.GetAutocommit() {
		s.failGroup(errRolledBack)
		return
	}
	if err := errors.Join(c.run("ROLLBACK TO member"), c.run("RELEASE member")); err != nil {
		s.failGroup(fmt.Errorf("sqlite: update: roll back savepoint: %w", err))
	}
}

// commitGroup commits the open group and tells its members. Only the
// owner of the write connection calls it.
func (s *Store) commitGroup() {
	g := s.group
	changed := !s.written.empty()
	if changed {
		s.cache.beginCommit()
	}
	err := s.w.commit()
	if changed {
		// A COMMIT that reports an error may have landed all the same:
		// then what the group touched is dropped rather than applied.
		s.cache.endCommit(&s.written, err == nil)
	}
	if err != nil {
		s.failGroup(fmt.Errorf("sqlite: commit: %w", err))
		return
	}
	s.written = writeSet{}
	s.group = nil
	close(g.done)
}

// failGroup rolls back the open group and fails all its members with err.
// Only the owner of the write connection calls it.
func (s *Store) failGroup(err error) {
	g := s.group
	s.written = writeSet{}
	s.w.end()
	s.group = nil
	g.err = err
	close(g.done)
}

// PruneIdempotency deletes the idempotency records created before the
// given Unix time.
func (s *Store) PruneIdempotency(ctx context.Context, before int64) error {
	err := s.Update(ctx, func(tx store.Tx) error {
		_, err := tx.(*writer).c.exec(ctx, sqlPruneIdem, before)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: prune idempotency: %w", err)
	}
	return nil
}
