package transaction

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// LinkHook runs inside the transaction that creates a refund of a capture
// that an authorization made, so that the authorization can list the
// refund among its transactions.
type LinkHook func(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, authorization string, t *Transaction) error

var linkHooks []LinkHook

// OnLinkedRefund registers a hook run whenever a refund linked to an
// authorization is created. Package authorization registers its own at
// start-up (in init), which keeps transactions free of knowing about
// authorizations.
func OnLinkedRefund(h LinkHook) { linkHooks = append(linkHooks, h) }

// Refund gives back some or all of a capture as a new transaction of type
// refund, positive, and records issuing_transaction.created. amount
// defaults to what of the capture is not refunded yet; asking for more is
// refused. The refund keeps the capture's authorization, card and merchant.
func Refund(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, amount *int64) (*Transaction, error) {
	src, err := loadForUpdate(ctx, tx, acct, id, "transaction")
	if err != nil {
		return nil, err
	}
	if src.Type != TypeCapture {
		return nil, issuing.Invalid("", "Transaction %s is a refund: only captures can be refunded.", src.ID)
	}
	captured := Abs(src.Amount)
	left := captured - src.Refunded
	refund := left
	if amount != nil {
		refund = *amount
	}
	switch {
	case left <= 0:
		return nil, issuing.Invalid("", "Transaction %s is already fully refunded (%d %s).", src.ID, captured, src.Currency)
	case refund <= 0:
		return nil, issuing.Invalid("refund_amount", "Invalid refund_amount: must be a positive integer (got %d).", refund)
	case refund > left:
		return nil, issuing.Invalid("refund_amount", "Cannot refund %d %s: only %d of the %d captured by %s are left to refund.",
			refund, src.Currency, left, captured, src.ID)
	}
	r := newRecord(acct, now, TypeRefund, src.Card, src.Cardholder)
	r.Authorization = src.Authorization
	r.Amount, r.Currency = refund, src.Currency
	r.MerchantAmount = issuing.Prorate(Abs(src.MerchantAmount), refund, captured)
	r.MerchantCurrency = src.MerchantCurrency
	r.MerchantData = src.MerchantData
	r.Wallet, r.Token = src.Wallet, src.Token
	if src.NetworkData != nil {
		r.NetworkData.AuthorizationCode = src.NetworkData.AuthorizationCode
	}
	if err := insert(ctx, tx, acct, now, r); err != nil {
		return nil, err
	}
	src.Refunded += refund
	if err := save(ctx, tx, acct, src, false); err != nil {
		return nil, err
	}
	if src.Authorization != nil {
		for _, h := range linkHooks {
			if err := h(ctx, tx, acct, now, *src.Authorization, r.view()); err != nil {
				return nil, err
			}
		}
	}
	return r.view(), nil
}
