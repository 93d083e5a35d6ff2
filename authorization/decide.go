package authorization

import (
	"fmt"
	"strings"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/issuing"
)

// Reasons a request is approved or declined, as request_history reports
// them.
const (
	ReasonCardActive           = "card_active"
	ReasonCardCanceled         = "card_canceled"
	ReasonCardExpired          = "card_expired"
	ReasonCardInactive         = "card_inactive"
	ReasonCardholderBlocked    = "cardholder_blocked"
	ReasonCardholderInactive   = "cardholder_inactive"
	ReasonVerificationRequired = "cardholder_verification_required"
	ReasonVerificationFailed   = "verification_failed"
	ReasonSpendingControls     = "spending_controls"
	ReasonSuspectedFraud       = "suspected_fraud"
	ReasonWebhookApproved      = "webhook_approved"
	ReasonWebhookDeclined      = "webhook_declined"
	ReasonWebhookError         = "webhook_error"
	ReasonWebhookTimeout       = "webhook_timeout"
)

// fraudRiskDecline is the network's fraud risk level at which a request is
// declined as suspected fraud and the cardholder is challenged.
const fraudRiskDecline = "highest"

// Input is everything a decision depends on, read beforehand, so that
// deciding is a pure function of it: the same input always gets the same
// answer, whether the test helper, an increment or (later) a real-time
// request asks.
type Input struct {
	Now time.Time
	// Card is the card as it is now, with its cardholder embedded.
	Card *card.Card
	// Amount is the hold asked for now, in the card's currency: the whole
	// amount of a new authorization, the extra amount of an increment.
	Amount int64
	// Total is what the authorization would hold in all if approved, for
	// per-authorization limits.
	Total        int64
	Merchant     issuing.MerchantData
	CardPresence string
	Verification VerificationData
	// FraudRisk is the network's fraud risk level ("" when not assessed).
	FraudRisk string
	// ChallengePassed tells that the cardholder already confirmed a fraud
	// challenge from this merchant on this card.
	ChallengePassed bool
	// CardSpend and HolderSpend are what the card and the cardholder (all
	// their cards) spent before, far enough back for every limit that
	// applies; see Spend.
	CardSpend, HolderSpend []Spend
}

// Decision is the outcome of a request.
type Decision struct {
	Approved bool
	Reason   string
	// Message says in words why a request was declined.
	Message string
	// Challenge asks the cardholder to confirm a request declined as
	// suspected fraud.
	Challenge bool
	// PassedByChallenge tells that a high-risk request was approved
	// because the cardholder confirmed an earlier one from the merchant.
	PassedByChallenge bool
}

// Decide applies Stripe's own rules to a request, in the order Stripe
// applies them: the card, its cardholder, the verification of the card
// details, spending controls (card, then cardholder) and fraud risk. The
// first rule that fails declines; a request that passes them all is
// approved with reason card_active.
func Decide(in Input) Decision {
	c, holder := in.Card, in.Card.Cardholder
	switch {
	case c.Status == card.StatusCanceled:
		return decline(ReasonCardCanceled, "Card %s is canceled.", c.ID)
	case c.Status != card.StatusActive:
		return decline(ReasonCardInactive, "Card %s is %s: only active cards approve authorizations.", c.ID, c.Status)
	case expired(c, in.Now):
		return decline(ReasonCardExpired, "Card %s expired at the end of %02d/%d.", c.ID, c.ExpMonth, c.ExpYear)
	case holder != nil && holder.Status == "blocked":
		return decline(ReasonCardholderBlocked, "Cardholder %s is blocked.", holder.ID)
	case holder != nil && holder.Status != "active":
		return decline(ReasonCardholderInactive, "Cardholder %s is %s.", holder.ID, holder.Status)
	case holder != nil && holder.Requirements.DisabledReason != nil:
		return decline(ReasonVerificationRequired, "Cardholder %s cannot use cards until verified (%s).", holder.ID, *holder.Requirements.DisabledReason)
	}
	if msg := verificationFailure(in.Verification); msg != "" {
		return decline(ReasonVerificationFailed, "%s", msg)
	}
	if msg := controlsFailure("card", &c.SpendingControls, in, in.CardSpend); msg != "" {
		return decline(ReasonSpendingControls, "%s", msg)
	}
	if holder != nil && holder.SpendingControls != nil {
		if msg := controlsFailure("cardholder", holder.SpendingControls, in, in.HolderSpend); msg != "" {
			return decline(ReasonSpendingControls, "%s", msg)
		}
	}
	if in.FraudRisk == fraudRiskDecline {
		if in.ChallengePassed {
			return Decision{Approved: true, Reason: ReasonCardActive, PassedByChallenge: true}
		}
		d := decline(ReasonSuspectedFraud, "The network rated the fraud risk of this authorization %s.", in.FraudRisk)
		d.Challenge = true
		return d
	}
	return Decision{Approved: true, Reason: ReasonCardActive}
}

