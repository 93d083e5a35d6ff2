package sqlite

import (
	"bytes"
	"io"
	"testing"

	"github.com/ncruces/go-sqlite3/vfs"
)

// TestSubJournal follows a sub-journal through writes, truncations and
// reads, in memory and after it moves to a file past maxMemSubJournal.
func TestSubJournal(t *testing.T) {
	big := bytes.Repeat([]byte("m"), maxMemSubJournal+1)
	tests := []struct {
		name  string
		do    func(j *subJournal) error
		want  string // the journal's content, as far as it is not big
		moved bool   // to the file
	}{
		{"a write", func(j *subJournal) error { return write(j, "abc", 0) }, "abc", false},
		{"a gap reads as zeros", func(j *subJournal) error {
			return firstErr(write(j, "abcdef", 0), j.Truncate(1), write(j, "z", 4))
		}, "a\x00\x00\x00z", false},
		{"truncating extends with zeros", func(j *subJournal) error {
			return firstErr(write(j, "abc", 0), j.Truncate(1), j.Truncate(3))
		}, "a\x00\x00", false},
		{"past the bound, what was written moves along", func(j *subJournal) error {
			return firstErr(write(j, "abc", 0), write(j, string(big), 3))
		}, "abc" + string(big), true},
		{"after the move, the file takes everything", func(j *subJournal) error {
			return firstErr(write(j, string(big), 0), write(j, "x", 1), j.Truncate(3))
		}, "mxm", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := &memFile{}
			j := openSubJournal(nil, 0)
			j.open = func() (vfs.File, error) { return file, nil }
			if err := tc.do(j); err != nil {
				t.Fatal(err)
			}
			if moved := j.file != nil; moved != tc.moved {
				t.Errorf("moved to the file: %v, want %v", moved, tc.moved)
			}
			size, err := j.Size()
			if err != nil || size != int64(len(tc.want)) {
				t.Fatalf("Size() = %d, %v; want %d", size, err, len(tc.want))
			}
			got := make([]byte, size)
			if n, err := j.ReadAt(got, 0); n != len(got) || err != nil {
				t.Fatalf("ReadAt = %d, %v", n, err)
			}
			if !bytes.Equal(got, []byte(tc.want)) {
				t.Errorf("content %.40q, want %.40q", got, tc.want)
			}
			if n, err := j.ReadAt(make([]byte, 1), size); !tc.moved && (n != 0 || err != io.EOF) {
				t.Errorf("read past the end = %d, %v; want 0, EOF", n, err)
			}
			if err := j.Close(); err != nil {
				t.Fatal(err)
			}
			if tc.moved && file.calls[len(file.calls)-1] != "close" {
				t.Error("the file was not closed")
			}
		})
	}
}

// TestSubJournalReused checks that a sub-journal taken from the pool
// after another one closed starts empty, with none of its bytes.
func TestSubJournalReused(t *testing.T) {
	for range 10 {
		j := openSubJournal(nil, 0)
		if size, _ := j.Size(); size != 0 {
			t.Fatalf("a new sub-journal holds %d bytes", size)
		}
		if err := firstErr(write(j, "secret", 0), j.Close()); err != nil {
			t.Fatal(err)
		}
		j = openSubJournal(nil, 0)
		if err := write(j, "x", 3); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 4)
		if _, err := j.ReadAt(got, 0); err != nil || string(got) != "\x00\x00\x00x" {
			t.Fatalf("reused journal reads %q, %v", got, err)
		}
		j.Close()
	}
}

func write(j *subJournal, s string, off int64) error {
	_, err := j.WriteAt([]byte(s), off)
	return err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
