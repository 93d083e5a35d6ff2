package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/localissuing/localissuing/store"
	"github.com/ncruces/go-sqlite3"
)

// paddedCard is card number i, of about 3 KB: each insert of one takes a
// page of its own.
func paddedCard(i int) *store.Object {
	obj := card(fmt.Sprintf("ic_%05d", i))
	obj.Data = fmt.Appendf(nil, `{"id":%q,"pad":%q}`, obj.ID, strings.Repeat("x", 3000))
	return obj
}

// TestBackgroundCheckpoint checks that, although commits never
// checkpoint, what they write reaches the database file while the store
// is open: the WAL does not grow without end.
func TestBackgroundCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "checkpoint.db")
	s := openTest(t, path)
	defer func() { _ = s.Close() }()
	size := func(p string) int64 {
		t.Helper()
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size(path)
	// Well past the 1,000 pages at which a commit would have checkpointed.
	for i := range 2000 {
		obj := paddedCard(i)
		if err := s.Update(t.Context(), func(tx store.Tx) error { return tx.Insert(t.Context(), obj) }); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for size(path) < before+2000*3000 {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes, WAL %d bytes: nothing was checkpointed", size(path), size(path+"-wal"))
		}
		time.Sleep(checkpointEvery / 5)
	}
}

// TestCheckpointRestartsWAL checks that commits that follow one another
// without a pause do not grow the WAL without end: past restartWALPages,
// the checkpoints make a commit write it from its start again, which the
// WAL's size after a commit shows by falling.
func TestCheckpointRestartsWAL(t *testing.T) {
	defer func(every time.Duration, pages int) { checkpointEvery, restartWALPages = every, pages }(checkpointEvery, restartWALPages)
	checkpointEvery, restartWALPages = 20*time.Millisecond, 16
	s := openTest(t, filepath.Join(t.TempDir(), "restart.db"))
	defer func() { _ = s.Close() }()
	var restarts, last atomic.Int64
	s.w.db.WALHook(func(_ *sqlite3.Conn, _ string, pages int) error {
		if int64(pages) < last.Load() {
			restarts.Add(1)
		}
		last.Store(int64(pages))
		return nil
	})
	start, commits := time.Now(), 0
	for ; commits < 300 || time.Since(start) < time.Second; commits++ {
		obj := paddedCard(commits)
		if err := s.Update(t.Context(), func(tx store.Tx) error { return tx.Insert(t.Context(), obj) }); err != nil {
			t.Fatal(err)
		}
	}
	// A round of checkpoints every 20 ms could restart it some 50 times.
	if n := restarts.Load(); n < 3 {
		t.Errorf("in %v of commits without a pause the WAL started over %d times, want 3 at least", time.Since(start).Round(time.Millisecond), n)
	}
}

// TestCheckpointRestartWaitsForOldReads checks that while a read holds an
// old snapshot, which keeps the checkpoints from copying the WAL to its
// end, the writer is not asked round after round to restart the WAL: each
// RESTART would make the writes wait restartWait for that read.
// (TestCheckpointRestartsWAL checks that it is without such a read.)
func TestCheckpointRestartWaitsForOldReads(t *testing.T) {
	defer func(every time.Duration, pages int) { checkpointEvery, restartWALPages = every, pages }(checkpointEvery, restartWALPages)
	defer func(n int) { restartLeftPages = n }(restartLeftPages)
	checkpointEvery, restartWALPages, restartLeftPages = 20*time.Millisecond, 16, 64
	s := openTest(t, filepath.Join(t.TempDir(), "reader.db"))
	defer func() { _ = s.Close() }()
	tried := func() int {
		s.checkpointing.Lock()
		defer s.checkpointing.Unlock()
		return s.restartsTried
	}
	commits := 0
	write := func(rounds int) {
		t.Helper()
		for end := time.Now().Add(time.Duration(rounds) * checkpointEvery); time.Now().Before(end); commits++ {
			obj := paddedCard(commits)
			if err := s.Update(t.Context(), func(tx store.Tx) error { return tx.Insert(t.Context(), obj) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(2)
	reading, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.View(context.Background(), func(r store.Reader) error {
			// A read of SQLite pins the snapshot: inserted objects are
			// not in the cache.
			_, err := r.Get(context.Background(), "acct_1", "issuing.card", "ic_00000")
			close(reading)
			<-release
			return err
		})
	}()
	<-reading
	// A round may have asked for one just before the read began, and a
	// few more while what was left to copy was small. Asked every round,
	// each RESTART waiting restartWait, there were 11 in 50 rounds.
	write(50)
	if n := tried(); n > 6 {
		t.Errorf("%d RESTART checkpoints ran while a read held an old snapshot", n)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
