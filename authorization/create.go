package authorization

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/token"
	"github.com/localissuing/localissuing/transaction"
)

// CreateParams are the parameters of the test helper that plays a merchant
// asking to authorize a payment.
type CreateParams struct {
	Amount                       *int64                  `json:"amount"`
	AmountDetails                *issuing.AmountDetails  `json:"amount_details"`
	AuthorizationMethod          *string                 `json:"authorization_method"`
	Card                         string                  `json:"card"`
	Currency                     *string                 `json:"currency"`
	Fleet                        *transaction.Fleet      `json:"fleet"`
	FraudDisputabilityLikelihood *string                 `json:"fraud_disputability_likelihood"`
	Fuel                         *Fuel                   `json:"fuel"`
	IsAmountControllable         *bool                   `json:"is_amount_controllable"`
	MerchantAmount               *int64                  `json:"merchant_amount"`
	MerchantCurrency             *string                 `json:"merchant_currency"`
	MerchantData                 *issuing.MerchantParams `json:"merchant_data"`
	NetworkData                  *struct {
		AcquiringInstitutionID *string `json:"acquiring_institution_id"`
	} `json:"network_data"`
	RiskAssessment *struct {
		FraudRisk *struct {
			Level string `json:"level"`
		} `json:"fraud_risk"`
	} `json:"risk_assessment"`
	VerificationData *struct {
		AddressLine1Check       *string                  `json:"address_line1_check"`
		AddressPostalCodeCheck  *string                  `json:"address_postal_code_check"`
		AuthenticationExemption *AuthenticationExemption `json:"authentication_exemption"`
		CVCCheck                *string                  `json:"cvc_check"`
		ExpiryCheck             *string                  `json:"expiry_check"`
		ThreeDSecure            *ThreeDSecure            `json:"three_d_secure"`
	} `json:"verification_data"`
	Wallet *string `json:"wallet"`
}

// Options change how Create decides.
type Options struct {
	// AwaitRequest leaves a request that Stripe's rules approve to a
	// real-time authorization endpoint: the authorization is stored
	// pending with its pending_request set and no decision yet, and no
	// issuing_authorization.created is recorded; ResolveRequest records
	// the endpoint's answer later. A request the rules decline is
	// declined at once, as Stripe does before asking the endpoint.
	AwaitRequest bool
	// PendingID names the request left to the endpoint, so that its
	// answer settles that request only (see SettleRequest); one is made
	// when it is empty.
	PendingID string
}

// presenceByMethod tells from how the card details were given whether the
// card was at the point of sale.
var presenceByMethod = map[string]string{
	"chip":        "present",
	"contactless": "present",
	"swipe":       "present",
	"keyed_in":    "not_present",
	"online":      "not_present",
}

// Create plays a merchant asking to authorize a payment on a card: it
// decides the request with Stripe's rules, stores the authorization
// (pending if approved, closed if declined) and records
// issuing_authorization.created.
//
// The card and its cardholder are locked first, so that everything this
// request reads of what they already spent stays true until it is stored:
// concurrent authorizations on one card are decided one after another.
func Create(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, p CreateParams, opts Options) (*Authorization, error) {
	if p.Amount == nil {
		return nil, issuing.InvalidCode("parameter_missing", "amount", "Missing required param: amount.")
	}
	if *p.Amount < 0 {
		return nil, issuing.Invalid("amount", "Invalid amount: must be zero or more in the smallest currency unit (got %d).", *p.Amount)
	}
	c, err := card.GetForUpdate(ctx, tx, acct, p.Card, "card")
	if err != nil {
		return nil, err
	}
	if err := lockCardholder(ctx, tx, acct, c); err != nil {
		return nil, err
	}
	r, err := newRecord(ctx, tx, acct, now, c, p)
	if err != nil {
		return nil, err
	}
	in, err := input(ctx, tx, acct, now, c, r, r.Amount, r.Amount, r.FraudRisk)
	if err != nil {
		return nil, err
	}
	d := Decide(in)
	if d.Approved && opts.AwaitRequest {
		r.setPending(r.Amount, r.MerchantAmount, opts.PendingID)
		if d.PassedByChallenge {
			passed := true
			r.VerifiedByFraudChallenge = &passed
		}
		if err := save(ctx, tx, acct, r, true); err != nil {
			return nil, err
		}
		return r.view(ctx, tx, acct.ID)
	}
	r.apply(now, d, c)
	if err := save(ctx, tx, acct, r, true); err != nil {
		return nil, err
	}
	a, err := r.view(ctx, tx, acct.ID)
	if err != nil {
		return nil, err
	}
	if err := event.Created(ctx, tx, acct, now.Unix(), "issuing_authorization.created", a); err != nil {
		return nil, err
	}
	return a, nil
}

