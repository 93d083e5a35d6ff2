package sqlite

import (
	"io"
	"sync"

	"github.com/ncruces/go-sqlite3/vfs"
)

// The members of a group after the first run in savepoints (see
// Store.Update), and SQLite copies each page a member changes first into
// a sub-journal, for ROLLBACK TO. It keeps up to 64 KiB of copies in
// memory and then moves them to a temporary file, two writes a page: a
// tenth of an authorization's CPU, whose members change more pages than
// that. The writer's VFS opens that file as a subJournal, in memory.
//
// PRAGMA temp_store = memory keeps the whole sub-journal in SQLite's
// memory instead, but in 1 KiB chunks, allocated and freed for every
// member: that made a token update a tenth more costly.

// subJournal is a temporary file held in memory. SQLite uses it from one
// connection at a time.
type subJournal struct {
	data []byte
}

// subJournals keeps the memory of closed sub-journals for the next ones;
// maxKeptSubJournal bounds what one keeps, so that a transaction that
// changes many pages does not hold their copies for good.
var subJournals = sync.Pool{New: func() any { return new(subJournal) }}

const maxKeptSubJournal = 1 << 20

func openSubJournal() *subJournal { return subJournals.Get().(*subJournal) }

func (j *subJournal) Close() error {
	if cap(j.data) <= maxKeptSubJournal {
		j.data = j.data[:0]
		subJournals.Put(j)
	}
	return nil
}

func (j *subJournal) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(j.data)) {
		return 0, io.EOF
	}
	n := copy(p, j.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (j *subJournal) WriteAt(p []byte, off int64) (int, error) {
	end := int(off) + len(p)
	if end > len(j.data) {
		if end > cap(j.data) {
			j.data = append(j.data[:cap(j.data)], make([]byte, end-cap(j.data))...)
		}
		clear(j.data[len(j.data):end]) // a gap reads as zeros
		j.data = j.data[:end]
	}
	return copy(j.data[off:], p), nil
}

func (j *subJournal) Truncate(size int64) error {
	if size < int64(len(j.data)) {
		j.data = j.data[:size]
	}
	return nil
}

func (j *subJournal) Size() (int64, error)                            { return int64(len(j.data)), nil }
func (j *subJournal) Sync(vfs.SyncFlag) error                         { return nil }
func (j *subJournal) Lock(vfs.LockLevel) error                        { return nil }
func (j *subJournal) Unlock(vfs.LockLevel) error                      { return nil }
func (j *subJournal) CheckReservedLock() (bool, error)                { return false, nil }
func (j *subJournal) SectorSize() int                                 { return 0 }
func (j *subJournal) DeviceCharacteristics() vfs.DeviceCharacteristic { return 0 }
