package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/store"
	"github.com/ncruces/go-sqlite3/util/vfsutil"
	"github.com/ncruces/go-sqlite3/vfs"
)

// memFile is a vfs.File in memory that records the calls walFile makes.
type memFile struct {
	vfs.File // nil: calls walFile must not pass on panic
	data     []byte
	calls    []string
	chars    vfs.DeviceCharacteristic
}

func (m *memFile) DeviceCharacteristics() vfs.DeviceCharacteristic { return m.chars }

func (m *memFile) WriteAt(p []byte, off int64) (int, error) {
	m.calls = append(m.calls, "write")
	if end := int(off) + len(p); end > len(m.data) {
		m.data = append(m.data, make([]byte, end-len(m.data))...)
	}
	return copy(m.data[off:], p), nil
}

func (m *memFile) ReadAt(p []byte, off int64) (int, error) {
	m.calls = append(m.calls, "read")
	return copy(p, m.data[off:]), nil
}

func (m *memFile) Sync(flags vfs.SyncFlag) error {
	m.calls = append(m.calls, "sync")
	if flags == vfs.SYNC_FULL {
		m.calls[len(m.calls)-1] = "sync full"
	}
	return nil
}

func (m *memFile) Size() (int64, error) {
	m.calls = append(m.calls, "size")
	return int64(len(m.data)), nil
}

func (m *memFile) Truncate(size int64) error {
	m.calls = append(m.calls, "truncate")
	m.data = m.data[:size]
	return nil
}

func (m *memFile) Close() error {
	m.calls = append(m.calls, "close")
	return nil
}

func TestWALFile(t *testing.T) {
	frame := func(b byte) []byte { return bytes.Repeat([]byte{b}, 24) }
	type step struct {
		op  string // write, sync, sync full, read, size, truncate, close
		off int64
		b   byte
	}
	tests := []struct {
		name  string
		steps []step
		calls []string // what reaches the file
		data  []byte   // what the file holds at the end
	}{
		{
			"a commit's frames are one write, at the sync, which is not passed on",
			[]step{{"write", 32, 'a'}, {"write", 56, 'b'}, {"write", 80, 'c'}, {"sync", 0, 0}},
			[]string{"write"},
			append(make([]byte, 32), slices.Concat(frame('a'), frame('b'), frame('c'))...),
		},
		{
			"a new WAL header is synced, as synchronous=normal does",
			[]step{{"write", 0, 'h'}, {"sync", 0, 0}, {"write", 24, 'a'}, {"sync", 0, 0}},
			[]string{"write", "sync", "write"},
			slices.Concat(frame('h'), frame('a')),
		},
		{
			"a checkpoint's sync, SYNC_FULL, is passed on",
			[]step{{"write", 24, 'a'}, {"sync", 0, 0}, {"sync full", 0, 0}},
			[]string{"write", "sync full"},
			slices.Concat(make([]byte, 24), frame('a')),
		},
		{
			"a write elsewhere writes out what is held first",
			[]step{{"write", 24, 'a'}, {"write", 96, 'b'}, {"sync", 0, 0}},
			[]string{"write", "write"},
			slices.Concat(make([]byte, 24), frame('a'), make([]byte, 48), frame('b')),
		},
		{
			"a read sees what was written",
			[]step{{"write", 0, 'h'}, {"read", 0, 'h'}},
			[]string{"write", "read"},
			frame('h'),
		},
		{
			"the size counts what was written",
			[]step{{"write", 0, 'h'}, {"size", 24, 0}},
			[]string{"write", "size"},
			frame('h'),
		},
		{
			"a truncation comes after the writes",
			[]step{{"write", 0, 'h'}, {"write", 24, 'a'}, {"truncate", 24, 0}},
			[]string{"write", "truncate"},
			frame('h'),
		},
		{
			"close writes out what is held",
			[]step{{"write", 0, 'h'}, {"close", 0, 0}},
			[]string{"write", "close"},
			frame('h'),
		},
		{
			"nothing held, nothing written",
			[]step{{"sync", 0, 0}, {"close", 0, 0}},
			[]string{"close"},
			nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &memFile{}
			f := &walFile{File: m}
			for _, s := range tc.steps {
				var err error
				switch s.op {
				case "write":
					_, err = f.WriteAt(frame(s.b), s.off)
				case "sync":
					err = f.Sync(vfs.SYNC_NORMAL)
				case "sync full":
					err = f.Sync(vfs.SYNC_FULL)
				case "read":
					got := make([]byte, 24)
					_, err = f.ReadAt(got, s.off)
					if !bytes.Equal(got, frame(s.b)) {
						t.Errorf("read %q, want %q", got, frame(s.b))
					}
				case "size":
					var n int64
					n, err = f.Size()
					if n != s.off {
						t.Errorf("size %d, want %d", n, s.off)
					}
				case "truncate":
					err = f.Truncate(s.off)
				case "close":
					err = f.Close()
				}
				if err != nil {
					t.Fatalf("%s: %v", s.op, err)
				}
			}
			if !slices.Equal(m.calls, tc.calls) {
				t.Errorf("calls %q, want %q", m.calls, tc.calls)
			}
			if !bytes.Equal(m.data, tc.data) {
				t.Errorf("file holds %q, want %q", m.data, tc.data)
			}
		})
	}
}

