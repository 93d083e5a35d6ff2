// Package cardholder holds Issuing cardholders: the people and companies
// cards are issued to, and the rules for creating and changing them.
package cardholder

import (
	"github.com/localissuing/localissuing/issuing"
)

// Kind is Stripe's object name for cardholders.
const Kind = "issuing.cardholder"

// Noun is how errors name a cardholder.
const Noun = "issuing cardholder"

// Cardholder is the issuing.cardholder object.
type Cardholder struct {
	ID               string                    `json:"id"`
	Object           string                    `json:"object"`
	Billing          Billing                   `json:"billing"`
	Company          *Company                  `json:"company"`
	Created          int64                     `json:"created"`
	Email            *string                   `json:"email"`
	Individual       *Individual               `json:"individual"`
	Livemode         bool                      `json:"livemode"`
	Metadata         issuing.Metadata          `json:"metadata"`
	Name             string                    `json:"name"`
	PhoneNumber      *string                   `json:"phone_number"`
	PreferredLocales []string                  `json:"preferred_locales"`
	Requirements     Requirements              `json:"requirements"`
	SpendingControls *issuing.SpendingControls `json:"spending_controls"`
	Status           string                    `json:"status"`
	Type             string                    `json:"type"`
}

// Billing holds the cardholder's billing address.
type Billing struct {
	Address issuing.Address `json:"address"`
}

// Company describes a company cardholder. The tax id itself is never shown.
type Company struct {
	TaxIDProvided bool `json:"tax_id_provided"`
}

// Individual describes a person.
type Individual struct {
	CardIssuing  *CardIssuing  `json:"card_issuing"`
	DOB          *DOB          `json:"dob"`
	FirstName    *string       `json:"first_name"`
	LastName     *string       `json:"last_name"`
	Verification *Verification `json:"verification"`
}

// CardIssuing records the cardholder's acceptance of the card terms.
type CardIssuing struct {
	UserTermsAcceptance *TermsAcceptance `json:"user_terms_acceptance"`
}

// TermsAcceptance says when, where from and with what the terms were
// accepted.
type TermsAcceptance struct {
	Date      *int64  `json:"date"`
	IP        *string `json:"ip"`
	UserAgent *string `json:"user_agent"`
}

// DOB is a date of birth.
type DOB struct {
	Day   *int64 `json:"day"`
	Month *int64 `json:"month"`
	Year  *int64 `json:"year"`
}

// Verification holds identity documents, as file ids.
type Verification struct {
	Document *Document `json:"document"`
}

// Document is the front and back of an identity document.
type Document struct {
	Back  *string `json:"back"`
	Front *string `json:"front"`
}

// Requirements lists what must be supplied before cards can be used. This
// sandbox verifies every cardholder at once, so it is always empty.
type Requirements struct {
	DisabledReason *string  `json:"disabled_reason"`
	PastDue        []string `json:"past_due"`
}
