package dispute

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/transaction"
)

// CreateParams are the parameters of POST /v1/issuing/disputes.
type CreateParams struct {
	Amount      *int64         `json:"amount"`
	Evidence    map[string]any `json:"evidence"`
	Metadata    any            `json:"metadata"`
	Transaction *string        `json:"transaction"`
	Treasury    any            `json:"treasury"`
}

// UpdateParams are the parameters of POST /v1/issuing/disputes/{dispute}.
type UpdateParams struct {
	Amount   *int64         `json:"amount"`
	Evidence map[string]any `json:"evidence"`
	Metadata any            `json:"metadata"`
}

// Create opens a dispute on a capture, unsubmitted, and records
// issuing_dispute.created and, as the transaction now points at it,
// issuing_transaction.updated.
func Create(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, p CreateParams) (*Dispute, error) {
	if p.Transaction == nil {
		if p.Treasury != nil {
			return nil, issuing.Invalid("treasury", "Disputes of Treasury received debits are not supported here: dispute a card transaction with transaction.")
		}
		return nil, issuing.InvalidCode("parameter_missing", "transaction", "Missing required param: transaction.")
	}
	t, refunded, err := transaction.ForDispute(ctx, tx, acct, *p.Transaction)
	if err != nil {
		return nil, err
	}
	if err := checkEligible(t, refunded, now); err != nil {
		return nil, err
	}
	r := &record{Dispute: Dispute{
		ID:          issuing.NewID("idp"),
		Object:      Kind,
		Amount:      transaction.Abs(t.Amount),
		Created:     now.Unix(),
		Currency:    t.Currency,
		Livemode:    acct.Livemode,
		Metadata:    issuing.Metadata{},
		Status:      StatusUnsubmitted,
		Transaction: t.ID,
	}, Evidence: evidence{Reason: DefaultReason}, TransactionCreated: t.Created}
	if err := r.apply(p.Amount, p.Evidence, p.Metadata, transaction.Abs(t.Amount)); err != nil {
		return nil, err
	}
	if err := save(ctx, tx, acct, r, true); err != nil {
		return nil, err
	}
	d := r.view()
	if err := event.Created(ctx, tx, acct, now.Unix(), "issuing_dispute.created", d); err != nil {
		return nil, err
	}
	if err := transaction.SetDispute(ctx, tx, acct, now, t.ID, r.ID); err != nil {
		return nil, err
	}
	return d, nil
}

// Update changes a dispute and records issuing_dispute.updated when
// anything changed. Amount and evidence can change only before the dispute
// is submitted; metadata always.
func Update(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, p UpdateParams) (*Dispute, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if r.Status != StatusUnsubmitted && (p.Amount != nil || p.Evidence != nil) {
		param := "evidence"
		if p.Amount != nil {
			param = "amount"
		}
		return nil, issuing.Invalid(param, "Dispute %s is %s: its amount and evidence can only change before it is submitted; "+
			"only metadata can change now.", r.ID, r.Status)
	}
	most, err := transactionAmount(ctx, tx, acct, r)
	if err != nil {
		return nil, err
	}
	return change(ctx, tx, acct, now, r, func() error {
		return r.apply(p.Amount, p.Evidence, p.Metadata, most)
	})
}

