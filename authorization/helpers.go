package authorization

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/transaction"
)

// The test helpers below play the merchant after an authorization was
// approved. Each works only on a pending authorization that is decided
// (not waiting for a real-time answer): once closed, reversed or expired,
// an authorization holds nothing a merchant could act on.

// helperVerbs says what each helper does to an authorization, for
// messages.
var helperVerbs = map[string]string{
	"capture":         "captured",
	"expire":          "expired",
	"finalize_amount": "finalized",
	"increment":       "incremented",
	"reverse":         "reversed",
}

// checkActionable refuses a helper on an authorization that is not pending
// and decided.
func checkActionable(r *record, helper string) error {
	verb := helperVerbs[helper]
	if r.Status != StatusPending {
		return issuing.Invalid("", "Authorization %s is %s: only pending authorizations can be %s.", r.ID, r.Status, verb)
	}
	if r.PendingRequest != nil {
		return issuing.Invalid("", "Authorization %s is waiting for a real-time answer to its pending request and cannot be %s until it is approved.",
			r.ID, verb)
	}
	return nil
}

// merchantFor converts an amount in the authorization's currency to the
// merchant's, at the rate of the first request (there are no exchange
// rates here).
func (r *record) merchantFor(amount int64) int64 {
	if r.Currency == r.MerchantCurrency {
		return amount
	}
	if len(r.RequestHistory) > 0 && r.RequestHistory[0].Amount != 0 {
		first := r.RequestHistory[0]
		return issuing.Prorate(first.MerchantAmount, amount, first.Amount)
	}
	return issuing.Prorate(r.MerchantAmount, amount, r.Amount)
}

// setHeld sets what the authorization holds, in both currencies.
func (r *record) setHeld(amount int64) {
	r.Amount, r.MerchantAmount = amount, r.merchantFor(amount)
}

// CaptureParams are the parameters of the capture test helper.
type CaptureParams struct {
	CaptureAmount      *int64                      `json:"capture_amount"`
	CloseAuthorization *bool                       `json:"close_authorization"`
	PurchaseDetails    *transaction.PurchaseParams `json:"purchase_details"`
}

// Capture plays the merchant capturing an authorization: a capture
// transaction (issuing_transaction.created) of capture_amount, by default
// all that is held. More than is held may be captured (tips, say), and
// nothing checks the card again: an approved authorization is the
// merchant's to capture. With close_authorization (the default) the
// authorization closes and holds nothing more; otherwise it stays pending
// for further captures, holding what is left.
func Capture(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, p CaptureParams) (*Authorization, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := checkActionable(r, "capture"); err != nil {
		return nil, err
	}
	amount := r.Amount
	if p.CaptureAmount != nil {
		amount = *p.CaptureAmount
	}
	if amount <= 0 {
		if p.CaptureAmount == nil {
			return nil, issuing.Invalid("capture_amount", "Authorization %s holds nothing to capture; give a positive capture_amount.", r.ID)
		}
		return nil, issuing.Invalid("capture_amount", "Invalid capture_amount: must be positive (got %d).", amount)
	}
	closeIt := p.CloseAuthorization == nil || *p.CloseAuthorization
	return change(ctx, tx, acct, now, r, func() error {
		t, err := transaction.NewCapture(ctx, tx, acct, now, transaction.Capture{
			Authorization: r.ID, Card: r.Card, Cardholder: *r.Cardholder,
			Amount: amount, Currency: r.Currency, MerchantAmount: r.merchantFor(amount), MerchantCurrency: r.MerchantCurrency,
			MerchantData: r.MerchantData, AuthorizationCode: r.authorizationCode(), NetworkTransactionID: r.NetworkData.TransactionID,
			Wallet: r.Wallet, Token: r.Token, PurchaseDetails: p.PurchaseDetails.Details(),
		})
		if err != nil {
			return err
		}
		r.Transactions = append(r.Transactions, t.ID)
		r.Captured += amount
		if closeIt {
			r.Status = StatusClosed
			r.setHeld(0)
			return nil
		}
		r.setHeld(max(0, r.Amount-amount))
		return nil
	})
}

// authorizationCode is the code of the last approved request.
func (r *record) authorizationCode() *string {
	for i := len(r.RequestHistory) - 1; i >= 0; i-- {
		if c := r.RequestHistory[i].AuthorizationCode; c != nil {
			return c
		}
	}
	return nil
}

// Expire plays an authorization running out before the merchant captured
// it: it becomes expired and releases what it held.
func Expire(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string) (*Authorization, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := checkActionable(r, "expire"); err != nil {
		return nil, err
	}
	return change(ctx, tx, acct, now, r, func() error {
		r.Status = StatusExpired
		r.setHeld(0)
		return nil
	})
}

