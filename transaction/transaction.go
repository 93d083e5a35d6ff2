// Package transaction holds Issuing transactions: the money that actually
// moves after an authorization (captures, negative, and refunds, positive),
// including the ones no authorization precedes (force captures and unlinked
// refunds), and the test helpers that create them.
package transaction

import "github.com/localissuing/localissuing/issuing"

// Kind is Stripe's object name for transactions.
const Kind = "issuing.transaction"

// Noun is how errors name a transaction.
const Noun = "issuing transaction"

// Transaction types.
const (
	TypeCapture = "capture"
	TypeRefund  = "refund"
)

// Transaction is the issuing.transaction object. Amounts are signed from
// the cardholder's point of view: a capture takes money (negative), a
// refund gives it back (positive).
type Transaction struct {
	ID                 string                 `json:"id"`
	Object             string                 `json:"object"`
	Amount             int64                  `json:"amount"`
	AmountDetails      *issuing.AmountDetails `json:"amount_details"`
	Authorization      *string                `json:"authorization"`
	BalanceTransaction *string                `json:"balance_transaction"`
	Card               string                 `json:"card"`
	Cardholder         *string                `json:"cardholder"`
	Created            int64                  `json:"created"`
	Currency           string                 `json:"currency"`
	Dispute            *string                `json:"dispute"`
	Livemode           bool                   `json:"livemode"`
	MerchantAmount     int64                  `json:"merchant_amount"`
	MerchantCurrency   string                 `json:"merchant_currency"`
	MerchantData       issuing.MerchantData   `json:"merchant_data"`
	Metadata           issuing.Metadata       `json:"metadata"`
	NetworkData        *NetworkData           `json:"network_data"`
	PurchaseDetails    *PurchaseDetails       `json:"purchase_details"`
	Token              *string                `json:"token"`
	Treasury           *Treasury              `json:"treasury"`
	Type               string                 `json:"type"`
	Wallet             *string                `json:"wallet"`
}

// NetworkData holds the card network's references for a transaction.
type NetworkData struct {
	AuthorizationCode *string `json:"authorization_code"`
	ProcessingDate    *string `json:"processing_date"`
	TransactionID     *string `json:"transaction_id"`
}

// Treasury links a transaction to Treasury money movements; this server
// has no Treasury, so it is always null.
type Treasury struct {
	ReceivedCredit *string `json:"received_credit"`
	ReceivedDebit  *string `json:"received_debit"`
}

// record is a transaction as stored: the object plus what the API does not
// show but the rules need.
type record struct {
	Transaction
	// Refunded is, for a capture, how much of it refunds have already
	// given back, so a refund can never exceed what was captured.
	Refunded int64 `json:"refunded"`
}

// Abs returns the size of an amount whatever its sign.
func Abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
