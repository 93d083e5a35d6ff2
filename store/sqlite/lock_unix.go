//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile keeps other localissuing processes from opening the database
// while this one has it: the cache (cache.go) holds what this process
// committed and would never learn of another's writes. The lock is on a
// file of its own beside the database, path + ".lock": where SQLite
// itself locks with flock (the BSDs), a lock on the database file would
// block it. The file stays after Close; removing it could let two
// processes each lock a file of that name.
func lockFile(path string) (unlock func() error, err error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock database: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.New("the database is in use by another localissuing process; a SQLite database serves one process (share a sandbox between processes with PostgreSQL)")
		}
		return nil, fmt.Errorf("lock database: %w", err)
	}
	return f.Close, nil
}
