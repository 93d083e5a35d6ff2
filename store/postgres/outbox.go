package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/localissuing/localissuing/store"
)

// The outbox statements.
const (
	sqlEnqueue = `INSERT INTO deliveries (id, account, event_id, endpoint_id, attempts, due)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO NOTHING`
	sqlReschedule = `UPDATE deliveries SET attempts = $1, due = $2 WHERE id = $3`
	sqlDequeue    = `DELETE FROM deliveries WHERE id = $1`
	// sqlLease claims the due deliveries in one statement. FOR UPDATE SKIP
	// LOCKED passes over rows that a concurrent Lease is claiming, so two
	// processes never claim the same row; one that a concurrent Lease
	// claimed and committed first is re-read as it is now, no longer due,
	// and dropped. The scan of deliveries_due stops after limit rows.
	sqlLease = `WITH due AS (
			SELECT seq, due FROM deliveries WHERE due <= $1
			ORDER BY due, seq LIMIT $3
			FOR UPDATE SKIP LOCKED
		)
		UPDATE deliveries SET due = $2 FROM due
		WHERE deliveries.seq = due.seq
		RETURNING due.due, deliveries.seq, deliveries.id, deliveries.account,
			deliveries.event_id, deliveries.endpoint_id, deliveries.attempts`
)

// Enqueue adds the deliveries in one round trip; they are enqueued in
// argument order, which orders Lease among equal Due.
func (w *writer) Enqueue(ctx context.Context, ds ...store.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, d := range ds {
		b.Queue(sqlEnqueue, d.ID, d.Account, d.EventID, d.EndpointID, d.Attempts, d.Due).Exec(func(tag pgconn.CommandTag) error {
			if tag.RowsAffected() == 0 {
				return fmt.Errorf("postgres: enqueue delivery %s: %w", d.ID, store.ErrDuplicate)
			}
			return nil
		})
	}
	if err := w.ss.send(ctx, b); err != nil {
		return fmt.Errorf("postgres: enqueue: %w", err)
	}
	return nil
}

func (w *writer) Reschedule(ctx context.Context, id string, attempts int, due int64) error {
	if !storable(id) {
		return changed(0, nil, "reschedule", "delivery", id)
	}
	n, err := w.ss.exec(ctx, sqlReschedule, attempts, due, id)
	return changed(n, err, "reschedule", "delivery", id)
}

func (w *writer) Dequeue(ctx context.Context, id string) error {
	if !storable(id) {
		return changed(0, nil, "dequeue", "delivery", id)
	}
	n, err := w.ss.exec(ctx, sqlDequeue, id)
	return changed(n, err, "dequeue", "delivery", id)
}

// Lease claims the due deliveries in a statement of its own, committed at
// once, so that the rows are locked only for as long as it runs.
func (s *Store) Lease(ctx context.Context, now, leaseUntil int64, limit int) ([]store.Delivery, error) {
	if limit < 1 {
		return nil, fmt.Errorf("postgres: lease: limit %d is not positive", limit)
	}
	if leaseUntil <= now {
		return nil, fmt.Errorf("postgres: lease: lease end %d is not after now %d", leaseUntil, now)
	}
	if s.closed.Load() {
		return nil, fmt.Errorf("postgres: lease: %w", ErrClosed)
	}
	type leased struct {
		due, seq int64
		d        store.Delivery
	}
	var out []leased
	rows, err := s.pool.Query(ctx, sqlLease, now, leaseUntil, limit)
	if err == nil {
		var l leased
		_, err = pgx.ForEachRow(rows, []any{&l.due, &l.seq, &l.d.ID, &l.d.Account, &l.d.EventID, &l.d.EndpointID, &l.d.Attempts}, func() error {
			l.d.Due = leaseUntil
			out = append(out, l)
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: lease: %w", err)
	}
	// RETURNING has no order of its own.
	slices.SortFunc(out, func(a, b leased) int {
		return cmp.Or(cmp.Compare(a.due, b.due), cmp.Compare(a.seq, b.seq))
	})
	ds := make([]store.Delivery, len(out))
	for i, l := range out {
		ds[i] = l.d
	}
	return ds, nil
}
