// Package design holds Issuing personalization designs: the look of a
// physical card (its physical bundle, logo and carrier text), the lookup
// keys that name designs, the account's default design, and the review a
// design goes through before cards printed with it can ship. The test
// helpers that play Stripe's review live here too.
package design

import "github.com/localissuing/localissuing/issuing"

// Kind is Stripe's object name for personalization designs.
const Kind = "issuing.personalization_design"

// Noun is how errors name a personalization design.
const Noun = "issuing personalization design"

// Design statuses.
const (
	StatusReview   = "review"
	StatusActive   = "active"
	StatusInactive = "inactive"
	StatusRejected = "rejected"
)

// Design is the issuing.personalization_design object.
type Design struct {
	ID               string           `json:"id"`
	Object           string           `json:"object"`
	CardLogo         *string          `json:"card_logo"`
	CarrierText      *CarrierText     `json:"carrier_text"`
	Created          int64            `json:"created"`
	Livemode         bool             `json:"livemode"`
	LookupKey        *string          `json:"lookup_key"`
	Metadata         issuing.Metadata `json:"metadata"`
	Name             *string          `json:"name"`
	PhysicalBundle   string           `json:"physical_bundle"`
	Preferences      Preferences      `json:"preferences"`
	RejectionReasons RejectionReasons `json:"rejection_reasons"`
	Status           string           `json:"status"`
}

// CarrierText is the text printed on the letter a card is mailed with.
type CarrierText struct {
	FooterBody  *string `json:"footer_body"`
	FooterTitle *string `json:"footer_title"`
	HeaderBody  *string `json:"header_body"`
	HeaderTitle *string `json:"header_title"`
}

// empty tells whether no part of the carrier text is set.
func (c *CarrierText) empty() bool {
	return c == nil || c.FooterBody == nil && c.FooterTitle == nil && c.HeaderBody == nil && c.HeaderTitle == nil
}

// Preferences say whether the design is the one cards get when they name
// none.
type Preferences struct {
	IsDefault bool `json:"is_default"`
	// IsPlatformDefault concerns Connect platforms, which localissuing does
	// not model: it is always null.
	IsPlatformDefault *bool `json:"is_platform_default"`
}

// RejectionReasons say why review rejected the design's logo or carrier
// text. Both lists are empty unless the design is rejected.
type RejectionReasons struct {
	CardLogo    []string `json:"card_logo"`
	CarrierText []string `json:"carrier_text"`
}

// record is a design as stored. The store filters lists on top-level fields
// only, so the preferences that lists filter on are copied to the top level.
type record struct {
	Design
	IsDefault         bool `json:"is_default"`
	IsPlatformDefault bool `json:"is_platform_default"`
}

// view is the design as clients see it.
func (r *record) view() *Design {
	d := r.Design
	ct := *r.CarrierText
	d.CarrierText = &ct
	d.Metadata = issuing.Metadata{}
	for k, v := range r.Metadata {
		d.Metadata[k] = v
	}
	return &d
}
