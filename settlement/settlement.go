// Package settlement holds Issuing settlements: a card network's daily
// statement of what the issuer owes for the transactions it cleared. In
// test mode a helper makes them and another completes them; Stripe has no
// list of them and no events for them.
package settlement

import "github.com/localissuing/localissuing/issuing"

// Kind is Stripe's object name for settlements.
const Kind = "issuing.settlement"

// Noun is how errors name a settlement.
const Noun = "issuing settlement"

// Settlement statuses.
const (
	StatusPending  = "pending"
	StatusComplete = "complete"
)

// Settlement is the issuing.settlement object.
type Settlement struct {
	ID                          string           `json:"id"`
	Object                      string           `json:"object"`
	BIN                         string           `json:"bin"`
	ClearingDate                int64            `json:"clearing_date"`
	Created                     int64            `json:"created"`
	Currency                    string           `json:"currency"`
	InterchangeFeesAmount       int64            `json:"interchange_fees_amount"`
	Livemode                    bool             `json:"livemode"`
	Metadata                    issuing.Metadata `json:"metadata"`
	NetTotalAmount              int64            `json:"net_total_amount"`
	Network                     string           `json:"network"`
	NetworkFeesAmount           int64            `json:"network_fees_amount"`
	NetworkSettlementIdentifier string           `json:"network_settlement_identifier"`
	SettlementService           string           `json:"settlement_service"`
	Status                      string           `json:"status"`
	TransactionAmount           int64            `json:"transaction_amount"`
	TransactionCount            int64            `json:"transaction_count"`
}
