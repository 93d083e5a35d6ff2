// Package card holds Issuing cards, virtual and physical: how they are
// issued, what their numbers look like, and which status changes are
// allowed.
package card

import (
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/issuing"
)

// Kind is Stripe's object name for cards.
const Kind = "issuing.card"

// Noun is how errors name a card.
const Noun = "issuing card"

// Card is the issuing.card object.
type Card struct {
	ID                    string                   `json:"id"`
	Object                string                   `json:"object"`
	Brand                 string                   `json:"brand"`
	CancellationReason    *string                  `json:"cancellation_reason"`
	Cardholder            *cardholder.Cardholder   `json:"cardholder"`
	Created               int64                    `json:"created"`
	Currency              string                   `json:"currency"`
	CVC                   string                   `json:"cvc,omitempty"`
	ExpMonth              int64                    `json:"exp_month"`
	ExpYear               int64                    `json:"exp_year"`
	FinancialAccount      *string                  `json:"financial_account"`
	Last4                 string                   `json:"last4"`
	LatestFraudWarning    *FraudWarning            `json:"latest_fraud_warning"`
	LifecycleControls     *LifecycleControls       `json:"lifecycle_controls"`
	Livemode              bool                     `json:"livemode"`
	Metadata              issuing.Metadata         `json:"metadata"`
	Number                string                   `json:"number,omitempty"`
	PersonalizationDesign *string                  `json:"personalization_design"`
	ReplacedBy            *string                  `json:"replaced_by"`
	ReplacementFor        *string                  `json:"replacement_for"`
	ReplacementReason     *string                  `json:"replacement_reason"`
	SecondLine            *string                  `json:"second_line"`
	Shipping              *Shipping                `json:"shipping"`
	SpendingControls      issuing.SpendingControls `json:"spending_controls"`
	Status                string                   `json:"status"`
	Type                  string                   `json:"type"`
	Wallets               *Wallets                 `json:"wallets"`
}

// Card statuses.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
	StatusCanceled = "canceled"
)

// FraudWarning is the latest fraud warning on a card.
type FraudWarning struct {
	StartedAt *int64  `json:"started_at"`
	Type      *string `json:"type"`
}

// LifecycleControls cancel a card after a number of payments.
type LifecycleControls struct {
	CancelAfter struct {
		PaymentCount int64 `json:"payment_count"`
	} `json:"cancel_after"`
}

// Shipping describes how a physical card travels to its cardholder.
type Shipping struct {
	Address           issuing.Address    `json:"address"`
	AddressValidation *AddressValidation `json:"address_validation"`
	BusinessName      *string            `json:"business_name"`
	Carrier           *string            `json:"carrier"`
	Customs           *Customs           `json:"customs"`
	ETA               *int64             `json:"eta"`
	Name              string             `json:"name"`
	PhoneNumber       *string            `json:"phone_number"`
	RequireSignature  *bool              `json:"require_signature"`
	Service           string             `json:"service"`
	Status            *string            `json:"status"`
	TrackingNumber    *string            `json:"tracking_number"`
	TrackingURL       *string            `json:"tracking_url"`
	Type              string             `json:"type"`
}

// AddressValidation is the requested validation of the shipping address
// and its outcome.
type AddressValidation struct {
	Mode              string           `json:"mode"`
	NormalizedAddress *issuing.Address `json:"normalized_address"`
	Result            *string          `json:"result"`
}

// Customs holds customs details for international shipping.
type Customs struct {
	EORINumber *string `json:"eori_number"`
}

// Wallets tells whether the card can be added to digital wallets.
type Wallets struct {
	ApplePay                 WalletEligibility `json:"apple_pay"`
	GooglePay                WalletEligibility `json:"google_pay"`
	PrimaryAccountIdentifier *string           `json:"primary_account_identifier"`
}

// WalletEligibility is one wallet's eligibility.
type WalletEligibility struct {
	Eligible         bool    `json:"eligible"`
	IneligibleReason *string `json:"ineligible_reason"`
}

// record is a card as stored: the cardholder by id (it is embedded fresh on
// every read) and the full number and CVC, shown only when asked for.
type record struct {
	Card
	Cardholder string `json:"cardholder"`
	Number     string `json:"number"`
	CVC        string `json:"cvc"`
}

// Shipping statuses.
const (
	ShippingPending   = "pending"
	ShippingSubmitted = "submitted"
	ShippingShipped   = "shipped"
	ShippingDelivered = "delivered"
	ShippingReturned  = "returned"
	ShippingFailure   = "failure"
	ShippingCanceled  = "canceled"
)
