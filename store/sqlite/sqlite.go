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

	// The write connection is used by one goroutine at a time, the one
	// that leads (see lead): it runs the functions of queued Update calls
	// and commits. mu guards the queue, leading and wclosed.
	mu      sync.Mutex
	queue   []*call // functions waiting to run, first come first
	leading bool    // a goroutine leads
	wclosed bool    // Close stopped the writing: no call queues any more
	// Only the leader uses these:
	w     *conn  // the write connection
	group *group // the open write transaction and its members, if any

	// written is what the open group's members wrote, for the cache.
	written writeSet
	// pending are the rows InsertNew left to write (see pending.go), and
	// nextSeq the seq of the next inserted object.
	pending     pendingRows
	pendingArgs []any // kept from flush to flush
	nextSeq     int64

	cache  *cache       // see cache.go
	reruns atomic.Int64 // Views run again for a stale cached read, for tests

	stopCheckpoints func() error // of a file database, see checkpoint.go
	walFull         atomic.Bool  // the background checkpoint asks for restartWAL
	checkpointing   sync.Mutex   // held by the checkpoint that runs, and guards:
	restartSkip     int          // rounds that do not ask for restartWAL
	restartBackoff  int          // restartSkip after the last busy RESTART
	restartsTried   int          // RESTART checkpoints run, for tests
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

// maxGroup bounds the Update calls that one leader runs, and so those
// that commit together, so that the first of them does not wait on the
// others without end.
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
	st, err := openSource(ctx, src, cacheBytes)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return st, nil
}

// openSource is OpenWithCache on a source already described, which tests
// may change.
func openSource(ctx context.Context, src *source, cacheBytes int64) (*Store, error) {
	// A read connection per core: reads are CPU work once the file is in
	// the operating system's cache, and each connection holds a page cache
	// and a WebAssembly memory of its own, 2 to 3 MB once used. On two
	// cores the four there were cost 1.7 MB of a loaded server's resident
	// memory and gave no throughput. Two at least, so that a read does
	// not wait for another one's page reads.
	readers := max(2, runtime.GOMAXPROCS(0))
	s := &Store{src: src, reader: make(chan *conn, readers), closed: make(chan struct{}), cache: newCache(cacheBytes)}
	if err := s.open(ctx, readers); err != nil {
		return nil, errors.Join(err, s.Close())
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
	w, err := openConn(ctx, s.src.writeURI, s.src.write)
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
	if err := s.loadNextSeq(ctx); err != nil {
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
		// Take every connection back, waiting for those in use. The
		// functions queued before this run and commit; those queued
		// after it are refused.
		if s.w != nil {
			s.submit(&call{ran: make(chan struct{})}) // no fn: stop
		}
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
// Update calls wait for each other; fn must not call Update itself, nor
// end its goroutine (runtime.Goexit, t.FailNow): see TestGoexitInMember.
//
// Update calls that arrive while another one runs commit together: each
// fn runs in turn on the one write connection, in a transaction left open
// for the next (its own savepoint in it, so that a fn that fails undoes
// only its own writes), and the group commits once no fn waits. Each
// Update returns only once that commit is done, and if it fails, all of
// them fail. A fn sees the writes of the functions before it in the group,
// which commit with its own or not at all, and of none that failed.
//
// fn runs on the goroutine that leads (see lead), which is not always the
// caller's; a panic in fn goes on in the caller, after fn's writes are
// undone.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	select {
	case <-s.closed:
		return fmt.Errorf("sqlite: update: %w", ErrClosed)
	default:
	}
	return s.update(ctx, fn)
}

// update is Update once past its check of Close.
func (s *Store) update(ctx context.Context, fn func(store.Tx) error) error {
	c := &call{ctx: ctx, fn: fn, ran: make(chan struct{})}
	if err := s.submit(c); err != nil {
		return err
	}
	switch {
	case c.panicked != nil:
		panic(c.panicked)
	case c.exited:
		runtime.Goexit()
	case c.err != nil:
		// fn may have failed because of what earlier members wrote (a
		// duplicate id, say): its error is not told before their
		// writes are durable, or the client could look and not find
		// what the error says is there.
		if c.seen != nil {
			<-c.seen.done
		}
		return c.err
	}
	<-c.g.done
	return c.g.err
}

// call is one Update's function, run by whichever goroutine leads.
type call struct {
	ctx   context.Context
	fn    func(store.Tx) error // nil stops the writing (Close)
	state atomic.Int32         // callQueued, then callTaken or callAbandoned
	ran   chan struct{}        // closed once the call ran, or its caller is to lead
	lead  bool                 // the caller is to lead, its call first
	// Set before ran closes:
	g        *group // the group fn's writes are part of, if it succeeded
	seen     *group // the group that was open when fn began
	err      error
	panicked any  // what fn panicked with
	exited   bool // fn called runtime.Goexit
}

const (
	callQueued = iota
	callTaken
	callAbandoned // the caller's context ended before its call ran
)

// submit runs c and returns once it ran, or once c's caller gave up
// waiting for its turn. When no goroutine leads, the caller leads, and
// runs c on its own goroutine; otherwise c queues for the leader.
func (s *Store) submit(c *call) error {
	s.mu.Lock()
	if s.wclosed {
		s.mu.Unlock()
		return fmt.Errorf("sqlite: update: %w", ErrClosed)
	}
	if !s.leading {
		s.leading = true
		s.mu.Unlock()
		c.state.Store(callTaken)
		s.lead(c)
		return nil
	}
	s.queue = append(s.queue, c)
	s.mu.Unlock()
	var done <-chan struct{}
	if c.ctx != nil {
		done = c.ctx.Done()
	}
	select {
	case <-c.ran:
	case <-done:
		if c.state.CompareAndSwap(callQueued, callAbandoned) {
			return fmt.Errorf("sqlite: update: %w", c.ctx.Err())
		}
		<-c.ran // c has begun: its outcome is the answer
	}
	if c.lead {
		s.lead(c)
	}
	return nil
}

// lead runs c, already taken, then the calls that queue meanwhile, each
// in the open group, and commits the group when no call waits (or once it
// has run maxGroup calls); then it passes the lead to the first caller
// still waiting, or leaves it to no one. One goroutine running the calls
// of many keeps the write connection busy while they wait, with no
// hand-over per call, each of which would wait for the scheduler to run
// the next owner; a single caller runs its own call at once.
func (s *Store) lead(c *call) {
	if c.fn == nil {
		s.stop(c)
		return
	}
	finished := false
	defer func() {
		if !finished {
			// A function called runtime.Goexit on this goroutine: the
			// group still commits, and someone else leads.
			if s.group != nil {
				s.commitGroup()
			}
			s.handOver()
		}
	}()
	s.run(c)
	ran, yielded := 1, false
	for {
		// Members that fail do not join the group but take as long: the
		// bound counts every call run, or a stream of failing calls
		// would hold up the group's members, and this caller, for good.
		if ran >= maxGroup {
			if s.group != nil {
				s.commitGroup()
			}
			break
		}
		s.mu.Lock()
		if len(s.queue) == 0 {
			s.mu.Unlock()
			if s.group == nil {
				break
			}
			if !yielded {
				// Before committing, let the goroutines that are ready to
				// run do so once: those about to call Update (the next
				// requests, read and parsed) join this group rather than
				// wait for its commit to start the next. When there are
				// none, this returns at once.
				runtime.Gosched()
				yielded = true
				continue
			}
			s.commitGroup()
			break
		}
		next := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		s.mu.Unlock()
		if next.fn == nil {
			finished = true
			s.stop(next)
			return
		}
		if next.state.CompareAndSwap(callQueued, callTaken) {
			yielded = false
			s.run(next)
			ran++
		}
	}
	finished = true
	s.handOver()
}

// handOver passes the lead to the first caller still waiting, or to no
// one. The group is committed by then: a new leader starts with none.
func (s *Store) handOver() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.queue) > 0 {
		next := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		if next.fn == nil || next.state.CompareAndSwap(callQueued, callTaken) {
			next.lead = true
			close(next.ran)
			return
		}
	}
	s.leading = false
}

