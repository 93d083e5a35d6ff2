package card

import (
	"context"

	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// GetForUpdate reads a card as clients see it and keeps other transactions
// from changing it until tx ends. Payments take it first, so that every
// decision that depends on what a card has already spent is made one at a
// time per card, however many requests and processes race.
func GetForUpdate(ctx context.Context, tx store.Tx, acct issuing.Account, id, param string) (*Card, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		if e, ok := issuing.AsError(err); ok && e.Kind == issuing.KindNotFound {
			e.Param = param
		}
		return nil, err
	}
	holder, err := cardholder.Get(ctx, tx, acct, r.Cardholder, "cardholder")
	if err != nil {
		return nil, err
	}
	return r.view(holder, Secrets{}), nil
}
