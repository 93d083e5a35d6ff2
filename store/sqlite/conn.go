package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unsafe"

	"github.com/ncruces/go-sqlite3"
)

// busyTimeout is how long a statement waits for a lock another process
// holds. Writers of this process queue in Go and never get here; a
// reader can, for a moment, while another connection recovers the WAL.
const busyTimeout = 10 * time.Second

// maxStmts bounds a connection's statement cache. The statements are the
// fixed ones plus one per shape of list query (which filters are set, not
// their values), so the bound is only a guard against unusual callers.
const maxStmts = 128

// errStop ends a row loop early without an error.
var errStop = errors.New("stop")

// conn is one SQLite connection and the statements prepared on it. It is
// used by one goroutine at a time: the pools hand it out.
type conn struct {
	db    *sqlite3.Conn
	stmts map[string]*sqlite3.Stmt // by SQL text
	// shared is set on the write connection, whose transaction the
	// Update calls of a group share (see Store.Update). Its statements are
	// never interrupted by a caller's context: SQLite rolls back the whole
	// transaction when a write statement is interrupted, and with it the
	// other members' work. A done context stops a caller only between
	// statements.
	shared bool
}

// openConn opens a connection to uri and runs the given PRAGMAs on it.
func openConn(ctx context.Context, uri string, pragmas []string) (*conn, error) {
	db, err := sqlite3.OpenContext(ctx, uri)
	if err != nil {
		return nil, err
	}
	c := &conn{db: db, stmts: map[string]*sqlite3.Stmt{}}
	err = db.BusyTimeout(busyTimeout)
	for _, p := range pragmas {
		if err != nil {
			break
		}
		err = db.Exec("PRAGMA " + p)
	}
	if err != nil {
		return nil, errors.Join(err, c.close())
	}
	return c, nil
}

// stmt returns the statement for query, prepared once per connection.
func (c *conn) stmt(query string) (*sqlite3.Stmt, error) {
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	if len(c.stmts) >= maxStmts {
		if err := c.closeStmts(); err != nil {
			return nil, err
		}
	}
	s, _, err := c.db.PrepareFlags(query, sqlite3.PREPARE_PERSISTENT)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = s
	return s, nil
}

// query runs query with args under ctx and calls row for each result row,
// until row returns an error; errStop ends the loop with no error. The
// statement is reset afterwards, so that it holds no lock.
func (c *conn) query(ctx context.Context, query string, args []any, row func(*sqlite3.Stmt) error) (err error) {
	if err := c.interruptOn(ctx); err != nil {
		return err
	}
	s, err := c.stmt(query)
	if err != nil {
		return interrupted(ctx, err)
	}
	defer func() {
		if rerr := s.Reset(); err == nil && rerr != nil {
			err = interrupted(ctx, rerr)
		}
	}()
	if err := bind(s, args); err != nil {
		return err
	}
	for s.Step() {
		if err := row(s); errors.Is(err, errStop) {
			return nil
		} else if err != nil {
			return err
		}
	}
	return interrupted(ctx, s.Err())
}

// exec runs a statement that returns no rows and returns how many rows it
// changed.
func (c *conn) exec(ctx context.Context, query string, args ...any) (int64, error) {
	if err := c.interruptOn(ctx); err != nil {
		return 0, err
	}
	s, err := c.stmt(query)
	if err != nil {
		return 0, interrupted(ctx, err)
	}
	if err := bind(s, args); err != nil {
		return 0, err
	}
	if err := s.Exec(); err != nil {
		return 0, interrupted(ctx, err)
	}
	return c.db.Changes(), nil
}

// interruptOn makes ctx interrupt the connection's next statement, or on
// the shared write connection, fails at once if ctx is done.
func (c *conn) interruptOn(ctx context.Context) error {
	if c.shared {
		return ctx.Err()
	}
	c.db.SetInterrupt(ctx)
	return nil
}

// bind binds args to s's parameters in order.
func bind(s *sqlite3.Stmt, args []any) error {
	for i, a := range args {
		var err error
		switch v := a.(type) {
		case string:
			err = s.BindText(i+1, v)
		case int64:
			err = s.BindInt64(i+1, v)
		case int:
			err = s.BindInt64(i+1, int64(v))
		case text:
			if v == nil {
				err = s.BindNull(i + 1)
				break
			}
			// BindText copies the string into SQLite's memory before it
			// returns, and nothing changes v meanwhile: a string that
			// shares v's bytes saves copying each document once more
			// (BindRawText converts, which copies).
			err = s.BindText(i+1, unsafe.String(unsafe.SliceData(v), len(v)))
		case []byte:
			if v == nil {
				v = []byte{} // a blob, not NULL
			}
			err = s.BindBlob(i+1, v)
		default:
			err = fmt.Errorf("cannot bind %T", a)
		}
		if err != nil {
			return fmt.Errorf("bind parameter %d: %w", i+1, err)
		}
	}
	return nil
}

// text is bytes bound as TEXT rather than BLOB: the JSON functions read
// a BLOB as SQLite's binary JSON.
type text []byte

// interrupted reports a statement stopped by its context as the context's
// error, which callers can test for.
func interrupted(ctx context.Context, err error) error {
	if err != nil && errors.Is(err, sqlite3.INTERRUPT) && ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

// begin starts a transaction: "BEGIN" for a reader, "BEGIN IMMEDIATE" for
// the writer, which takes the write lock at once so that its reads see
// the latest commit and stay true until it ends. Nothing else is in the
// transaction yet, so ctx may interrupt it on any connection.
func (c *conn) begin(ctx context.Context, stmt string) error {
	c.db.SetInterrupt(ctx)
	defer c.db.SetInterrupt(context.Background())
	return interrupted(ctx, c.run(stmt))
}

// commit commits the transaction. It is not interrupted: on the write
// connection it commits other callers' work too.
func (c *conn) commit() error {
	return c.run("COMMIT")
}

// end rolls back whatever transaction is open and leaves the connection
// ready for its next user. It runs even when the context is done.
func (c *conn) end() error {
	c.db.SetInterrupt(context.Background())
	if c.db.GetAutocommit() {
		return nil // nothing open: committed, or BEGIN failed
	}
	return c.run("ROLLBACK")
}

// run runs a statement without parameters or rows (BEGIN, COMMIT and the
// like), prepared once: preparing it anew each time cost more than
// running it.
func (c *conn) run(stmt string) error {
	s, err := c.stmt(stmt)
	if err != nil {
		return err
	}
	return s.Exec()
}

// closeStmts finalizes the cached statements.
func (c *conn) closeStmts() error {
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}

// close closes the connection; SQLite refuses while statements remain.
func (c *conn) close() error {
	return errors.Join(c.closeStmts(), c.db.Close())
}
