package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/localissuing/localissuing/store"
)

// TestBackgroundCheckpoint checks that, although commits never
// checkpoint, what they write reaches the database file while the store
// is open: the WAL does not grow without end.
func TestBackgroundCheckpoint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "checkpoint.db")
	s := openTest(t, path)
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
	big := make([]byte, 3000)
	for i := range big {
		big[i] = 'x'
	}
	for i := range 2000 {
		obj := card(fmt.Sprintf("ic_%04d", i))
		obj.Data = []byte(fmt.Sprintf(`{"id":"ic_%04d","pad":"%s"}`, i, big))
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