// stop commits the open group, refuses every call queued behind Close's
// and tells Close.
func (s *Store) stop(closing *call) {
	if s.group != nil {
		s.commitGroup()
	}
	s.mu.Lock()
	s.wclosed = true
	late := s.queue
	s.queue = nil
	s.mu.Unlock()
	for _, c := range late {
		if c.state.CompareAndSwap(callQueued, callTaken) {
			c.err = fmt.Errorf("sqlite: update: %w", ErrClosed)
		}
		close(c.ran)
	}
	if closing.lead {
		return // its caller leads, and is Close
	}
	close(closing.ran)
}

// run runs c's fn as a member of the open group. A panic in fn is caught
// here, to go on in c's caller, who may not be the leader.
func (s *Store) run(c *call) {
	returned := false
	defer func() {
		if r := recover(); r != nil {
			c.panicked = r
		} else if !returned {
			c.exited = true
		}
		if !c.lead { // a caller handed the lead was woken already
			close(c.ran)
		}
	}()
	c.seen = s.group
	c.g, c.err = s.runMember(c.ctx, c.fn)
	returned = true
}

// runMember runs fn in the open group's transaction, or in a new one, and
// returns the group fn's writes are now part of. It returns fn's error, or
// another, when they are not. If fn panics, its writes are undone before
// the panic goes on. Only the leader calls it.
func (s *Store) runMember(ctx context.Context, fn func(store.Tx) error) (g *group, err error) {
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
	s.pending.beginMember()
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
		} else {
			s.written.reset()
			s.pending.reset()
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
	s.written.keepMember()
	return g, nil
}

// undoMember undoes the writes of an Update's fn that failed: g is the
// group it ran in, nil if it began the transaction itself, which then
// holds nothing else. A group that cannot be brought back to where it was
// before fn fails as a whole. Only the leader calls it.
func (s *Store) undoMember(g *group) {
	s.written.undoMember()
	s.pending.undoMember()
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
	if err := s.flushPending(context.Background()); err != nil {
		s.failGroup(err)
		return
	}
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
	s.written.reset()
	s.pending.reset()
	s.group = nil
	close(g.done)
	if s.walFull.Load() {
		s.restartWAL()
	}
}

// failGroup rolls back the open group and fails all its members with err.
// Only the leader calls it.
func (s *Store) failGroup(err error) {
	g := s.group
	s.written.reset()
	s.pending.reset()
	s.w.end()
	s.group = nil
	g.err = err
	close(g.done)
}

// pruneBatch is how many idempotency records one transaction of
// PruneIdempotency deletes. An hour of a busy suite's keys can be hundreds
// of thousands: deleted in one statement, they held the write connection,
// and every write waiting for it, for seconds (300,000 for 2.4 s).
var pruneBatch = 1000

// PruneIdempotency deletes the idempotency records created before the
// given Unix time, a batch per Update, so that other writes go on between
// batches.
func (s *Store) PruneIdempotency(ctx context.Context, before int64) error {
	for {
		var n int64
		err := s.Update(ctx, func(tx store.Tx) error {
			var err error
			n, err = tx.(*writer).c.exec(ctx, sqlPruneIdem, before, pruneBatch)
			return err
		})
		if err != nil {
			return fmt.Errorf("sqlite: prune idempotency: %w", err)
		}
		if n < int64(pruneBatch) {
			return nil
		}
	}
}
