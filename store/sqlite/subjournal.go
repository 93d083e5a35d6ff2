package sqlite

import (
	"errors"
	"io"
	"slices"
	"sync"

	"github.com/ncruces/go-sqlite3/util/vfsutil"
	"github.com/ncruces/go-sqlite3/vfs"
)

// The members of a group after the first run in savepoints (see
// Store.Update), and SQLite copies each page a member changes first into
// a sub-journal, for ROLLBACK TO. It keeps up to 64 KiB of copies in
// memory and then moves them to a temporary file, two writes a page: a
// tenth of an authorization's CPU, whose members change more pages than
// that. The writer's VFS opens that file as a subJournal, in memory up to
// maxMemSubJournal, past which it moves to a temporary file after all: a
// member that changes many pages (a large prune of idempotency records
// that joins a group) would otherwise hold their copies in the heap.
//
// PRAGMA temp_store = memory keeps the whole sub-journal in SQLite's
// memory instead, without a bound, in 1 KiB chunks allocated and freed
// for every member: that made a token update a tenth more costly.
//
// SQLite closes a sub-journal at the end of each transaction unless the
// pager is in exclusive mode, which the writer's main database is not; in
// that mode one would live as long as the connection.
const maxMemSubJournal = 4 << 20

// subJournal is a sub-journal held in memory, or, once it outgrows that,
// the temporary file it moved to. SQLite uses it from one connection at
// a time.
type subJournal struct {
	data []byte
	file vfs.File                 // once moved
	open func() (vfs.File, error) // opens the temporary file
}

// subJournals keeps the memory of closed sub-journals for the next ones;
// maxKeptSubJournal bounds what one keeps.
var subJournals = sync.Pool{New: func() any { return new(subJournal) }}

const maxKeptSubJournal = 1 << 20

// openSubJournal returns a sub-journal that moves to a file of v opened
// with flags when it must.
func openSubJournal(v vfs.VFS, flags vfs.OpenFlag) *subJournal {
	j := subJournals.Get().(*subJournal)
	j.open = func() (vfs.File, error) {
		f, _, err := vfsutil.WrapOpenFilename(v, nil, flags)
		return f, err
	}
	return j
}

func (j *subJournal) Close() error {
	var err error
	if j.file != nil {
		err = j.file.Close()
	}
	j.file, j.open = nil, nil
	if cap(j.data) <= maxKeptSubJournal {
		j.data = j.data[:0]
		subJournals.Put(j)
	}
	return err
}

func (j *subJournal) ReadAt(p []byte, off int64) (int, error) {
	if j.file != nil {
		return j.file.ReadAt(p, off)
	}
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
	end := off + int64(len(p))
	if j.file == nil && end > maxMemSubJournal {
		if err := j.moveToFile(); err != nil {
			return 0, err
		}
	}
	if j.file != nil {
		return j.file.WriteAt(p, off)
	}
	j.grow(int(end))
	return copy(j.data[off:], p), nil
}

// grow extends the journal to size bytes, the new ones zero.
func (j *subJournal) grow(size int) {
	if n := len(j.data); size > n {
		j.data = slices.Grow(j.data, size-n)[:size]
		clear(j.data[n:size])
	}
}

// moveToFile writes what the journal holds to a temporary file, which
// holds it from then on.
func (j *subJournal) moveToFile() error {
	f, err := j.open()
	if err != nil {
		return err
	}
	if len(j.data) > 0 {
		if _, err := f.WriteAt(j.data, 0); err != nil {
			return errors.Join(err, f.Close())
		}
	}
	j.file, j.data = f, j.data[:0]
	if cap(j.data) > maxKeptSubJournal {
		j.data = nil
	}
	return nil
}

func (j *subJournal) Truncate(size int64) error {
	if j.file != nil {
		return j.file.Truncate(size)
	}
	if size > maxMemSubJournal {
		if err := j.moveToFile(); err != nil {
			return err
		}
		return j.file.Truncate(size)
	}
	if size < int64(len(j.data)) {
		j.data = j.data[:size]
	} else {
		j.grow(int(size))
	}
	return nil
}

func (j *subJournal) Size() (int64, error) {
	if j.file != nil {
		return j.file.Size()
	}
	return int64(len(j.data)), nil
}

func (j *subJournal) Sync(flags vfs.SyncFlag) error {
	if j.file != nil {
		return j.file.Sync(flags)
	}
	return nil
}

// SQLite locks and asks about the device only for a database and its
// journals, never a sub-journal.
func (j *subJournal) Lock(vfs.LockLevel) error                        { return nil }
func (j *subJournal) Unlock(vfs.LockLevel) error                      { return nil }
func (j *subJournal) CheckReservedLock() (bool, error)                { return false, nil }
func (j *subJournal) SectorSize() int                                 { return 0 }
func (j *subJournal) DeviceCharacteristics() vfs.DeviceCharacteristic { return 0 }