func TestWrapWAL(t *testing.T) {
	psow := &memFile{chars: vfs.IOCAP_POWERSAFE_OVERWRITE}
	tests := []struct {
		name    string
		file    *memFile
		flags   vfs.OpenFlag
		wrapped bool
	}{
		{"a WAL", psow, vfs.OPEN_WAL | vfs.OPEN_READWRITE, true},
		{"the database", psow, vfs.OPEN_MAIN_DB | vfs.OPEN_READWRITE, false},
		// SQLite would write a commit's padding after its sync.
		{"a WAL without powersafe overwrite", &memFile{}, vfs.OPEN_WAL | vfs.OPEN_READWRITE, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _, err := wrapWAL(tc.file, tc.flags, tc.flags, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := f.(*walFile); ok != tc.wrapped {
				t.Errorf("wrapped %v, want %v", ok, tc.wrapped)
			}
		})
	}
}

// spyVFS is the default VFS, counting what reaches the WAL files it opens.
// It also counts the sub-journal files opened.
type spyVFS struct {
	vfs.VFS
	mu                     sync.Mutex
	writes, headers, syncs int
	subjournals            int
}

func (v *spyVFS) OpenFilename(name *vfs.Filename, flags vfs.OpenFlag) (vfs.File, vfs.OpenFlag, error) {
	if flags&vfs.OPEN_SUBJOURNAL != 0 {
		v.mu.Lock()
		v.subjournals++
		v.mu.Unlock()
	}
	f, out, err := vfsutil.WrapOpenFilename(v.VFS, name, flags)
	if err != nil || flags&vfs.OPEN_WAL == 0 {
		return f, out, err
	}
	return &spyFile{File: f, v: v}, out, nil
}

func (v *spyVFS) Open(name string, flags vfs.OpenFlag) (vfs.File, vfs.OpenFlag, error) {
	return v.OpenFilename(nil, flags)
}

func (v *spyVFS) counts() (writes, headers, syncs int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.writes, v.headers, v.syncs
}

type spyFile struct {
	vfs.File
	v *spyVFS
}

func (f *spyFile) WriteAt(p []byte, off int64) (int, error) {
	f.v.mu.Lock()
	f.v.writes++
	if off == 0 {
		f.v.headers++
	}
	f.v.mu.Unlock()
	return f.File.WriteAt(p, off)
}

func (f *spyFile) Sync(flags vfs.SyncFlag) error {
	f.v.mu.Lock()
	f.v.syncs++
	f.v.mu.Unlock()
	return f.File.Sync(flags)
}

// openSpied opens a file database whose writer's files spy watches.
func openSpied(t *testing.T) (*Store, *spyVFS) {
	t.Helper()
	spy := &spyVFS{VFS: vfs.Find("")}
	name := "localissuing-walbuffer-spy-" + t.Name()
	vfs.Register(name, walBuffer{spy})
	t.Cleanup(func() { vfs.Unregister(name) })
	src, err := newSource(filepath.Join(t.TempDir(), "spy.db"))
	if err != nil {
		t.Fatal(err)
	}
	src.writeURI = strings.Replace(src.writeURI, walBufferVFS, name, 1)
	s, err := openSource(context.Background(), src, DefaultCacheBytes)
	if err != nil {
		t.Fatal(err)
	}
	return s, spy
}

// TestWriterWAL follows what the write connection's WAL file receives: a
// commit is one write, and fsynced only with a new WAL header; the
// checkpoint of Close fsyncs it before copying it into the database.
func TestWriterWAL(t *testing.T) {
	ctx := context.Background()
	s, spy := openSpied(t)
	// A document of several pages, so that an unbuffered commit would
	// write each page and its frame header apart.
	big := `{"pad":"` + strings.Repeat("x", 3*4096) + `"}`
	for i := range 10 {
		w0, h0, s0 := spy.counts()
		err := s.Update(ctx, func(tx store.Tx) error {
			return tx.Insert(ctx, &store.Object{Account: "acct_spy", Kind: "thing", ID: fmt.Sprintf("thing_%d", i), Data: []byte(big)})
		})
		if err != nil {
			t.Fatal(err)
		}
		w, h, syncs := spy.counts()
		// A new WAL header is written, and synced, on its own first.
		if w-w0 != 1+(h-h0) || syncs-s0 != h-h0 {
			t.Errorf("commit %d: %d writes and %d syncs reached the WAL, %d of them for a new header; want one write, and a write and a sync for each header",
				i, w-w0, syncs-s0, h-h0)
		}
	}
	_, _, before := spy.counts()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, after := spy.counts(); after == before {
		t.Error("Close checkpointed the WAL into the database without syncing it first")
	}
}

// TestCommitIsInTheWAL checks that what a commit wrote is in the WAL file,
// for another process to read and to survive the writer's death, by the
// time Update returns.
func TestCommitIsInTheWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wal.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i, marker := range []string{"first-commit-marker", "second-commit-marker"} {
		err := s.Update(ctx, func(tx store.Tx) error {
			return tx.Insert(ctx, &store.Object{Account: "acct_wal", Kind: "thing", ID: marker,
				Data: []byte(`{"id":"` + marker + `","n":` + string(rune('0'+i)) + `}`)})
		})
		if err != nil {
			t.Fatal(err)
		}
		wal, err := os.ReadFile(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(wal, []byte(marker)) {
			t.Errorf("commit %d returned, but %s is not in the WAL file", i+1, marker)
		}
	}
}