func decline(reason, format string, args ...any) Decision {
	return Decision{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// expired tells whether a card is past its expiry date: cards are valid to
// the end of their expiry month, in UTC.
func expired(c *card.Card, now time.Time) bool {
	firstInvalid := time.Date(int(c.ExpYear), time.Month(c.ExpMonth)+1, 1, 0, 0, 0, 0, time.UTC)
	return !now.Before(firstInvalid)
}

// verificationFailure names the check of the card details that failed: a
// wrong CVC or expiry date, or failed 3-D Secure. Address checks only
// inform; networks do not decline on them.
func verificationFailure(v VerificationData) string {
	switch {
	case v.CVCCheck == CheckMismatch:
		return "The CVC did not match the card's."
	case v.ExpiryCheck == CheckMismatch:
		return "The expiry date did not match the card's."
	case v.ThreeDSecure != nil && v.ThreeDSecure.Result == "failed":
		return "3-D Secure authentication failed."
	}
	return ""
}

// controlsFailure checks one level's spending controls (level is "card" or
// "cardholder", for the message) and says which one the request breaks.
func controlsFailure(level string, sc *issuing.SpendingControls, in Input, spent []Spend) string {
	category := in.Merchant.Category
	if len(sc.AllowedCategories) > 0 && !contains(sc.AllowedCategories, category) {
		return fmt.Sprintf("Merchant category %s is not among the %s's allowed categories.", category, level)
	}
	if contains(sc.BlockedCategories, category) {
		return fmt.Sprintf("Merchant category %s is blocked by the %s's spending controls.", category, level)
	}
	country := ""
	if in.Merchant.Country != nil {
		country = strings.ToUpper(*in.Merchant.Country)
	}
	if len(sc.AllowedMerchantCountries) > 0 && !containsFold(sc.AllowedMerchantCountries, country) {
		return fmt.Sprintf("Merchant country %q is not among the %s's allowed merchant countries.", country, level)
	}
	if containsFold(sc.BlockedMerchantCountries, country) {
		return fmt.Sprintf("Merchant country %s is blocked by the %s's spending controls.", country, level)
	}
	if len(sc.AllowedCardPresences) > 0 && !contains(sc.AllowedCardPresences, in.CardPresence) {
		return fmt.Sprintf("Card presence %s is not among the %s's allowed card presences.", in.CardPresence, level)
	}
	if contains(sc.BlockedCardPresences, in.CardPresence) {
		return fmt.Sprintf("Card presence %s is blocked by the %s's spending controls.", in.CardPresence, level)
	}
	for _, l := range sc.SpendingLimits {
		if msg := limitFailure(level, l, in, spent); msg != "" {
			return msg
		}
	}
	return ""
}

// limitFailure checks one spending limit. A limit with categories applies
// only to requests in those categories and counts only what was spent in
// them.
func limitFailure(level string, l issuing.SpendingLimit, in Input, spent []Spend) string {
	if len(l.Categories) > 0 && !contains(l.Categories, in.Merchant.Category) {
		return ""
	}
	if l.Interval == IntervalPerAuthorization {
		if in.Total > l.Amount {
			return fmt.Sprintf("%d exceeds the %s's per-authorization limit of %d.", in.Total, level, l.Amount)
		}
		return ""
	}
	start, bounded := IntervalStart(l.Interval, in.Now)
	used := spentSince(spent, start, bounded, l.Categories)
	if used+in.Amount > l.Amount {
		since := "ever"
		if bounded {
			since = "since " + start.Format(time.RFC3339)
		}
		return fmt.Sprintf("%d would exceed the %s's %s spending limit of %d: %d already spent %s.",
			in.Amount, level, l.Interval, l.Amount, used, since)
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
