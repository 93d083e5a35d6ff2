package transaction

import (
	"context"
	"fmt"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Capture is an authorization's capture as package authorization hands it
// over: amounts are what was captured, positive, in the authorization's
// currencies.
type Capture struct {
	Authorization        string
	Card                 string
	Cardholder           string
	Amount               int64
	Currency             string
	MerchantAmount       int64
	MerchantCurrency     string
	MerchantData         issuing.MerchantData
	AuthorizationCode    *string
	NetworkTransactionID *string
	Wallet               *string
	Token                *string
	PurchaseDetails      *PurchaseDetails
}

// NewCapture records the capture of an authorization as a transaction of
// type capture and records issuing_transaction.created. Linking it to the
// authorization is the caller's part.
func NewCapture(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, c Capture) (*Transaction, error) {
	holder := c.Cardholder
	r := newRecord(acct, now, TypeCapture, c.Card, &holder)
	r.Authorization = &c.Authorization
	r.Amount, r.Currency = -c.Amount, c.Currency
	r.MerchantAmount, r.MerchantCurrency = -c.MerchantAmount, c.MerchantCurrency
	r.MerchantData = c.MerchantData
	r.Wallet, r.Token = c.Wallet, c.Token
	r.NetworkData.AuthorizationCode = c.AuthorizationCode
	if c.NetworkTransactionID != nil {
		r.NetworkData.TransactionID = c.NetworkTransactionID
	}
	r.PurchaseDetails = c.PurchaseDetails
	if err := insert(ctx, tx, acct, now, r); err != nil {
		return nil, err
	}
	return r.view(), nil
}

// MerchantParams are the parameters of the force-capture and
// unlinked-refund test helpers, which play a merchant acting without an
// authorization.
type MerchantParams struct {
	Amount          *int64                  `json:"amount"`
	Card            string                  `json:"card"`
	Currency        *string                 `json:"currency"`
	MerchantData    *issuing.MerchantParams `json:"merchant_data"`
	PurchaseDetails *PurchaseParams         `json:"purchase_details"`
}

// ForceCapture records a capture that no authorization preceded, as a
// merchant may make after an offline sale. Nothing can refuse it, not even
// a canceled card, but it counts towards the card's spending limits.
func ForceCapture(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, p MerchantParams) (*Transaction, error) {
	return unlinked(ctx, tx, acct, now, TypeCapture, p)
}

// UnlinkedRefund records a refund that names no authorization, as a
// merchant may send for a sale it cannot match.
func UnlinkedRefund(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, p MerchantParams) (*Transaction, error) {
	return unlinked(ctx, tx, acct, now, TypeRefund, p)
}

func unlinked(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, typ string, p MerchantParams) (*Transaction, error) {
	if p.Amount == nil {
		return nil, issuing.InvalidCode("parameter_missing", "amount", "Missing required param: amount.")
	}
	if *p.Amount <= 0 {
		return nil, issuing.Invalid("amount", "Invalid amount: must be a positive integer in the smallest currency unit (got %d).", *p.Amount)
	}
	// The card and its cardholder are locked, in the order authorizations
	// lock them, because a force capture adds to what they have spent,
	// which authorizations may be checking at the same time.
	c, err := card.GetForUpdate(ctx, tx, acct, p.Card, "card")
	if err != nil {
		return nil, err
	}
	if _, err := tx.GetForUpdate(ctx, acct.ID, cardholder.Kind, c.Cardholder.ID); err != nil {
		return nil, fmt.Errorf("lock cardholder %s: %w", c.Cardholder.ID, err)
	}
	currency := c.Currency
	if p.Currency != nil {
		if *p.Currency != c.Currency {
			return nil, issuing.Invalid("currency", "Invalid currency: %s. Card %s is in %s, and this server has no exchange rates, "+
				"so the amount must be in the card's currency.", *p.Currency, c.ID, c.Currency)
		}
	}
	holder := c.Cardholder.ID
	r := newRecord(acct, now, typ, c.ID, &holder)
	amount := *p.Amount
	if typ == TypeCapture {
		amount = -amount
	}
	r.Amount, r.MerchantAmount = amount, amount
	r.Currency, r.MerchantCurrency = currency, currency
	r.MerchantData = issuing.NewMerchantData(p.MerchantData)
	r.PurchaseDetails = p.PurchaseDetails.Details()
	if err := insert(ctx, tx, acct, now, r); err != nil {
		return nil, err
	}
	return r.view(), nil
}

// newRecord starts a transaction with what every kind shares.
func newRecord(acct issuing.Account, now time.Time, typ, cardID string, holder *string) *record {
	date := now.UTC().Format(time.DateOnly)
	networkID := issuing.RandomDigits(15)
	return &record{Transaction: Transaction{
		ID:          issuing.NewID("ipi"),
		Object:      Kind,
		Card:        cardID,
		Cardholder:  holder,
		Created:     now.Unix(),
		Livemode:    acct.Livemode,
		Metadata:    issuing.Metadata{},
		NetworkData: &NetworkData{ProcessingDate: &date, TransactionID: &networkID},
		Type:        typ,
	}}
}
