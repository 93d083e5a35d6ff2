// Package physicalbundle holds Issuing physical bundles: the card stock,
// carrier and envelope combinations a physical card is printed on. Stripe
// offers them read-only, so localissuing serves a fixed catalogue that every
// account sees under ids of its own.
package physicalbundle

// Kind is Stripe's object name for physical bundles.
const Kind = "issuing.physical_bundle"

// Noun is how errors name a physical bundle.
const Noun = "issuing physical bundle"

// Bundle statuses.
const (
	StatusActive   = "active"
	StatusInactive = "inactive"
	StatusReview   = "review"
)

// Bundle types.
const (
	TypeStandard = "standard"
	TypeCustom   = "custom"
)

// Feature support levels: whether a design on the bundle must, may or must
// not carry a feature.
const (
	Optional    = "optional"
	Required    = "required"
	Unsupported = "unsupported"
)

// Bundle is the issuing.physical_bundle object.
type Bundle struct {
	ID       string   `json:"id"`
	Object   string   `json:"object"`
	Features Features `json:"features"`
	Livemode bool     `json:"livemode"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Type     string   `json:"type"`
}

// Features tells which personalizations the bundle takes.
type Features struct {
	CardLogo    string `json:"card_logo"`
	CarrierText string `json:"carrier_text"`
	SecondLine  string `json:"second_line"`
}