// lockCardholder keeps the cardholder's other cards from spending while
// this request counts what the cardholder spent.
func lockCardholder(ctx context.Context, tx store.Tx, acct issuing.Account, c *card.Card) error {
	if c.Cardholder == nil {
		return nil
	}
	obj, err := tx.GetForUpdate(ctx, acct.ID, cardholder.Kind, c.Cardholder.ID)
	if err != nil {
		return fmt.Errorf("lock cardholder %s: %w", c.Cardholder.ID, err)
	}
	c.Cardholder, err = cardholder.Decode(obj)
	return err
}

// newRecord builds the authorization a request describes, before it is
// decided.
func newRecord(ctx context.Context, rd store.Reader, acct issuing.Account, now time.Time, c *card.Card, p CreateParams) (*record, error) {
	if c.Cardholder == nil {
		return nil, fmt.Errorf("card %s has no cardholder", c.ID)
	}
	currency := c.Currency
	if p.Currency != nil && *p.Currency != c.Currency {
		return nil, issuing.Invalid("currency", "Invalid currency: %s. Authorizations are in the card's currency (%s for card %s); "+
			"give the merchant's currency as merchant_currency.", *p.Currency, c.Currency, c.ID)
	}
	amount := *p.Amount
	merchantCurrency := currency
	if p.MerchantCurrency != nil {
		merchantCurrency = *p.MerchantCurrency
	}
	merchantAmount := amount
	switch {
	case p.MerchantAmount != nil && merchantCurrency == currency && *p.MerchantAmount != amount:
		return nil, issuing.Invalid("merchant_amount", "merchant_amount (%d) must equal amount (%d) when merchant_currency is the card's currency.",
			*p.MerchantAmount, amount)
	case p.MerchantAmount != nil:
		merchantAmount = *p.MerchantAmount
	case merchantCurrency != currency:
		return nil, issuing.InvalidCode("parameter_missing", "merchant_amount", "Missing required param: merchant_amount. "+
			"It is required when merchant_currency (%s) differs from the card's currency (%s): this server has no exchange rates.",
			merchantCurrency, currency)
	}
	if merchantAmount < 0 {
		return nil, issuing.Invalid("merchant_amount", "Invalid merchant_amount: must be zero or more (got %d).", merchantAmount)
	}
	method := "online"
	if p.AuthorizationMethod != nil {
		method = *p.AuthorizationMethod
	}
	presence := presenceByMethod[method]
	holder := c.Cardholder.ID
	r := &record{
		Authorization: Authorization{
			ID:                  issuing.NewID("iauth"),
			Object:              Kind,
			Amount:              amount,
			AmountDetails:       p.AmountDetails,
			AuthorizationMethod: method,
			CardPresence:        &presence,
			Cardholder:          &holder,
			Created:             now.Unix(),
			Currency:            currency,
			Fleet:               fleetFromParam(p.Fleet),
			Fuel:                p.Fuel,
			Livemode:            acct.Livemode,
			MerchantAmount:      merchantAmount,
			MerchantCurrency:    merchantCurrency,
			MerchantData:        issuing.NewMerchantData(p.MerchantData),
			Metadata:            issuing.Metadata{},
			NetworkData:         newNetworkData(p),
			RequestHistory:      []Request{},
			Status:              StatusPending,
			VerificationData:    verificationData(p, c),
			Wallet:              p.Wallet,
		},
		Card:         c.ID,
		Transactions: []string{},
	}
	if p.IsAmountControllable != nil {
		r.IsAmountControllable = *p.IsAmountControllable
	}
	if ra := p.RiskAssessment; ra != nil && ra.FraudRisk != nil {
		r.FraudRisk = ra.FraudRisk.Level
	}
	if p.Wallet != nil {
		var err error
		if r.Token, err = walletToken(ctx, rd, acct, c.ID, *p.Wallet); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// input gathers what deciding a request of amount (total in all) on r
// needs; fraudRisk is the network's rating of the request, if any.
func input(ctx context.Context, rd store.Reader, acct issuing.Account, now time.Time, c *card.Card, r *record, amount, total int64, fraudRisk string) (Input, error) {
	in := Input{
		Now: now, Card: c, Amount: amount, Total: total,
		Merchant: r.MerchantData, Verification: r.VerificationData, FraudRisk: fraudRisk,
	}
	if r.CardPresence != nil {
		in.CardPresence = *r.CardPresence
	}
	var err error
	if in.CardSpend, in.HolderSpend, err = spendHistory(ctx, rd, acct, c, now); err != nil {
		return Input{}, err
	}
	if in.FraudRisk == fraudRiskDecline {
		if in.ChallengePassed, err = challengePassed(ctx, rd, acct, c.ID, r.MerchantData.NetworkID); err != nil {
			return Input{}, err
		}
	}
	return in, nil
}

// apply records the decision of a new authorization's first request on
// card c.
func (r *record) apply(now time.Time, d Decision, c *card.Card) {
	r.RequestHistory = append(r.RequestHistory, r.request(now, r.Amount, r.MerchantAmount, d))
	r.Approved = d.Approved
	if !d.Approved {
		r.Status = StatusClosed
	}
	if d.PassedByChallenge {
		passed := true
		r.VerifiedByFraudChallenge = &passed
	}
	if d.Challenge {
		r.FraudChallenges = []FraudChallenge{newChallenge(c)}
	}
}

// request builds a request_history entry for a request of amount.
func (r *record) request(now time.Time, amount, merchantAmount int64, d Decision) Request {
	at := now.Unix()
	req := Request{
		Amount: amount, AmountDetails: r.AmountDetails, Approved: d.Approved,
		Created: at, Currency: r.Currency, MerchantAmount: merchantAmount, MerchantCurrency: r.MerchantCurrency,
		Reason: d.Reason, RequestedAt: &at,
	}
	if d.Approved {
		code := "S" + issuing.RandomDigits(6)
		req.AuthorizationCode = &code
	}
	if d.Message != "" {
		msg := d.Message
		req.ReasonMessage = &msg
	}
	return req
}

func newNetworkData(p CreateParams) *NetworkData {
	stan := issuing.RandomDigits(6)
	id := issuing.RandomDigits(15)
	nd := &NetworkData{SystemTraceAuditNumber: &stan, TransactionID: &id}
	if p.NetworkData != nil {
		nd.AcquiringInstitutionID = p.NetworkData.AcquiringInstitutionID
	}
	return nd
}

// verificationData fills the checks a test did not give: the CVC and
// expiry date match, as a genuine cardholder's do, and no address was
// given.
func verificationData(p CreateParams, c *card.Card) VerificationData {
	v := VerificationData{
		AddressLine1Check: CheckNotProvided, AddressPostalCodeCheck: CheckNotProvided,
		CVCCheck: CheckMatch, ExpiryCheck: CheckMatch,
	}
	if g := p.VerificationData; g != nil {
		for _, f := range []struct {
			dst *string
			src *string
		}{
			{&v.AddressLine1Check, g.AddressLine1Check}, {&v.AddressPostalCodeCheck, g.AddressPostalCodeCheck},
			{&v.CVCCheck, g.CVCCheck}, {&v.ExpiryCheck, g.ExpiryCheck},
		} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		v.AuthenticationExemption, v.ThreeDSecure = g.AuthenticationExemption, g.ThreeDSecure
	}
	// A matching postal code is the cardholder's billing one.
	if v.AddressPostalCodeCheck == CheckMatch && c.Cardholder != nil {
		v.PostalCode = c.Cardholder.Billing.Address.PostalCode
	}
	return v
}

// walletToken finds the card's active token in the wallet a payment came
// from, if it has one.
func walletToken(ctx context.Context, rd store.Reader, acct issuing.Account, cardID, wallet string) (*string, error) {
	page, err := rd.List(ctx, store.Query{Account: acct.ID, Kind: token.Kind, Parent: cardID, Limit: 1, Equal: []store.Field{
		{Name: "wallet_provider", Value: wallet}, {Name: "status", Value: token.StatusActive},
	}})
	if err != nil {
		return nil, fmt.Errorf("token of card %s in %s: %w", cardID, wallet, err)
	}
	if len(page.Objects) == 0 {
		return nil, nil
	}
	id := page.Objects[0].ID
	return &id, nil
}

// challengePassed tells whether the cardholder already confirmed a fraud
// challenge for a payment to this merchant on this card.
func challengePassed(ctx context.Context, rd store.Reader, acct issuing.Account, cardID, merchant string) (bool, error) {
	errFound := errors.New("found")
	err := each(ctx, rd, store.Query{Account: acct.ID, Kind: Kind, Parent: cardID}, func(obj store.Object) error {
		r, err := decode(obj)
		if err != nil {
			return err
		}
		if r.MerchantData.NetworkID != merchant {
			return nil
		}
		for _, ch := range r.FraudChallenges {
			if ch.Status == ChallengeVerified {
				return errFound
			}
		}
		return nil
	})
	if errors.Is(err, errFound) {
		return true, nil
	}
	return false, err
}
