// Package authorization holds Issuing authorizations: a merchant's request
// to hold money on a card, how it is decided (the card's and cardholder's
// status and spending controls, spending limits counted against what was
// already spent), and the test helpers that play the merchant afterwards
// (capture, increment, reverse, expire, finalize) and the cardholder
// answering a fraud challenge.
package authorization

import (
	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/transaction"
)

// Kind is Stripe's object name for authorizations.
const Kind = "issuing.authorization"

// Noun is how errors name an authorization.
const Noun = "issuing authorization"

// Authorization statuses.
const (
	StatusPending  = "pending"
	StatusClosed   = "closed"
	StatusReversed = "reversed"
	StatusExpired  = "expired"
)

// Authorization is the issuing.authorization object. Amount is what the
// authorization holds now: it starts at the approved amount, grows with
// increments and shrinks with captures and reversals, and is 0 once the
// authorization no longer holds anything (closed after capture, reversed,
// expired). A declined authorization keeps the amount it asked for.
type Authorization struct {
	ID                       string                     `json:"id"`
	Object                   string                     `json:"object"`
	Amount                   int64                      `json:"amount"`
	AmountDetails            *issuing.AmountDetails     `json:"amount_details"`
	Approved                 bool                       `json:"approved"`
	AuthorizationMethod      string                     `json:"authorization_method"`
	BalanceTransactions      []any                      `json:"balance_transactions"`
	Card                     *card.Card                 `json:"card"`
	CardPresence             *string                    `json:"card_presence"`
	Cardholder               *string                    `json:"cardholder"`
	Created                  int64                      `json:"created"`
	Currency                 string                     `json:"currency"`
	Fleet                    *Fleet                     `json:"fleet"`
	FraudChallenges          []FraudChallenge           `json:"fraud_challenges"`
	Fuel                     *Fuel                      `json:"fuel"`
	Livemode                 bool                       `json:"livemode"`
	MerchantAmount           int64                      `json:"merchant_amount"`
	MerchantCurrency         string                     `json:"merchant_currency"`
	MerchantData             issuing.MerchantData       `json:"merchant_data"`
	Metadata                 issuing.Metadata           `json:"metadata"`
	NetworkData              *NetworkData               `json:"network_data"`
	PendingRequest           *PendingRequest            `json:"pending_request"`
	RequestHistory           []Request                  `json:"request_history"`
	Status                   string                     `json:"status"`
	Token                    *string                    `json:"token"`
	Transactions             []*transaction.Transaction `json:"transactions"`
	Treasury                 *Treasury                  `json:"treasury"`
	VerificationData         VerificationData           `json:"verification_data"`
	VerifiedByFraudChallenge *bool                      `json:"verified_by_fraud_challenge"`
	Wallet                   *string                    `json:"wallet"`
}

// Request is one entry of request_history: a request to hold money (the
// first one, or an increment) and how it was decided.
type Request struct {
	Amount            int64                  `json:"amount"`
	AmountDetails     *issuing.AmountDetails `json:"amount_details"`
	Approved          bool                   `json:"approved"`
	AuthorizationCode *string                `json:"authorization_code"`
	Created           int64                  `json:"created"`
	Currency          string                 `json:"currency"`
	MerchantAmount    int64                  `json:"merchant_amount"`
	MerchantCurrency  string                 `json:"merchant_currency"`
	NetworkRiskScore  *int64                 `json:"network_risk_score"`
	Reason            string                 `json:"reason"`
	ReasonMessage     *string                `json:"reason_message"`
	RequestedAt       *int64                 `json:"requested_at"`
}

// PendingRequest is a request waiting for the answer of a real-time
// authorization endpoint.
type PendingRequest struct {
	Amount               int64                  `json:"amount"`
	AmountDetails        *issuing.AmountDetails `json:"amount_details"`
	Currency             string                 `json:"currency"`
	IsAmountControllable bool                   `json:"is_amount_controllable"`
	MerchantAmount       int64                  `json:"merchant_amount"`
	MerchantCurrency     string                 `json:"merchant_currency"`
	NetworkRiskScore     *int64                 `json:"network_risk_score"`
}

// VerificationData is what the network checked of the card details given.
type VerificationData struct {
	AddressLine1Check       string                   `json:"address_line1_check"`
	AddressPostalCodeCheck  string                   `json:"address_postal_code_check"`
	AuthenticationExemption *AuthenticationExemption `json:"authentication_exemption"`
	CVCCheck                string                   `json:"cvc_check"`
	ExpiryCheck             string                   `json:"expiry_check"`
	PostalCode              *string                  `json:"postal_code"`
	ThreeDSecure            *ThreeDSecure            `json:"three_d_secure"`
}