// Reverse plays the merchant releasing some or all of what an authorization
// holds: reverse_amount, by default all of it. Reversing all that is left
// makes the authorization reversed.
func Reverse(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, amount *int64) (*Authorization, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := checkActionable(r, "reverse"); err != nil {
		return nil, err
	}
	reverse := r.Amount
	if amount != nil {
		reverse = *amount
	}
	switch {
	case r.Amount == 0:
		return nil, issuing.Invalid("", "Authorization %s holds nothing to reverse.", r.ID)
	case reverse <= 0:
		return nil, issuing.Invalid("reverse_amount", "Invalid reverse_amount: must be positive (got %d).", reverse)
	case reverse > r.Amount:
		return nil, issuing.Invalid("reverse_amount", "Cannot reverse %d: authorization %s holds only %d %s.", reverse, r.ID, r.Amount, r.Currency)
	}
	return change(ctx, tx, acct, now, r, func() error {
		r.setHeld(r.Amount - reverse)
		if r.Amount == 0 {
			r.Status = StatusReversed
		}
		return nil
	})
}

// FinalizeParams are the parameters of the finalize_amount test helper.
type FinalizeParams struct {
	FinalAmount int64              `json:"final_amount"`
	Fleet       *transaction.Fleet `json:"fleet"`
	Fuel        *Fuel              `json:"fuel"`
}

// FinalizeAmount plays the merchant telling the final amount of an
// authorization made for an estimate (at a fuel pump, say): the
// authorization then holds exactly that, and carries the fleet and fuel
// data given.
func FinalizeAmount(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, p FinalizeParams) (*Authorization, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := checkActionable(r, "finalize_amount"); err != nil {
		return nil, err
	}
	if p.FinalAmount < 0 {
		return nil, issuing.Invalid("final_amount", "Invalid final_amount: must be zero or more (got %d).", p.FinalAmount)
	}
	return change(ctx, tx, acct, now, r, func() error {
		r.setHeld(p.FinalAmount)
		if p.Fleet != nil {
			r.Fleet = fleetFromParam(p.Fleet)
		}
		if p.Fuel != nil {
			r.Fuel = p.Fuel
		}
		return nil
	})
}

// IncrementParams are the parameters of the increment test helper.
type IncrementParams struct {
	IncrementAmount      int64 `json:"increment_amount"`
	IsAmountControllable *bool `json:"is_amount_controllable"`
}

// Increment plays the merchant asking to hold more on an authorization (a
// hotel extending a stay). The increment is a new request, decided like
// the first against the card as it is now, and recorded in
// request_history; approved, the authorization holds more, declined, it
// holds what it held.
//
// With opts.AwaitRequest an increment the rules approve is left to the
// real-time endpoint, as Create leaves a first request.
func Increment(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, p IncrementParams, opts Options) (*Authorization, error) {
	// Locks are taken card first, then cardholder, then authorization,
	// the order every request that spends follows.
	cardID, err := cardOf(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	c, err := card.GetForUpdate(ctx, tx, acct, cardID, "card")
	if err != nil {
		return nil, err
	}
	if err := lockCardholder(ctx, tx, acct, c); err != nil {
		return nil, err
	}
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := checkActionable(r, "increment"); err != nil {
		return nil, err
	}
	if p.IncrementAmount <= 0 {
		return nil, issuing.Invalid("increment_amount", "Invalid increment_amount: must be positive (got %d).", p.IncrementAmount)
	}
	// The first request already faced the fraud checks; an increment is
	// the same payment.
	in, err := input(ctx, tx, acct, now, c, r, p.IncrementAmount, r.Amount+p.IncrementAmount, "")
	if err != nil {
		return nil, err
	}
	d := Decide(in)
	merchant := r.merchantFor(p.IncrementAmount)
	if d.Approved && opts.AwaitRequest {
		if p.IsAmountControllable != nil {
			r.IsAmountControllable = *p.IsAmountControllable
		}
		r.setPending(p.IncrementAmount, merchant, opts.PendingID)
		if err := save(ctx, tx, acct, r, false); err != nil {
			return nil, err
		}
		return r.view(ctx, tx, acct.ID)
	}
	return change(ctx, tx, acct, now, r, func() error {
		if p.IsAmountControllable != nil {
			r.IsAmountControllable = *p.IsAmountControllable
		}
		r.RequestHistory = append(r.RequestHistory, r.request(now, p.IncrementAmount, merchant, d))
		if d.Approved {
			r.Amount += p.IncrementAmount
			r.MerchantAmount += merchant
		}
		return nil
	})
}

// cardOf reads which card an authorization is on, without locking it.
func cardOf(ctx context.Context, rd store.Reader, acct issuing.Account, id string) (string, error) {
	r, err := document.Get[record](ctx, rd, acct, kind, id, "authorization")
	if err != nil {
		return "", err
	}
	return r.Card, nil
}
