package sqlite

import (
	"crypto/rand"
	"net/url"
	"path/filepath"

	"github.com/ncruces/go-sqlite3/vfs/mvcc"
)

// memoryPath is the path that asks for an in-memory database.
const memoryPath = ":memory:"

// source is where a Store's connections connect to, and how.
type source struct {
	uri         string
	writeURI    string   // the writer's: uri, with the WAL buffered (see walbuffer.go)
	write, read []string // PRAGMAs for the writer and for readers
	memory      string   // name of the in-memory database, if any
	path        string   // of a file database, absolute
}

// newSource describes the database at path.
//
// A file database runs in WAL mode with synchronous=NORMAL. A commit is
// then written to the WAL before COMMIT returns, and only checkpoints
// fsync: an acknowledged commit survives the process being killed (kill -9)
// because the OS holds the written pages; an OS crash or power loss may lose
// the last commits, never the database's consistency. That is the right
// trade for a local test server, and it keeps a commit to a write(2).
//
// ":memory:" cannot simply be passed on: every SQLite connection would get
// its own empty database. It becomes a database of the "mvcc" VFS, shared
// by name among this Store's connections, where, as in WAL mode, readers
// work from snapshots and neither they nor the writer wait for each other.
func newSource(path string) (*source, error) {
	src := &source{}
	u := url.URL{Scheme: "file", OmitHost: true}
	if path == memoryPath {
		src.memory = "localissuing-" + rand.Text()
		mvcc.Create(src.memory, mvcc.Snapshot{})
		u.Path = "/" + src.memory
		u.RawQuery = url.Values{"vfs": {"mvcc"}}.Encode()
	} else {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		src.path = abs
		u.Path = filepath.ToSlash(abs)
		// journal_mode is a property of the file, set once by the writer
		// before any reader opens it.
		// The writer never checkpoints (see checkpoint.go).
		// FULL makes SQLite sync the WAL at commit, which walFile turns
		// into writing out the commit's frames (walbuffer.go): as durable
		// as NORMAL, in one write. checkpoint_fullfsync tells the syncs
		// walFile must pass on from those of commits.
		src.write = []string{"journal_mode = wal", "synchronous = full", "checkpoint_fullfsync = 1", "wal_autocheckpoint = 0"}
		// Readers set synchronous too: the last connection to close
		// checkpoints, and that may be a reader.
		src.read = []string{"synchronous = normal"}
	}
	// The schema's CHECK (json_valid(data)) keeps malformed JSON out of
	// the database for any program that writes it; this one checks each
	// document with validJSON before writing it (see tx.go), which
	// costs a sixth as much. json_valid inside SQLite had been 6% of the
	// CPU of a token update, all of it while holding the write connection.
	src.write = append(src.write, "ignore_check_constraints = 1")
	// Readers can never write, whatever the code above them does.
	src.read = append(src.read, "query_only = 1")
	src.uri = u.String()
	src.writeURI = src.uri
	if src.memory == "" {
		u.RawQuery = url.Values{"vfs": {walBufferVFS}}.Encode()
		src.writeURI = u.String()
	}
	return src, nil
}

// release frees what newSource set up; for memory, the database itself.
func (src *source) release() {
	if src.memory != "" {
		mvcc.Delete(src.memory)
	}
}
