package card

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// shippingSteps are the shipping test helpers: the status each sets and the
// statuses it may start from. Stripe documents the flow only as a picture;
// this table is the one place that reads it.
var shippingSteps = map[string]struct {
	to   string
	from []string
}{
	"submit":  {to: ShippingSubmitted, from: []string{ShippingPending}},
	"ship":    {to: ShippingShipped, from: []string{ShippingPending, ShippingSubmitted}},
	"deliver": {to: ShippingDelivered, from: []string{ShippingShipped}},
	"fail":    {to: ShippingFailure, from: []string{ShippingPending, ShippingSubmitted, ShippingShipped}},
	"return":  {to: ShippingReturned, from: []string{ShippingShipped, ShippingDelivered}},
}

// shippingTransitDays is how long a shipped card takes to arrive, by
// shipping service.
var shippingTransitDays = map[string]int{"express": 2, "priority": 3, "standard": 7}

// AdvanceShipping applies a shipping test helper ("submit", "ship",
// "deliver", "fail" or "return") to a physical card and records
// issuing_card.updated.
func AdvanceShipping(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id, step string) (*Card, error) {
	rule, ok := shippingSteps[step]
	if !ok {
		return nil, fmt.Errorf("card: unknown shipping step %q", step)
	}
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if r.Type != "physical" || r.Shipping == nil {
		return nil, issuing.Invalid("card", "Card %s is a %s card with nothing to ship: shipping test helpers work on physical cards only.", r.ID, r.Type)
	}
	current := ""
	if r.Shipping.Status != nil {
		current = *r.Shipping.Status
	}
	if !slices.Contains(rule.from, current) {
		return nil, issuing.Invalid("card", "Cannot %s card %s: its shipping status is %s, and %s needs %s.",
			step, r.ID, current, step, strings.Join(rule.from, " or "))
	}
	holder, err := cardholder.Get(ctx, tx, acct, r.Cardholder, "cardholder")
	if err != nil {
		return nil, err
	}
	before := r.view(holder, Secrets{})
	s := *r.Shipping
	to := rule.to
	s.Status = &to
	if step == "ship" {
		carrier, tracking := "usps", "9400"+issuing.RandomDigits(18)
		url := "https://tools.usps.com/go/TrackConfirmAction?tLabels=" + tracking
		eta := now.Add(time.Duration(shippingTransitDays[s.Service]) * 24 * time.Hour).Unix()
		s.Carrier, s.TrackingNumber, s.TrackingURL, s.ETA = &carrier, &tracking, &url, &eta
	}
	r.Shipping = &s
	if err := save(ctx, tx, acct, r, false); err != nil {
		return nil, err
	}
	after := r.view(holder, Secrets{})
	if err := event.Updated(ctx, tx, acct, now.Unix(), "issuing_card.updated", before, after); err != nil {
		return nil, err
	}
	return after, nil
}
