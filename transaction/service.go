package transaction

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Get reads a transaction; param names the parameter that referred to it,
// for the 404.
func Get(ctx context.Context, rd store.Reader, acct issuing.Account, id, param string) (*Transaction, error) {
	obj, err := document.Load(ctx, rd, acct, kind, id, param)
	if err != nil {
		return nil, err
	}
	return Render(obj)
}

// Render turns a stored transaction into the object clients see.
func Render(obj store.Object) (*Transaction, error) {
	r, err := decode(obj)
	if err != nil {
		return nil, err
	}
	return r.view(), nil
}

// Update changes a transaction's metadata, the only thing a client may
// change, and records issuing_transaction.updated when it changed.
func Update(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, metadata any) (*Transaction, error) {
	r, err := loadForUpdate(ctx, tx, acct, id, "transaction")
	if err != nil {
		return nil, err
	}
	before := r.view()
	md, err := issuing.MergeMetadata(r.Metadata, metadata)
	if err != nil {
		return nil, err
	}
	r.Metadata = md
	if err := saveUpdate(ctx, tx, acct, now, r, before); err != nil {
		return nil, err
	}
	return r.view(), nil
}

// ForDispute reads a transaction for update on behalf of a new dispute,
// with how much of it refunds have given back, which the dispute rules
// need.
func ForDispute(ctx context.Context, tx store.Tx, acct issuing.Account, id string) (t *Transaction, refunded int64, err error) {
	r, err := loadForUpdate(ctx, tx, acct, id, "transaction")
	if err != nil {
		return nil, 0, err
	}
	return r.view(), r.Refunded, nil
}

// SetDispute points a transaction at the dispute opened on it and records
// issuing_transaction.updated.
func SetDispute(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id, dispute string) error {
	r, err := loadForUpdate(ctx, tx, acct, id, "transaction")
	if err != nil {
		return err
	}
	before := r.view()
	r.Dispute = &dispute
	return saveUpdate(ctx, tx, acct, now, r, before)
}

func (r *record) view() *Transaction {
	t := r.Transaction
	return &t
}

// insert stores a new transaction and records issuing_transaction.created
// and, when it comes with receipt lines, the event of its receipt
// (Stripe's trigger for that event is a force capture with a receipt).
// Receipts arrive only with the transaction: no call changes them later.
func insert(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, r *record) error {
	if err := save(ctx, tx, acct, r, true); err != nil {
		return err
	}
	if err := event.Created(ctx, tx, acct, now.Unix(), "issuing_transaction.created", r.view()); err != nil {
		return err
	}
	if r.PurchaseDetails == nil || len(r.PurchaseDetails.Receipt) == 0 {
		return nil
	}
	return event.Happened(ctx, tx, acct, now.Unix(), "issuing_transaction.purchase_details_receipt_updated", r.view())
}

func saveUpdate(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, r *record, before *Transaction) error {
	if err := save(ctx, tx, acct, r, false); err != nil {
		return err
	}
	return event.Updated(ctx, tx, acct, now.Unix(), "issuing_transaction.updated", before, r.view())
}

func loadForUpdate(ctx context.Context, tx store.Tx, acct issuing.Account, id, param string) (*record, error) {
	return document.LoadForUpdate[record](ctx, tx, acct, kind, id, param)
}

func decode(obj store.Object) (*record, error) { return document.Decode[record](kind, obj) }

// save writes a transaction with its card as Parent, so that a card's
// transactions list by index.
func save(ctx context.Context, tx store.Tx, acct issuing.Account, r *record, insert bool) error {
	return document.Save(ctx, tx, acct, kind, document.Meta{ID: r.ID, Created: r.Created, Parent: r.Card}, r, insert)
}

// kind is how package document names this package's objects.
var kind = document.Kind{Name: Kind, Noun: Noun}
