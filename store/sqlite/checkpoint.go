package sqlite

import (
	"context"
	"time"
)

// Checkpoints copy the WAL back into the database file. SQLite runs one,
// by default, inside the COMMIT that takes the WAL past 1,000 pages: that
// commit, and every Update of its group, then waits for the copy and its
// fsyncs, some milliseconds that the slowest requests were made of. The
// write connection therefore never checkpoints, and a connection of its
// own does, in the background: PASSIVE checkpoints wait for no one and
// block no one, readers and the writer go on meanwhile.

// checkpointEvery is how often the background checkpoint runs. The WAL
// grows by what is committed meanwhile, a few MB at the most under load.
const checkpointEvery = 250 * time.Millisecond

// startCheckpoints starts the background checkpoints of a file database;
// the returned function stops them and closes their connection.
func (s *Store) startCheckpoints(ctx context.Context) (stop func() error, err error) {
	c, err := openConn(ctx, s.src.uri, []string{"synchronous = normal"})
	if err != nil {
		return nil, err
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				// An error (a busy lock, say) leaves the WAL to the next
				// round or to the checkpoint of the last close.
				_ = c.run("PRAGMA wal_checkpoint(PASSIVE)")
			}
		}
	}()
	return func() error {
		close(quit)
		<-done
		return c.close()
	}, nil
}
