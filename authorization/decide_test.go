package authorization

import (
	"testing"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/issuing"
)

// testNow is a Wednesday afternoon, in UTC.
var testNow = time.Date(2026, 11, 25, 15, 4, 5, 0, time.UTC)

// baseInput is a request of 1000 that every rule approves.
func baseInput() Input {
	phone := "+18008675309"
	return Input{
		Now: testNow,
		Card: &card.Card{ID: "ic_1", Status: card.StatusActive, ExpMonth: 12, ExpYear: 2027, Currency: "usd",
			Cardholder: &cardholder.Cardholder{ID: "ich_1", Status: "active", PhoneNumber: &phone}},
		Amount: 1000, Total: 1000,
		Merchant:     issuing.NewMerchantData(nil),
		CardPresence: "not_present",
		Verification: VerificationData{CVCCheck: CheckMatch, ExpiryCheck: CheckMatch,
			AddressLine1Check: CheckNotProvided, AddressPostalCodeCheck: CheckNotProvided},
	}
}

func holderControls(in *Input) *issuing.SpendingControls {
	in.Card.Cardholder.SpendingControls = &issuing.SpendingControls{}
	return in.Card.Cardholder.SpendingControls
}

func TestDecide(t *testing.T) {
	day := func(d int) int64 { return testNow.AddDate(0, 0, d).Unix() }
	tests := []struct {
		name   string
		modify func(in *Input)
		want   string // the reason; approved when card_active
	}{
		{"approved", func(in *Input) {}, ReasonCardActive},
		{"card canceled", func(in *Input) { in.Card.Status = card.StatusCanceled }, ReasonCardCanceled},
		{"card inactive", func(in *Input) { in.Card.Status = card.StatusInactive }, ReasonCardInactive},
		{"card expired last month", func(in *Input) { in.Card.ExpMonth, in.Card.ExpYear = 10, 2026 }, ReasonCardExpired},
		{"card valid to the end of its month", func(in *Input) { in.Card.ExpMonth, in.Card.ExpYear = 11, 2026 }, ReasonCardActive},
		{"cardholder blocked", func(in *Input) { in.Card.Cardholder.Status = "blocked" }, ReasonCardholderBlocked},
		{"cardholder inactive", func(in *Input) { in.Card.Cardholder.Status = "inactive" }, ReasonCardholderInactive},
		{"cardholder needs verification", func(in *Input) {
			reason := "requirements.past_due"
			in.Card.Cardholder.Requirements.DisabledReason = &reason
		}, ReasonVerificationRequired},
		{"cvc mismatch", func(in *Input) { in.Verification.CVCCheck = CheckMismatch }, ReasonVerificationFailed},
		{"expiry mismatch", func(in *Input) { in.Verification.ExpiryCheck = CheckMismatch }, ReasonVerificationFailed},
		{"3-D Secure failed", func(in *Input) { in.Verification.ThreeDSecure = &ThreeDSecure{Result: "failed"} }, ReasonVerificationFailed},
		{"address mismatch only informs", func(in *Input) { in.Verification.AddressLine1Check = CheckMismatch }, ReasonCardActive},
		{"category not allowed by card", func(in *Input) {
			in.Card.SpendingControls.AllowedCategories = []string{"bakeries"}
		}, ReasonSpendingControls},
		{"category allowed by card", func(in *Input) {
			in.Card.SpendingControls.AllowedCategories = []string{"bakeries", "taxicabs_limousines"}
		}, ReasonCardActive},
		{"category blocked by cardholder", func(in *Input) {
			holderControls(in).BlockedCategories = []string{"taxicabs_limousines"}
		}, ReasonSpendingControls},
		{"country not allowed", func(in *Input) {
			in.Card.SpendingControls.AllowedMerchantCountries = []string{"FR", "DE"}
		}, ReasonSpendingControls},
		{"country blocked, any case", func(in *Input) {
			holderControls(in).BlockedMerchantCountries = []string{"us"}
		}, ReasonSpendingControls},
		{"presence not allowed", func(in *Input) {
			in.Card.SpendingControls.AllowedCardPresences = []string{"present"}
		}, ReasonSpendingControls},
		{"presence blocked", func(in *Input) {
			holderControls(in).BlockedCardPresences = []string{"not_present"}
		}, ReasonSpendingControls},
		{"per-authorization limit exceeded", func(in *Input) {
			in.Card.SpendingControls.SpendingLimits = []issuing.SpendingLimit{{Amount: 999, Interval: IntervalPerAuthorization}}
		}, ReasonSpendingControls},
		{"per-authorization limit met exactly", func(in *Input) {
			in.Card.SpendingControls.SpendingLimits = []issuing.SpendingLimit{{Amount: 1000, Interval: IntervalPerAuthorization}}
		}, ReasonCardActive},
		{"per-authorization limit counts the whole after an increment", func(in *Input) {
			in.Amount, in.Total = 100, 1100
			in.Card.SpendingControls.SpendingLimits = []issuing.SpendingLimit{{Amount: 1000, Interval: IntervalPerAuthorization}}
		}, ReasonSpendingControls},
		{"daily limit with today's spend", func(in *Input) {
			in.Card.SpendingControls.SpendingLimits = []issuing.SpendingLimit{{Amount: 5000, Interval: IntervalDaily}}
			in.CardSpend = []Spend{{At: day(0), Amount: 4001, Category: "taxicabs_limousines"}}
		}, ReasonSpendingControls},
		{"daily limit ignores yesterday", func(in *Input) {
			in.Card.SpendingControls.SpendingLimits = []issuing.SpendingLimit{{Amount: 5000, Interval: IntervalDaily}}
			in.CardSpend = []Spend{{At: day(-1), Amount: 4500, Category: "taxicabs_limousines"}}
		}, ReasonCardActive},
		{"cardholder monthly limit ignores last month", func(in *Input) {
			holderControls(in).SpendingLimits = []issuing.SpendingLimit{{Amount: 3000, Interval: IntervalMonthly}}
			in.HolderSpend = []Spend{{At: day(-30), Amount: 2500}, {At: day(-3), Amount: 1500}, {At: day(0), Amount: 500}}
		}, ReasonCardActive},
		{"cardholder monthly limit reached", func(in *Input) {
			holderControls(in).SpendingLimits = []issuing.SpendingLimit{{Amount: 3000, Interval: IntervalMonthly}}
			in.HolderSpend = []Spend{{At: day(-30), Amount: 2500}, {At: day(-3), Amount: 1500}, {At: day(0), Amount: 501}}
		}, ReasonSpendingControls},
		{"category limit skips other categories", func(in *Input) {
			in.Card.SpendingControls.SpendingLimits = []issuing.SpendingLimit{{Amount: 10, Interval: IntervalAllTime, Categories: []string{"bakeries"}}}
		}, ReasonCardActive},
		{"category limit counts only its categories", func(in *Input) {
			in.Merchant = issuing.NewMerchantData(&issuing.MerchantParams{Category: ptr("bakeries")})
			in.Card.SpendingControls.SpendingLimits = []issuing.SpendingLimit{{Amount: 1500, Interval: IntervalAllTime, Categories: []string{"bakeries"}}}
			in.CardSpend = []Spend{{At: day(-400), Amount: 9000, Category: "taxicabs_limousines"}, {At: day(-400), Amount: 500, Category: "bakeries"}}
		}, ReasonCardActive},
		{"all-time limit counts everything", func(in *Input) {
			in.Card.SpendingControls.SpendingLimits = []issuing.SpendingLimit{{Amount: 1500, Interval: IntervalAllTime}}
			in.CardSpend = []Spend{{At: day(-4000), Amount: 501}}
		}, ReasonSpendingControls},
		{"suspected fraud", func(in *Input) { in.FraudRisk = "highest" }, ReasonSuspectedFraud},
		{"elevated risk passes", func(in *Input) { in.FraudRisk = "elevated" }, ReasonCardActive},
		{"fraud risk after a confirmed challenge", func(in *Input) { in.FraudRisk, in.ChallengePassed = "highest", true }, ReasonCardActive},
		{"card rules come before controls", func(in *Input) {
			in.Card.Status = card.StatusInactive
			in.Card.SpendingControls.BlockedCategories = []string{"taxicabs_limousines"}
		}, ReasonCardInactive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := baseInput()
			tc.modify(&in)
			d := Decide(in)
			if d.Reason != tc.want || d.Approved != (tc.want == ReasonCardActive) {
				t.Fatalf("decision = %+v, want reason %s", d, tc.want)
			}
			if !d.Approved && d.Message == "" {
				t.Errorf("decline without a message")
			}
			if d.Challenge != (tc.want == ReasonSuspectedFraud) {
				t.Errorf("challenge = %v", d.Challenge)
			}
			if d.PassedByChallenge != in.ChallengePassed {
				t.Errorf("passed by challenge = %v", d.PassedByChallenge)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
