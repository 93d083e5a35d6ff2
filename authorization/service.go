package authorization

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/transaction"
)

// Get reads an authorization as clients see it; param names the parameter
// that referred to it, for the 404.
func Get(ctx context.Context, rd store.Reader, acct issuing.Account, id, param string) (*Authorization, error) {
	obj, err := document.Load(ctx, rd, acct, kind, id, param)
	if err != nil {
		return nil, err
	}
	return Render(ctx, rd, obj)
}

// Render turns a stored authorization into the object clients see, with
// its card and transactions as they are now.
func Render(ctx context.Context, rd store.Reader, obj store.Object) (*Authorization, error) {
	r, err := decode(obj)
	if err != nil {
		return nil, err
	}
	return r.view(ctx, rd, obj.Account)
}

// Update changes an authorization's metadata, the only thing a client may
// change, whatever its status, and records issuing_authorization.updated
// when it changed.
func Update(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, metadata any) (*Authorization, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	return change(ctx, tx, acct, now, r, func() error {
		md, err := issuing.MergeMetadata(r.Metadata, metadata)
		r.Metadata = md
		return err
	})
}

// change applies fn to a stored authorization, saves it and records
// issuing_authorization.updated with what changed.
func change(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, r *record, fn func() error) (*Authorization, error) {
	before, err := r.view(ctx, tx, acct.ID)
	if err != nil {
		return nil, err
	}
	if err := fn(); err != nil {
		return nil, err
	}
	if err := save(ctx, tx, acct, r, false); err != nil {
		return nil, err
	}
	after, err := r.view(ctx, tx, acct.ID)
	if err != nil {
		return nil, err
	}
	if err := event.Updated(ctx, tx, acct, now.Unix(), "issuing_authorization.updated", before, after); err != nil {
		return nil, err
	}
	return after, nil
}

// linkRefund lists a refund of one of an authorization's captures among
// its transactions.
func linkRefund(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, t *transaction.Transaction) error {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return fmt.Errorf("link refund %s: %w", t.ID, err)
	}
	_, err = change(ctx, tx, acct, now, r, func() error {
		r.Transactions = append(r.Transactions, t.ID)
		return nil
	})
	return err
}

func init() {
	transaction.OnLinkedRefund(linkRefund)
}

// view renders a stored authorization, loading its card (with the
// cardholder) and its transactions.
func (r *record) view(ctx context.Context, rd store.Reader, account string) (*Authorization, error) {
	a := r.Authorization
	cardObj, err := rd.Get(ctx, account, card.Kind, r.Card)
	if err != nil {
		return nil, fmt.Errorf("authorization %s: load card %s: %w", r.ID, r.Card, err)
	}
	if a.Card, err = card.Render(ctx, rd, cardObj, card.Secrets{}); err != nil {
		return nil, err
	}
	a.Transactions = make([]*transaction.Transaction, 0, len(r.Transactions))
	for _, id := range r.Transactions {
		obj, err := rd.Get(ctx, account, transaction.Kind, id)
		if err != nil {
			return nil, fmt.Errorf("authorization %s: load transaction %s: %w", r.ID, id, err)
		}
		t, err := transaction.Render(obj)
		if err != nil {
			return nil, err
		}
		a.Transactions = append(a.Transactions, t)
	}
	a.BalanceTransactions = []any{}
	// Copies, so that a view taken before a change keeps what it saw.
	a.RequestHistory = append([]Request{}, r.RequestHistory...)
	a.FraudChallenges = slices.Clone(r.FraudChallenges)
	return &a, nil
}

func loadForUpdate(ctx context.Context, tx store.Tx, acct issuing.Account, id string) (*record, error) {
	return document.LoadForUpdate[record](ctx, tx, acct, kind, id, "authorization")
}

func decode(obj store.Object) (*record, error) { return document.Decode[record](kind, obj) }

// save writes an authorization with its card as Parent, so that a card's
// authorizations list by index.
func save(ctx context.Context, tx store.Tx, acct issuing.Account, r *record, insert bool) error {
	return document.Save(ctx, tx, acct, kind, document.Meta{ID: r.ID, Created: r.Created, Parent: r.Card}, r, insert)
}

// kind is how package document names this package's objects.
var kind = document.Kind{Name: Kind, Noun: Noun}
