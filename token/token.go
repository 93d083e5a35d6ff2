// Package token holds Issuing tokens: the digital-wallet network tokens that
// Apple Pay, Google Pay and Samsung Pay create for a card, their status
// rules, and the test helpers that play the wallet and the card network
// (Stripe has no public call that creates a token).
package token

// Kind is Stripe's object name for tokens.
const Kind = "issuing.token"

// Noun is how errors name a token.
const Noun = "issuing token"

// Token statuses.
const (
	StatusRequested = "requested"
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusDeleted   = "deleted"
)

// Token is the issuing.token object.
type Token struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Card              string       `json:"card"`
	Created           int64        `json:"created"`
	DeviceFingerprint *string      `json:"device_fingerprint"`
	Last4             string       `json:"last4,omitempty"`
	Livemode          bool         `json:"livemode"`
	Network           string       `json:"network"`
	NetworkData       *NetworkData `json:"network_data,omitempty"`
	NetworkUpdatedAt  int64        `json:"network_updated_at"`
	Status            string       `json:"status"`
	WalletProvider    string       `json:"wallet_provider,omitempty"`
}

// NetworkData is what the card network reported when the token was
// provisioned. Stripe shows it only on request and only for a day.
type NetworkData struct {
	Device         *Device         `json:"device,omitempty"`
	Mastercard     *Mastercard     `json:"mastercard,omitempty"`
	Type           string          `json:"type"`
	Visa           *Visa           `json:"visa,omitempty"`
	WalletProvider *WalletProvider `json:"wallet_provider,omitempty"`
}

// Device is the device the token lives on.
type Device struct {
	DeviceFingerprint string `json:"device_fingerprint,omitempty"`
	IPAddress         string `json:"ip_address,omitempty"`
	Location          string `json:"location,omitempty"`
	Name              string `json:"name,omitempty"`
	PhoneNumber       string `json:"phone_number,omitempty"`
	Type              string `json:"type,omitempty"`
}

// Visa holds Visa's token references.
type Visa struct {
	CardReferenceID  *string `json:"card_reference_id"`
	TokenReferenceID string  `json:"token_reference_id"`
	TokenRequestorID string  `json:"token_requestor_id"`
	TokenRiskScore   string  `json:"token_risk_score,omitempty"`
}

// Mastercard holds Mastercard's token references.
type Mastercard struct {
	CardReferenceID    string `json:"card_reference_id,omitempty"`
	TokenReferenceID   string `json:"token_reference_id"`
	TokenRequestorID   string `json:"token_requestor_id"`
	TokenRequestorName string `json:"token_requestor_name,omitempty"`
}

// WalletProvider is the wallet's own risk assessment.
type WalletProvider struct {
	AccountID                 string             `json:"account_id,omitempty"`
	AccountTrustScore         int64              `json:"account_trust_score,omitempty"`
	CardNumberSource          string             `json:"card_number_source,omitempty"`
	CardholderAddress         *CardholderAddress `json:"cardholder_address,omitempty"`
	CardholderName            string             `json:"cardholder_name,omitempty"`
	DeviceTrustScore          int64              `json:"device_trust_score,omitempty"`
	HashedAccountEmailAddress string             `json:"hashed_account_email_address,omitempty"`
	ReasonCodes               []string           `json:"reason_codes,omitempty"`
	SuggestedDecision         string             `json:"suggested_decision,omitempty"`
	SuggestedDecisionVersion  string             `json:"suggested_decision_version,omitempty"`
}

// CardholderAddress is the address the wallet holds for the cardholder.
type CardholderAddress struct {
	Line1      string `json:"line1"`
	PostalCode string `json:"postal_code"`
}

// record is a token as stored: network data is always kept and shown only
// when the rules allow.
type record struct {
	Token
	NetworkData *NetworkData `json:"network_data"`
}

// networkDataWindow is how long after provisioning Stripe still returns a
// token's network data.
const networkDataWindow = 24 * 60 * 60

// view renders a stored token; withNetworkData adds the network data when
// the token is young enough to still have it.
func (r *record) view(now int64, withNetworkData bool) *Token {
	t := r.Token
	t.NetworkData = nil
	if withNetworkData && now < r.Created+networkDataWindow {
		t.NetworkData = r.NetworkData
	}
	return &t
}
