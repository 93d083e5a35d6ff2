package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/localissuing/localissuing/store"
)

// session is one transaction on a pooled connection. It saves round trips,
// which are most of what a transaction costs (a Get, begun and ended
// separately, would wait for three): BEGIN goes out in one pipeline with
// the transaction's first statement, and COMMIT with its last ones (see
// Store.Update), so that a Get waits for two round trips and an Update
// that inserts one object for two.
type session struct {
	conn  *pgxpool.Conn
	begin string // the BEGIN statement, until it is sent
}

// Statements that start transactions. View's reads all come from one
// snapshot; Update's see the latest commit at each statement and lock
// what they change.
const (
	beginView   = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	beginUpdate = "BEGIN ISOLATION LEVEL READ COMMITTED"
)

// open acquires a connection for a transaction started by begin.
func (s *Store) open(ctx context.Context, begin string) (*session, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		if s.closed.Load() {
			return nil, ErrClosed
		}
		return nil, err
	}
	return &session{conn: conn, begin: begin}, nil
}

// send runs b's statements in one round trip, after BEGIN if it has not
// been sent yet.
func (ss *session) send(ctx context.Context, b *pgx.Batch) error {
	if ss.begin == "" {
		return ss.conn.SendBatch(ctx, b).Close()
	}
	b.QueuedQueries = append([]*pgx.QueuedQuery{{SQL: ss.begin}}, b.QueuedQueries...)
	err := ss.conn.SendBatch(ctx, b).Close()
	// A batch can fail before anything ran (pgx prepares its statements
	// first); BEGIN then goes out with the next statement, so that no
	// statement of the transaction ever runs outside it.
	if ss.conn.Conn().PgConn().TxStatus() != 'I' {
		ss.begin = ""
	}
	return err
}

// queryRow runs a statement returning at most one row and scans it into
// dest; pgx.ErrNoRows if there is none.
func (ss *session) queryRow(ctx context.Context, query string, args []any, dest ...any) error {
	b := &pgx.Batch{}
	b.Queue(query, args...).QueryRow(func(row pgx.Row) error { return row.Scan(dest...) })
	return ss.send(ctx, b)
}

// query runs a statement and calls fn for each row, after scanning it into
// dest.
func (ss *session) query(ctx context.Context, query string, args []any, dest []any, fn func() error) error {
	b := &pgx.Batch{}
	b.Queue(query, args...).Query(func(rows pgx.Rows) error {
		_, err := pgx.ForEachRow(rows, dest, fn)
		return err
	})
	return ss.send(ctx, b)
}

// exec runs a statement and returns how many rows it changed.
func (ss *session) exec(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	b := &pgx.Batch{}
	b.Queue(query, args...).Exec(func(tag pgconn.CommandTag) error {
		n = tag.RowsAffected()
		return nil
	})
	return n, ss.send(ctx, b)
}

// commit sends b's statements and COMMIT in one round trip. If a statement
// fails, PostgreSQL skips the rest, COMMIT included, and end rolls back.
func (ss *session) commit(ctx context.Context, b *pgx.Batch) error {
	if ss.begin != "" && b.Len() == 0 {
		return nil // nothing was read or written: nothing to commit
	}
	committed := false
	b.Queue("COMMIT").Exec(func(tag pgconn.CommandTag) error {
		// COMMIT of a failed transaction answers ROLLBACK.
		committed = tag.String() == "COMMIT"
		return nil
	})
	if err := ss.send(ctx, b); err != nil {
		return err
	}
	if !committed {
		return errors.New("transaction rolled back")
	}
	return nil
}

// end rolls back whatever is still open and returns the connection to the
// pool. It runs when ctx is done too, so that the connection goes back
// clean; one that cannot be cleaned is closed by the pool.
func (ss *session) end(ctx context.Context) {
	if ss.conn.Conn().PgConn().TxStatus() != 'I' {
		if _, err := ss.conn.Exec(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
			ss.conn.Conn().PgConn().Close(context.WithoutCancel(ctx))
		}
	}
	ss.conn.Release()
}

// wrap adds the operation to an error, keeping its identity.
// conflict marks the errors of a transaction that lost to a concurrent
// one with store.ErrConflict, keeping the rest of err.
func conflict(err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	switch pgErr.Code {
	case "40001", "40P01", "55P03": // serialization_failure, deadlock_detected, lock_not_available
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	}
	return err
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}
