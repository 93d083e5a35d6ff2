package design

import (
	"context"
	"fmt"
	"time"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Review applies a test helper that plays Stripe's review: "activate",
// "deactivate" or "reject" (with reasons). It records the action's event and
// issuing_personalization_design.updated.
func Review(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id, action string, reasons *RejectionReasons) (*Design, error) {
	rule, ok := reviewActions[action]
	if !ok {
		return nil, fmt.Errorf("design: unknown review action %q", action)
	}
	r, err := loadForUpdate(ctx, tx, acct, id, "personalization_design")
	if err != nil {
		return nil, err
	}
	if err := checkReview(r.ID, action, r.Status); err != nil {
		return nil, err
	}
	before := r.view()
	r.Status = rule.to
	switch rule.to {
	case StatusRejected:
		var given RejectionReasons
		if reasons != nil {
			given = *reasons
		}
		if err := checkRejectionReasons(given); err != nil {
			return nil, err
		}
		r.RejectionReasons = RejectionReasons{CardLogo: orEmpty(given.CardLogo), CarrierText: orEmpty(given.CarrierText)}
	case StatusActive:
		// A design that passes review has nothing left to fix.
		r.RejectionReasons = RejectionReasons{CardLogo: []string{}, CarrierText: []string{}}
	}
	if err := save(ctx, tx, acct, r, false); err != nil {
		return nil, err
	}
	after := r.view()
	if err := event.Updated(ctx, tx, acct, now.Unix(), "issuing_personalization_design.updated", before, after); err != nil {
		return nil, err
	}
	// The action's own event carries the design as it now is, without
	// previous attributes, which only .updated events have.
	if err := event.Happened(ctx, tx, acct, now.Unix(), rule.event, after); err != nil {
		return nil, err
	}
	return after, nil
}
