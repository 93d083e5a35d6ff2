package authorization

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/transaction"
)

// pageSize is how many objects history reads at a time.
const pageSize = 100

// spendHistory reads what the card and its cardholder spent, as far back
// as their spending limits look, for Input.CardSpend and HolderSpend. It
// reads nothing for a level without interval limits.
func spendHistory(ctx context.Context, rd store.Reader, acct issuing.Account, c *card.Card, now time.Time) (cardSpend, holderSpend []Spend, err error) {
	if start, bounded, read := earliestStart(c.SpendingControls.SpendingLimits, now); read {
		scope := store.Query{Parent: c.ID}
		if cardSpend, err = readSpend(ctx, rd, acct, scope, start, bounded); err != nil {
			return nil, nil, fmt.Errorf("spending of card %s: %w", c.ID, err)
		}
	}
	holder := c.Cardholder
	if holder == nil || holder.SpendingControls == nil {
		return cardSpend, nil, nil
	}
	if start, bounded, read := earliestStart(holder.SpendingControls.SpendingLimits, now); read {
		scope := store.Query{Equal: []store.Field{{Name: "cardholder", Value: holder.ID}}}
		if holderSpend, err = readSpend(ctx, rd, acct, scope, start, bounded); err != nil {
			return nil, nil, fmt.Errorf("spending of cardholder %s: %w", holder.ID, err)
		}
	}
	return cardSpend, holderSpend, nil
}

// readSpend reads the authorizations and force captures that scope (a
// card's Parent or a cardholder filter) selects, created from start on.
func readSpend(ctx context.Context, rd store.Reader, acct issuing.Account, scope store.Query, start time.Time, bounded bool) ([]Spend, error) {
	var created store.Range
	if bounded {
		from := start.Unix()
		created.Gte = &from
	}
	var out []Spend
	auths := scope
	auths.Account, auths.Kind, auths.Created = acct.ID, Kind, created
	err := each(ctx, rd, auths, func(obj store.Object) error {
		// Only the fields spending depends on are decoded: a card can
		// have many authorizations in an interval, and each request
		// reads them all.
		var r spendFields
		if err := document.Unmarshal(obj.Data, &r); err != nil {
			return fmt.Errorf("decode authorization %s: %w", obj.ID, err)
		}
		if s := r.spent(); s > 0 {
			out = append(out, Spend{At: r.Created, Amount: s, Category: r.MerchantData.Category})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	captures := scope
	captures.Account, captures.Kind, captures.Created = acct.ID, transaction.Kind, created
	captures.Equal = append(append([]store.Field(nil), scope.Equal...), store.Field{Name: "type", Value: transaction.TypeCapture})
	err = each(ctx, rd, captures, func(obj store.Object) error {
		t, err := transaction.Render(obj)
		if err != nil {
			return err
		}
		// Captures of authorizations count through their authorization.
		if t.Authorization == nil {
			out = append(out, Spend{At: t.Created, Amount: transaction.Abs(t.Amount), Category: t.MerchantData.Category})
		}
		return nil
	})
	return out, err
}

// spendFields are the fields of a stored authorization that what it spent
// depends on.
type spendFields struct {
	Amount         int64           `json:"amount"`
	Approved       bool            `json:"approved"`
	Captured       int64           `json:"captured"`
	Created        int64           `json:"created"`
	PendingRequest json.RawMessage `json:"pending_request"`
	Status         string          `json:"status"`
	MerchantData   struct {
		Category string `json:"category"`
	} `json:"merchant_data"`
}

// spent is what an authorization counts towards spending limits: what it
// still holds while pending (approved, or waiting for a real-time answer)
// plus what its captures took.
func (r *spendFields) spent() int64 {
	held := int64(0)
	waiting := len(r.PendingRequest) > 0 && string(r.PendingRequest) != "null"
	if r.Status == StatusPending && (r.Approved || waiting) {
		held = r.Amount
	}
	return held + r.Captured
}

// each calls fn for every object q selects, a page at a time.
func each(ctx context.Context, rd store.Reader, q store.Query, fn func(store.Object) error) error {
	q.Limit = pageSize
	for {
		page, err := rd.List(ctx, q)
		if err != nil {
			return err
		}
		for _, obj := range page.Objects {
			if err := fn(obj); err != nil {
				return err
			}
		}
		if !page.HasMore || len(page.Objects) == 0 {
			return nil
		}
		q.StartingAfter = page.Objects[len(page.Objects)-1].ID
	}
}
