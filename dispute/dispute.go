// Package dispute holds Issuing disputes: a cardholder contesting a
// capture, the evidence gathered for it, its submission to the network and
// the network's verdict, which a test helper of ours plays since Stripe
// offers none.
package dispute

import "github.com/localissuing/localissuing/issuing"

// Kind is Stripe's object name for disputes.
const Kind = "issuing.dispute"

// Noun is how errors name a dispute.
const Noun = "issuing dispute"

// Dispute statuses.
const (
	StatusUnsubmitted = "unsubmitted"
	StatusSubmitted   = "submitted"
	StatusWon         = "won"
	StatusLost        = "lost"
	StatusExpired     = "expired"
)

// Dispute is the issuing.dispute object.
type Dispute struct {
	ID                  string           `json:"id"`
	Object              string           `json:"object"`
	Amount              int64            `json:"amount"`
	BalanceTransactions []any            `json:"balance_transactions"`
	Created             int64            `json:"created"`
	Currency            string           `json:"currency"`
	Evidence            map[string]any   `json:"evidence"`
	Livemode            bool             `json:"livemode"`
	LossReason          string           `json:"loss_reason,omitempty"`
	Metadata            issuing.Metadata `json:"metadata"`
	Status              string           `json:"status"`
	Transaction         string           `json:"transaction"`
	Treasury            *Treasury        `json:"treasury"`
}

// Treasury links a dispute to a Treasury debit; this server has no
// Treasury, so it is always null.
type Treasury struct {
	DebitReversal *string `json:"debit_reversal"`
	ReceivedDebit string  `json:"received_debit"`
}

// record is a dispute as stored: the evidence as given (see evidence) and
// when its transaction was made, for the submission deadline.
type record struct {
	Dispute
	Evidence           evidence `json:"evidence"`
	TransactionCreated int64    `json:"transaction_created"`
}

func (r *record) view() *Dispute {
	d := r.Dispute
	d.Evidence = r.Evidence.render()
	return &d
}
