package sqlite

import (
	"errors"

	"github.com/ncruces/go-sqlite3/util/vfsutil"
	"github.com/ncruces/go-sqlite3/vfs"
)

// The write connection opens its WAL through walBufferVFS, which gathers
// the WAL frames of a commit into one write.
//
// SQLite writes each frame of a commit to the WAL with two pwrite calls,
// the frame's header and its page: a group commit of 64 token updates made
// some 180 system calls, 13% of an update's CPU. walFile keeps
// consecutive writes in memory and writes them out at once when SQLite
// syncs the WAL, reads it, or writes elsewhere in it.
//
// With synchronous=NORMAL SQLite does not sync the WAL at commit, so the
// write connection runs with synchronous=FULL, which syncs it after the
// last frame and before the commit becomes visible to readers (the
// wal-index header), and walFile turns that sync into the write alone. A
// commit is thus in the operating system before anyone can see it and
// before COMMIT returns, as with NORMAL, and as with NORMAL it is not
// fsynced: an acknowledged commit survives kill -9, not power loss.
//
// The syncs NORMAL does make must still reach the disk: the one after a
// new WAL header, and the one before a checkpoint copies the WAL into the
// database (the writer checkpoints when the store closes), without which
// a power loss could leave the database ahead of its WAL. The writer sets
// checkpoint_fullfsync, which makes those two SYNC_FULL while a commit's
// sync stays SYNC_NORMAL, and walFile passes SYNC_FULL on.
//
// The frames of a commit must all be written at its sync. That holds
// because the file reports powersafe overwrite: without it, SQLite pads a
// commit to the sector and may write the padding after the sync, so
// wrapWAL leaves such a file alone.
const walBufferVFS = "localissuing-walbuffer"

func init() {
	vfs.Register(walBufferVFS, walBuffer{vfs.Find("")})
}

// walBuffer is the default VFS with WAL files opened as walFile, and
// sub-journals in memory (subjournal.go).
type walBuffer struct{ vfs.VFS }

func (v walBuffer) Open(name string, flags vfs.OpenFlag) (vfs.File, vfs.OpenFlag, error) {
	if flags&vfs.OPEN_SUBJOURNAL != 0 {
		return openSubJournal(v.VFS, flags), flags, nil
	}
	f, out, err := vfsutil.WrapOpen(v.VFS, name, flags)
	return wrapWAL(f, flags, out, err)
}

func (v walBuffer) OpenFilename(name *vfs.Filename, flags vfs.OpenFlag) (vfs.File, vfs.OpenFlag, error) {
	if flags&vfs.OPEN_SUBJOURNAL != 0 {
		return openSubJournal(v.VFS, flags), flags, nil
	}
	f, out, err := vfsutil.WrapOpenFilename(v.VFS, name, flags)
	return wrapWAL(f, flags, out, err)
}

func wrapWAL(f vfs.File, flags, out vfs.OpenFlag, err error) (vfs.File, vfs.OpenFlag, error) {
	if err != nil || flags&vfs.OPEN_WAL == 0 || f.DeviceCharacteristics()&vfs.IOCAP_POWERSAFE_OVERWRITE == 0 {
		return f, out, err
	}
	return &walFile{File: f}, out, nil
}

// maxBuffered bounds what walFile holds before writing it out, for the
// transactions that write many pages: about the size of the commit of a
// group of 64 token updates, so that the buffer, kept for the life of the
// connection, stays small.
const maxBuffered = 256 << 10

// walFile holds consecutive writes to a WAL until the next sync, or any
// other use of the file that must see them.
type walFile struct {
	vfs.File
	buf    []byte
	off    int64 // of buf[0] in the file
	header bool  // buf holds the WAL header, written at offset 0
}

func (f *walFile) Unwrap() vfs.File { return f.File }

func (f *walFile) WriteAt(p []byte, off int64) (int, error) {
	if len(f.buf) > 0 && off != f.off+int64(len(f.buf)) {
		if err := f.flush(); err != nil {
			return 0, err
		}
	}
	if len(f.buf) == 0 {
		f.off = off
	}
	if off == 0 {
		f.header = true
	}
	f.buf = append(f.buf, p...)
	if len(f.buf) >= maxBuffered {
		if err := f.flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// flush writes out what is held.
func (f *walFile) flush() error {
	if len(f.buf) == 0 {
		return nil
	}
	_, err := f.File.WriteAt(f.buf, f.off)
	f.buf = f.buf[:0]
	return err
}

// Sync writes out what is held, and syncs only for a new WAL header or a
// checkpoint: see walBufferVFS.
func (f *walFile) Sync(flags vfs.SyncFlag) error {
	header := f.header
	f.header = false
	if err := f.flush(); err != nil {
		return err
	}
	if header || flags&vfs.SYNC_FULL == vfs.SYNC_FULL {
		return f.File.Sync(flags)
	}
	return nil
}

func (f *walFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.flush(); err != nil {
		return 0, err
	}
	return f.File.ReadAt(p, off)
}

func (f *walFile) Truncate(size int64) error {
	if err := f.flush(); err != nil {
		return err
	}
	return f.File.Truncate(size)
}

func (f *walFile) Size() (int64, error) {
	if err := f.flush(); err != nil {
		return 0, err
	}
	return f.File.Size()
}

func (f *walFile) Close() error {
	return errors.Join(f.flush(), f.File.Close())
}
