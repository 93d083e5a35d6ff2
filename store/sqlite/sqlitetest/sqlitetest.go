// Package sqlitetest gives tests a SQLite store of their own, opened for
// the test and closed when it ends, so that each test starts from an empty
// database and leaves nothing behind for the next.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/localissuing/localissuing/store/sqlite"
)

// Memory opens a new, empty in-memory store: each call gets a database of
// its own. It is closed when tb ends.
func Memory(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return open(tb, ":memory:")
}

// File opens a new, empty store in a file in a temporary directory of tb,
// as the server runs on one: with the WAL, checkpoints and file lock that
// memory does without. It is closed when tb ends, before the directory is
// removed.
func File(tb testing.TB) *sqlite.Store {
	tb.Helper()
	return open(tb, filepath.Join(tb.TempDir(), "localissuing.db"))
}

func open(tb testing.TB, path string) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("sqlitetest: open store: %v", err)
	}
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Errorf("sqlitetest: close store: %v", err)
		}
	})
	return st
}
