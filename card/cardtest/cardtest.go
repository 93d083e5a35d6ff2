// Package cardtest gives the tests of other packages the card their
// objects hang from: authorizations, transactions, disputes and tokens
// all need one, active, with its cardholder.
package cardtest

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Active creates a cardholder with holder (named Jenny Rosen unless holder
// names someone) and an active virtual card in USD for it, with the
// spending controls and anything else p sets.
func Active(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, holder cardholder.Params, p card.CreateParams) (*card.Card, error) {
	if holder.Name == nil {
		name := "Jenny Rosen"
		holder.Name = &name
	}
	h, err := cardholder.Create(ctx, tx, acct, now.Unix(), holder)
	if err != nil {
		return nil, err
	}
	active := card.StatusActive
	p.Cardholder, p.Currency, p.Type, p.Status = &h.ID, "usd", "virtual", &active
	return card.Create(ctx, tx, acct, now, p)
}