// AuthenticationExemption is a 3-D Secure exemption that was claimed.
type AuthenticationExemption struct {
	ClaimedBy string `json:"claimed_by"`
	Type      string `json:"type"`
}

// ThreeDSecure is the outcome of 3-D Secure.
type ThreeDSecure struct {
	Result string `json:"result"`
}

// Verification check outcomes.
const (
	CheckMatch       = "match"
	CheckMismatch    = "mismatch"
	CheckNotProvided = "not_provided"
)

// NetworkData holds the card network's references for an authorization.
type NetworkData struct {
	AcquiringInstitutionID *string `json:"acquiring_institution_id"`
	SystemTraceAuditNumber *string `json:"system_trace_audit_number"`
	TransactionID          *string `json:"transaction_id"`
}

// FraudChallenge is a challenge sent to the cardholder about an
// authorization declined as suspected fraud.
type FraudChallenge struct {
	Channel             string  `json:"channel"`
	Status              string  `json:"status"`
	UndeliverableReason *string `json:"undeliverable_reason"`
}

// Fraud challenge statuses.
const (
	ChallengePending       = "pending"
	ChallengeVerified      = "verified"
	ChallengeRejected      = "rejected"
	ChallengeUndeliverable = "undeliverable"
)

// Fleet is fleet-card data reported with an authorization.
type Fleet struct {
	CardholderPromptData *FleetPrompt                `json:"cardholder_prompt_data"`
	PurchaseType         *string                     `json:"purchase_type"`
	ReportedBreakdown    *transaction.FleetBreakdown `json:"reported_breakdown"`
	ServiceType          *string                     `json:"service_type"`
}

// FleetPrompt is what the driver typed at the pump.
type FleetPrompt struct {
	AlphanumericID *string `json:"alphanumeric_id"`
	DriverID       *string `json:"driver_id"`
	Odometer       *int64  `json:"odometer"`
	UnspecifiedID  *string `json:"unspecified_id"`
	UserID         *string `json:"user_id"`
	VehicleNumber  *string `json:"vehicle_number"`
}

// Fuel describes the fuel an authorization paid for.
type Fuel struct {
	IndustryProductCode *string `json:"industry_product_code"`
	QuantityDecimal     *string `json:"quantity_decimal"`
	Type                *string `json:"type"`
	Unit                *string `json:"unit"`
	UnitCostDecimal     *string `json:"unit_cost_decimal"`
}

// Treasury links an authorization to Treasury money movements; this server
// has no Treasury, so it is always null.
type Treasury struct {
	ReceivedCredits []string `json:"received_credits"`
	ReceivedDebits  []string `json:"received_debits"`
	Transaction     *string  `json:"transaction"`
}

// record is an authorization as stored: the card and transactions by id
// (they are rendered fresh on every read), and what the rules need but the
// API does not show.
type record struct {
	Authorization
	Card         string   `json:"card"`
	Transactions []string `json:"transactions"`
	// Captured is the total its captures took, which counts as spent
	// for spending limits however the authorization ends.
	Captured int64 `json:"captured"`
	// IsAmountControllable is what the last request said, for the pending
	// request a real-time endpoint answers.
	IsAmountControllable bool `json:"is_amount_controllable"`
	// FraudRisk is the fraud risk level the network reported, if any.
	FraudRisk string `json:"fraud_risk,omitempty"`
	// PendingID names the pending request, if any, so that an answer is
	// recorded only on the request it answers (see SettleRequest).
	PendingID string `json:"pending_id,omitempty"`
}

// fleetFromParam turns the fleet parameter, which has the shape of a
// transaction's fleet data, into an authorization's.
func fleetFromParam(p *transaction.Fleet) *Fleet {
	if p == nil {
		return nil
	}
	f := &Fleet{PurchaseType: p.PurchaseType, ReportedBreakdown: p.ReportedBreakdown, ServiceType: p.ServiceType}
	if c := p.CardholderPromptData; c != nil {
		f.CardholderPromptData = &FleetPrompt{DriverID: c.DriverID, Odometer: c.Odometer,
			UnspecifiedID: c.UnspecifiedID, UserID: c.UserID, VehicleNumber: c.VehicleNumber}
	}
	return f
}
