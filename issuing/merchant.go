package issuing

import "strings"

// MerchantData describes the seller of a card payment, as authorizations
// and transactions report it.
type MerchantData struct {
	Category     string  `json:"category"`
	CategoryCode string  `json:"category_code"`
	City         *string `json:"city"`
	Country      *string `json:"country"`
	Name         *string `json:"name"`
	NetworkID    string  `json:"network_id"`
	PostalCode   *string `json:"postal_code"`
	State        *string `json:"state"`
	TaxID        *string `json:"tax_id"`
	TerminalID   *string `json:"terminal_id"`
	URL          *string `json:"url"`
}

// MerchantParams is the merchant_data parameter of the test helpers that
// play a merchant; every field may be left out.
type MerchantParams struct {
	Category   *string `json:"category"`
	City       *string `json:"city"`
	Country    *string `json:"country"`
	Name       *string `json:"name"`
	NetworkID  *string `json:"network_id"`
	PostalCode *string `json:"postal_code"`
	State      *string `json:"state"`
	TerminalID *string `json:"terminal_id"`
	URL        *string `json:"url"`
}

// defaultMerchant is who sells when a test does not say: a taxi company in
// San Francisco, as in Stripe's own examples.
var defaultMerchant = MerchantData{
	Category:   "taxicabs_limousines",
	City:       ptr("San Francisco"),
	Country:    ptr("US"),
	Name:       ptr("Rocket Rides"),
	NetworkID:  "1234567890",
	PostalCode: ptr("94107"),
	State:      ptr("CA"),
}

// NewMerchantData fills the merchant a test described over the default one,
// field by field, and derives the category code from the category.
func NewMerchantData(p *MerchantParams) MerchantData {
	m := defaultMerchant
	if p != nil {
		if p.Category != nil {
			m.Category = *p.Category
		}
		if p.NetworkID != nil {
			m.NetworkID = *p.NetworkID
		}
		for _, f := range []struct {
			dst **string
			src *string
		}{
			{&m.City, p.City}, {&m.Country, p.Country}, {&m.Name, p.Name},
			{&m.PostalCode, p.PostalCode}, {&m.State, p.State},
			{&m.TerminalID, p.TerminalID}, {&m.URL, p.URL},
		} {
			if f.src != nil {
				v := *f.src
				*f.dst = &v
			}
		}
	}
	if m.Country != nil {
		upper := strings.ToUpper(*m.Country)
		m.Country = &upper
	}
	m.CategoryCode, _ = CategoryCode(m.Category)
	return m
}

// CategoryCode returns the four-digit merchant category code of a category
// name; ok is false for a name that is not one of Stripe's categories.
func CategoryCode(category string) (code string, ok bool) {
	code, ok = categoryCodes[category]
	return code, ok
}

// AmountDetails breaks an amount down into the parts a merchant reports.
type AmountDetails struct {
	ATMFee         *int64 `json:"atm_fee"`
	CashbackAmount *int64 `json:"cashback_amount"`
}

func ptr[T any](v T) *T { return &v }
