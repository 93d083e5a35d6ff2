package authorization

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// newChallenge is the SMS challenge sent about a payment declined as
// suspected fraud: pending an answer, or undeliverable when the cardholder
// has no phone number.
func newChallenge(c *card.Card) FraudChallenge {
	if c.Cardholder == nil || c.Cardholder.PhoneNumber == nil {
		reason := "no_phone_number"
		return FraudChallenge{Channel: "sms", Status: ChallengeUndeliverable, UndeliverableReason: &reason}
	}
	return FraudChallenge{Channel: "sms", Status: ChallengePending}
}

// RespondToChallenge plays the cardholder answering a pending fraud
// challenge: confirmed says the payment was theirs (the challenge is
// verified, and later high-risk payments to the merchant pass), otherwise
// the challenge is rejected. The authorization itself stays declined, as
// it was; only the challenge changes, so this works whatever the
// authorization's status.
func RespondToChallenge(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, confirmed bool) (*Authorization, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	i := -1
	for j, ch := range r.FraudChallenges {
		if ch.Status == ChallengePending {
			i = j
		}
	}
	if i < 0 {
		return nil, issuing.Invalid("", "Authorization %s has no pending fraud challenge to respond to: challenges are sent "+
			"for authorizations declined as suspected fraud (risk_assessment[fraud_risk][level]=%s) to cardholders with a phone number.",
			r.ID, fraudRiskDecline)
	}
	return change(ctx, tx, acct, now, r, func() error {
		r.FraudChallenges[i].Status = ChallengeRejected
		if confirmed {
			r.FraudChallenges[i].Status = ChallengeVerified
		}
		return nil
	})
}
