package sqlite

import (
	"context"
	"time"

	"github.com/ncruces/go-sqlite3"
)

// Checkpoints copy the WAL back into the database file. SQLite runs one,
// by default, inside the COMMIT that takes the WAL past 1,000 pages: that
// commit, and every Update of its group, then waits for the copy and its
// fsyncs, some milliseconds that the slowest requests were made of. The
// write connection therefore never checkpoints, and a connection of its
// own does, in the background: PASSIVE checkpoints wait for no one and
// block no one, readers and the writer go on meanwhile.

// checkpointEvery is how often the background checkpoint runs.
var checkpointEvery = 250 * time.Millisecond

// A commit writes the WAL from its start again only if, when its
// transaction began, the checkpoints had copied all of it. While commits
// follow one another without a pause, PASSIVE checkpoints never catch up,
// and the WAL grew without end: 1.5 GB in 12 s of token updates, one
// connection. Past restartWALPages pages, the background checkpoint asks
// the writer, between two groups, to run a RESTART checkpoint: it copies
// what came since the PASSIVE one (a checkpoint on another connection
// would wait for the write lock, which the writer hardly ever lets go)
// and waits for the readers to leave the WAL, so that the next commit
// starts it over. The writes wait meanwhile, for the copy and its fsync:
// tens of ms, up to 200 under load here. Past 64 MB, ship's p99 was 9
// times the ceiling's; 512 MB take 3 s or more of the busiest writes
// measured, and a pause of a checkpoint's length in the writes lets the
// WAL start over without it.
var restartWALPages = 131072 // 512 MB of 4 KiB pages

// restartWait bounds how long the RESTART checkpoint waits for the
// background one and for readers: it gives up until the next round rather
// than hold the writes off behind a long read.
const restartWait = 100 * time.Millisecond

// startCheckpoints starts the background checkpoints of a file database;
// the returned function stops them and closes their connection.
func (s *Store) startCheckpoints(ctx context.Context) (stop func() error, err error) {
	c, err := openConn(ctx, s.src.uri, []string{"synchronous = normal"})
	if err != nil {
		return nil, err
	}
	// As at open, for tests that change them.
	every, restartPages, leftPages := checkpointEvery, restartWALPages, restartLeftPages
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				s.checkpointing.Lock()
				pages, left := checkpoint(c)
				// Before the writes wait for the rest, copy what came
				// meanwhile, while they go on.
				for i := 0; pages > restartPages && left > leftPages && i < 4; i++ {
					pages, left = checkpoint(c)
				}
				if pages > restartPages && left <= leftPages && left <= pages/4 {
					if s.restartSkip > 0 {
						s.restartSkip--
					} else {
						s.walFull.Store(true)
					}
				}
				s.checkpointing.Unlock()
			}
		}
	}()
	return func() error {
		close(quit)
		<-done
		return c.close()
	}, nil
}

// restartLeftPages is how much of the WAL may be left to copy when the
// writer is asked to restart it, for the writes to wait for: 16 MB, some
// 50 ms of copying and syncing. Nor may a quarter of it be left: a read
// that holds an old snapshot keeps the copy from going past it, and the
// RESTART would wait for that read.
var restartLeftPages = 4096

// checkpoint runs a PASSIVE checkpoint on c and returns the WAL's size in
// pages and how many of them are left to copy; 0 and 0 if it failed. An
// error (a busy lock, say) leaves the WAL to the next round, or to the
// checkpoint of the last close.
func checkpoint(c *conn) (pages, left int) {
	_ = c.query(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)", nil, func(st *sqlite3.Stmt) error {
		pages, left = st.ColumnInt(1), st.ColumnInt(1)-st.ColumnInt(2)
		return errStop
	})
	return pages, left
}

// restartWAL runs the RESTART checkpoint the background one asked for.
// Only the leader calls it, between groups, and not while the background
// one runs: it would wait for it. A failure leaves the WAL to the next
// request.
func (s *Store) restartWAL() {
	if !s.checkpointing.TryLock() {
		return // the next commit asks again
	}
	defer s.checkpointing.Unlock()
	s.walFull.Store(false)
	if s.w.db.BusyTimeout(restartWait) != nil {
		return
	}
	s.restartsTried++
	busy := 1
	_ = s.w.query(context.Background(), "PRAGMA wal_checkpoint(RESTART)", nil, func(st *sqlite3.Stmt) error {
		busy = st.ColumnInt(0)
		return errStop
	})
	_ = s.w.db.BusyTimeout(busyTimeout)
	// Readers kept it from finishing, having made the writes wait
	// restartWait: the next rounds do not ask, twice as many each time
	// up to 16 (4 s).
	if busy != 0 {
		s.restartBackoff = min(max(1, 2*s.restartBackoff), 16)
		s.restartSkip = s.restartBackoff
	} else {
		s.restartBackoff = 0
	}
}