// Submit sends an unsubmitted dispute to the network, which needs some
// evidence for its reason, and records issuing_dispute.updated and
// issuing_dispute.submitted.
func Submit(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, metadata any) (*Dispute, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if r.Status != StatusUnsubmitted {
		return nil, issuing.Invalid("", "Dispute %s is %s: only unsubmitted disputes can be submitted.", r.ID, r.Status)
	}
	if deadline := time.Unix(r.TransactionCreated, 0).Add(disputeWindow); !now.Before(deadline) {
		return nil, issuing.Invalid("", "Dispute %s can no longer be submitted: the deadline, 110 days after its transaction, "+
			"passed on %s.", r.ID, deadline.UTC().Format(time.DateOnly))
	}
	if err := r.Evidence.checkSubmittable(); err != nil {
		return nil, err
	}
	d, err := change(ctx, tx, acct, now, r, func() error {
		md, err := issuing.MergeMetadata(r.Metadata, metadata)
		r.Metadata, r.Status = md, StatusSubmitted
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := event.Happened(ctx, tx, acct, now.Unix(), "issuing_dispute.submitted", d); err != nil {
		return nil, err
	}
	return d, nil
}

// ResolveParams are the parameters of our resolve test helper.
type ResolveParams struct {
	Status     string  `json:"status"`
	LossReason *string `json:"loss_reason"`
}

// Resolve plays the network's verdict on a submitted dispute (won or lost,
// with a loss reason, other by default) or an unsubmitted one running out
// of time (expired). It records issuing_dispute.updated and
// issuing_dispute.closed, and issuing_dispute.funds_reinstated for a won
// dispute.
func Resolve(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, p ResolveParams) (*Dispute, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := checkOutcome(r.ID, r.Status, p.Status); err != nil {
		return nil, err
	}
	if p.LossReason != nil && p.Status != StatusLost {
		return nil, issuing.Invalid("loss_reason", "loss_reason applies only to lost disputes (status=lost).")
	}
	d, err := change(ctx, tx, acct, now, r, func() error {
		r.Status = p.Status
		if p.Status == StatusLost {
			r.LossReason = "other"
			if p.LossReason != nil {
				r.LossReason = *p.LossReason
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	types := []string{"issuing_dispute.closed"}
	if p.Status == StatusWon {
		types = append(types, "issuing_dispute.funds_reinstated")
	}
	for _, typ := range types {
		if err := event.Happened(ctx, tx, acct, now.Unix(), typ, d); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Get reads a dispute; param names the parameter that referred to it, for
// the 404.
func Get(ctx context.Context, rd store.Reader, acct issuing.Account, id, param string) (*Dispute, error) {
	obj, err := document.Load(ctx, rd, acct, kind, id, param)
	if err != nil {
		return nil, err
	}
	return Render(obj)
}

// Render turns a stored dispute into the object clients see.
func Render(obj store.Object) (*Dispute, error) {
	r, err := decode(obj)
	if err != nil {
		return nil, err
	}
	return r.view(), nil
}

// apply sets what create and update share. most is the most the dispute
// may claim: the transaction's amount.
func (r *record) apply(amount *int64, ev map[string]any, metadata any, most int64) error {
	if amount != nil {
		if *amount <= 0 || *amount > most {
			return issuing.Invalid("amount", "Invalid amount: a dispute claims between 1 and the transaction's %d %s (got %d).",
				most, r.Currency, *amount)
		}
		r.Amount = *amount
	}
	if ev != nil {
		r.Evidence.merge(ev)
	}
	md, err := issuing.MergeMetadata(r.Metadata, metadata)
	if err != nil {
		return err
	}
	r.Metadata = md
	return nil
}

// transactionAmount is the amount of a dispute's transaction, the most it
// may claim.
func transactionAmount(ctx context.Context, rd store.Reader, acct issuing.Account, r *record) (int64, error) {
	t, err := transaction.Get(ctx, rd, acct, r.Transaction, "transaction")
	if err != nil {
		return 0, err
	}
	return transaction.Abs(t.Amount), nil
}

// change applies fn to a stored dispute, saves it and records
// issuing_dispute.updated with what changed.
func change(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, r *record, fn func() error) (*Dispute, error) {
	before := r.view()
	if err := fn(); err != nil {
		return nil, err
	}
	if err := save(ctx, tx, acct, r, false); err != nil {
		return nil, err
	}
	after := r.view()
	if err := event.Updated(ctx, tx, acct, now.Unix(), "issuing_dispute.updated", before, after); err != nil {
		return nil, err
	}
	return after, nil
}

func loadForUpdate(ctx context.Context, tx store.Tx, acct issuing.Account, id string) (*record, error) {
	return document.LoadForUpdate[record](ctx, tx, acct, kind, id, "dispute")
}

func decode(obj store.Object) (*record, error) { return document.Decode[record](kind, obj) }

// save writes a dispute with its transaction as Parent, so that a
// transaction's disputes list by index.
func save(ctx context.Context, tx store.Tx, acct issuing.Account, r *record, insert bool) error {
	return document.Save(ctx, tx, acct, kind, document.Meta{ID: r.ID, Created: r.Created, Parent: r.Transaction}, r, insert)
}

// kind is how package document names this package's objects.
var kind = document.Kind{Name: Kind, Noun: Noun}
