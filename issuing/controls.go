package issuing

import "strconv"

// Address is Stripe's postal address; every field may be null.
type Address struct {
	City       *string `json:"city"`
	Country    *string `json:"country"`
	Line1      *string `json:"line1"`
	Line2      *string `json:"line2"`
	PostalCode *string `json:"postal_code"`
	State      *string `json:"state"`
}

// SpendingControls are the rules that decide which authorizations a card or
// cardholder may approve. Cards and cardholders share the shape.
type SpendingControls struct {
	AllowedCardPresences     []string        `json:"allowed_card_presences"`
	AllowedCategories        []string        `json:"allowed_categories"`
	AllowedMerchantCountries []string        `json:"allowed_merchant_countries"`
	BlockedCardPresences     []string        `json:"blocked_card_presences"`
	BlockedCategories        []string        `json:"blocked_categories"`
	BlockedMerchantCountries []string        `json:"blocked_merchant_countries"`
	SpendingLimits           []SpendingLimit `json:"spending_limits"`
	SpendingLimitsCurrency   *string         `json:"spending_limits_currency"`
}

// SpendingLimit caps the amount approved over an interval, optionally only
// for some merchant categories.
type SpendingLimit struct {
	Amount     int64    `json:"amount"`
	Categories []string `json:"categories"`
	Interval   string   `json:"interval"`
}

// Check enforces the rules the schema cannot express: an allow-list and a
// block-list of the same thing are mutually exclusive.
func (c *SpendingControls) Check() error {
	pairs := []struct {
		allowed, blocked []string
		name             string
	}{
		{c.AllowedCategories, c.BlockedCategories, "categories"},
		{c.AllowedMerchantCountries, c.BlockedMerchantCountries, "merchant_countries"},
		{c.AllowedCardPresences, c.BlockedCardPresences, "card_presences"},
	}
	for _, p := range pairs {
		if len(p.allowed) > 0 && len(p.blocked) > 0 {
			return Invalid("spending_controls[blocked_"+p.name+"]",
				"You may only specify one of these parameters: spending_controls[allowed_%s], spending_controls[blocked_%s].",
				p.name, p.name)
		}
	}
	for i, l := range c.SpendingLimits {
		if l.Amount < 0 {
			return Invalid("spending_controls[spending_limits]["+strconv.Itoa(i)+"][amount]",
				"Spending limit amounts must be zero or greater.")
		}
	}
	return nil
}
