package authorization

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Real-time authorization: an endpoint subscribed to
// issuing_authorization.request answers each request that Stripe's rules
// approve. Create and Increment with Options.AwaitRequest store the
// authorization with its pending_request and decide nothing; package
// realtime sends the request event with that object, and ResolveRequest
// records the endpoint's answer (or its failure to answer) in a later
// transaction. Approve and Decline, the deprecated calls that answer while
// the endpoint is being asked, do the same.

// Answer is how a pending request was decided outside Stripe's own rules.
type Answer struct {
	Approved bool
	// Amount, when set, is the amount to hold instead of the one asked
	// for; only for requests whose amount is controllable.
	Amount *int64
	// Reason is webhook_approved, webhook_declined, webhook_error or
	// webhook_timeout.
	Reason string
	// Message, when set, explains the reason (request_history's
	// reason_message).
	Message string
	// Metadata is merged into the authorization's.
	Metadata any
}

// pendingRequest describes the request of amount an endpoint is asked
// about.
func (r *record) pendingRequest(amount, merchantAmount int64) *PendingRequest {
	return &PendingRequest{
		Amount: amount, AmountDetails: r.AmountDetails, Currency: r.Currency,
		IsAmountControllable: r.IsAmountControllable,
		MerchantAmount:       merchantAmount, MerchantCurrency: r.MerchantCurrency,
	}
}

// setPending leaves a request of amount, named id, to the real-time
// endpoint.
func (r *record) setPending(amount, merchantAmount int64, id string) {
	if id == "" {
		id = issuing.NewID("iareq")
	}
	r.PendingRequest = r.pendingRequest(amount, merchantAmount)
	r.PendingID = id
}

// PendingID returns the id of the authorization's pending request, "" when
// it has none.
func PendingID(ctx context.Context, rd store.Reader, acct issuing.Account, id string) (string, error) {
	r, err := document.Get[record](ctx, rd, acct, kind, id, "authorization")
	if err != nil {
		return "", err
	}
	return r.PendingID, nil
}

// ResolveRequest records the answer to an authorization's pending request,
// clears the request and records issuing_authorization.created (for the
// authorization's first request) or issuing_authorization.updated.
func ResolveRequest(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, a Answer) (*Authorization, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	pr := r.PendingRequest
	if pr == nil {
		return nil, errNoPendingRequest(r.ID)
	}
	hold, merchantHold := pr.Amount, pr.MerchantAmount
	if a.Amount != nil {
		if !pr.IsAmountControllable {
			return nil, issuing.Invalid("amount", "The amount of authorization %s's pending request is not controllable "+
				"(is_amount_controllable is false): approve it without an amount.", r.ID)
		}
		if *a.Amount <= 0 {
			return nil, issuing.Invalid("amount", "Invalid amount: must be positive (got %d); decline the request instead.", *a.Amount)
		}
		hold = *a.Amount
		merchantHold = r.merchantFor(hold)
	}
	first := len(r.RequestHistory) == 0
	var before *Authorization
	if !first {
		if before, err = r.view(ctx, tx, acct.ID); err != nil {
			return nil, err
		}
	}
	md, err := issuing.MergeMetadata(r.Metadata, a.Metadata)
	if err != nil {
		return nil, err
	}
	r.Metadata = md
	d := Decision{Approved: a.Approved, Reason: a.Reason, Message: a.Message}
	r.RequestHistory = append(r.RequestHistory, r.request(now, pr.Amount, pr.MerchantAmount, d))
	r.PendingRequest, r.PendingID = nil, ""
	switch {
	case first && a.Approved:
		r.Approved = true
		r.Amount, r.MerchantAmount = hold, merchantHold
	case first:
		r.Status = StatusClosed
	case a.Approved:
		r.Amount += hold
		r.MerchantAmount += merchantHold
	}
	if err := save(ctx, tx, acct, r, false); err != nil {
		return nil, err
	}
	after, err := r.view(ctx, tx, acct.ID)
	if err != nil {
		return nil, err
	}
	if first {
		err = event.Created(ctx, tx, acct, now.Unix(), "issuing_authorization.created", after)
	} else {
		err = event.Updated(ctx, tx, acct, now.Unix(), "issuing_authorization.updated", before, after)
	}
	if err != nil {
		return nil, err
	}
	return after, nil
}

// SettleRequest records a real-time endpoint's answer to the pending
// request pendingID unless that request was answered meanwhile by the
// deprecated approve or decline calls, whose answer stands (and another
// request may be pending since): then it returns the authorization as it
// is.
func SettleRequest(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id, pendingID string, a Answer) (*Authorization, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if r.PendingRequest == nil || r.PendingID != pendingID {
		return r.view(ctx, tx, acct.ID)
	}
	return ResolveRequest(ctx, tx, acct, now, id, a)
}

// Approve is the deprecated call that approves a pending request while a
// real-time endpoint is being asked about it.
func Approve(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, amount *int64, metadata any) (*Authorization, error) {
	return ResolveRequest(ctx, tx, acct, now, id, Answer{Approved: true, Amount: amount, Reason: ReasonWebhookApproved, Metadata: metadata})
}

// Decline is the deprecated call that declines a pending request while a
// real-time endpoint is being asked about it.
func Decline(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, metadata any) (*Authorization, error) {
	return ResolveRequest(ctx, tx, acct, now, id, Answer{Reason: ReasonWebhookDeclined, Metadata: metadata})
}

func errNoPendingRequest(id string) error {
	return issuing.Invalid("", "Authorization %s has no pending request to approve or decline. A pending request exists only "+
		"while Stripe waits for a real-time authorization endpoint to answer issuing_authorization.request; "+
		"authorizations made by the test helper are decided at once by the card's status and spending controls, "+
		"so approve and decline do not apply to them.", id)
}
