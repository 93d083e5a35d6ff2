package webhook

import (
	"context"
	"errors"
	"time"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/store"
)

// settleTimeout bounds the recording of an attempt that has ended. It
// does not end with the dispatcher: an answer that arrived is recorded
// rather than sent again.
const settleTimeout = 10 * time.Second

// attempt tries one leased delivery and records how it went.
func (d *Dispatcher) attempt(ctx context.Context, del store.Delivery) {
	var t event.Target
	err := d.store.View(ctx, func(rd store.Reader) error {
		var err error
		t, err = event.LoadTarget(ctx, rd, del)
		return err
	})
	switch {
	case err != nil && ctx.Err() != nil:
		d.release(ctx, del)
		return
	case err != nil:
		// The lease runs out and the delivery is tried again.
		d.log.Error("webhook delivery: load", "delivery", del.ID, "err", err)
		return
	}
	o := event.Outcome{At: d.clock.Now(), URL: t.URL}
	if t.Skip != "" {
		o.Result, o.Error = event.ResultSkipped, t.Skip
	} else {
		began := time.Now()
		r := post(ctx, d.client, t.URL, t.Secret, t.Body)
		if r.status == 0 && ctx.Err() != nil {
			// Stopped, not failed: an answer that did arrive is recorded.
			d.release(ctx, del)
			return
		}
		o.Duration, o.StatusCode, o.Error, o.Response = time.Since(began), r.status, r.err, r.response
		o.Result = event.ResultSucceeded
		if r.err != "" {
			o.Result = event.ResultFailed
			if wait, ok := d.schedule.Next(t.Livemode, del.Attempts+1); ok {
				o.Result, o.NextRetry = event.ResultRetrying, o.At.Add(wait)
			}
		}
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	err = d.store.Update(sctx, func(tx store.Tx) error { return event.Settle(sctx, tx, del, o) })
	if err != nil {
		d.log.Error("webhook delivery: record the attempt", "delivery", del.ID, "err", err)
		return
	}
	d.logOutcome(del, o)
}

// release makes a delivery whose attempt was canceled due again at once,
// with its attempt count unchanged.
func (d *Dispatcher) release(ctx context.Context, del store.Delivery) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	err := d.store.Update(sctx, func(tx store.Tx) error {
		return tx.Reschedule(sctx, del.ID, del.Attempts, d.clock.Now().UnixMilli())
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		d.log.Warn("webhook delivery: release after a canceled attempt", "delivery", del.ID, "err", err)
	}
}

func (d *Dispatcher) logOutcome(del store.Delivery, o event.Outcome) {
	attrs := []any{"event", del.EventID, "endpoint", del.EndpointID, "url", o.URL, "attempt", del.Attempts + 1}
	switch o.Result {
	case event.ResultSucceeded:
		d.log.Debug("webhook delivered", append(attrs, "status", o.StatusCode, "duration", o.Duration)...)
	case event.ResultRetrying:
		d.log.Info("webhook delivery failed; will retry",
			append(attrs, "status", o.StatusCode, "error", o.Error, "next_retry", o.NextRetry)...)
	case event.ResultFailed:
		d.log.Warn("webhook delivery failed; no retries left", append(attrs, "status", o.StatusCode, "error", o.Error)...)
	default:
		d.log.Info("webhook delivery skipped", append(attrs, "reason", o.Error)...)
	}
}
