package sqlite

import (
	"context"
	"fmt"

	"github.com/localissuing/localissuing/store"
	"github.com/ncruces/go-sqlite3"
)

// The outbox statements.
const (
	sqlEnqueue = `INSERT INTO deliveries (id, account, event_id, endpoint_id, attempts, due)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`
	sqlReschedule = `UPDATE deliveries SET attempts = ?, due = ? WHERE id = ?`
	sqlDequeue    = `DELETE FROM deliveries WHERE id = ?`
	// INDEXED BY keeps Lease a range scan of the due index in (due,
	// rowid) order, however many deliveries wait.
	sqlDue = `SELECT rowid, id, account, event_id, endpoint_id, attempts FROM deliveries
		INDEXED BY deliveries_due WHERE due <= ? ORDER BY due, rowid LIMIT ?`
	sqlLease = `UPDATE deliveries SET due = ? WHERE rowid = ?`
)

func (w *writer) Enqueue(ctx context.Context, ds ...store.Delivery) error {
	for _, d := range ds {
		n, err := w.c.exec(ctx, sqlEnqueue, d.ID, d.Account, d.EventID, d.EndpointID, d.Attempts, d.Due)
		if err != nil {
			return fmt.Errorf("sqlite: enqueue delivery %s: %w", d.ID, err)
		}
		if n == 0 {
			return fmt.Errorf("sqlite: enqueue delivery %s: %w", d.ID, store.ErrDuplicate)
		}
	}
	return nil
}

func (w *writer) Reschedule(ctx context.Context, id string, attempts int, due int64) error {
	n, err := w.c.exec(ctx, sqlReschedule, attempts, due, id)
	return changed(n, err, "reschedule", "delivery", id)
}

func (w *writer) Dequeue(ctx context.Context, id string) error {
	n, err := w.c.exec(ctx, sqlDequeue, id)
	return changed(n, err, "dequeue", "delivery", id)
}

// Lease selects and moves the due deliveries in one write transaction.
// SQLite has one writer at a time, across processes too, so no other
// Lease can read the same rows before this one has moved them.
func (s *Store) Lease(ctx context.Context, now, leaseUntil int64, limit int) ([]store.Delivery, error) {
	if limit < 1 {
		return nil, fmt.Errorf("sqlite: lease: limit %d is not positive", limit)
	}
	if leaseUntil <= now {
		return nil, fmt.Errorf("sqlite: lease: lease end %d is not after now %d", leaseUntil, now)
	}
	var out []store.Delivery
	err := s.Update(ctx, func(tx store.Tx) error {
		c := tx.(*writer).c
		var rowids []int64
		err := c.query(ctx, sqlDue, []any{now, limit}, func(st *sqlite3.Stmt) error {
			rowids = append(rowids, st.ColumnInt64(0))
			out = append(out, store.Delivery{ID: st.ColumnText(1), Account: st.ColumnText(2),
				EventID: st.ColumnText(3), EndpointID: st.ColumnText(4), Attempts: st.ColumnInt(5), Due: leaseUntil})
			return nil
		})
		if err != nil {
			return err
		}
		for _, rowid := range rowids {
			if _, err := c.exec(ctx, sqlLease, leaseUntil, rowid); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: lease: %w", err)
	}
	if out == nil {
		out = []store.Delivery{}
	}
	return out, nil
}
