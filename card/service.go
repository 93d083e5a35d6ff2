package card

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/design"
	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// cardLifetimeYears is how far ahead a new card expires.
const cardLifetimeYears = 3

// CreateParams are the parameters of POST /v1/issuing/cards.
type CreateParams struct {
	Cardholder            *string                   `json:"cardholder"`
	Currency              string                    `json:"currency"`
	ExpMonth              *int64                    `json:"exp_month"`
	ExpYear               *int64                    `json:"exp_year"`
	FinancialAccount      *string                   `json:"financial_account"`
	LifecycleControls     *LifecycleControls        `json:"lifecycle_controls"`
	Metadata              any                       `json:"metadata"`
	PersonalizationDesign *string                   `json:"personalization_design"`
	ReplacementFor        *string                   `json:"replacement_for"`
	ReplacementReason     *string                   `json:"replacement_reason"`
	SecondLine            *string                   `json:"second_line"`
	Shipping              *Shipping                 `json:"shipping"`
	SpendingControls      *issuing.SpendingControls `json:"spending_controls"`
	Status                *string                   `json:"status"`
	Type                  string                    `json:"type"`
}

// UpdateParams are the parameters of POST /v1/issuing/cards/{card}.
type UpdateParams struct {
	CancellationReason    *string                   `json:"cancellation_reason"`
	Metadata              any                       `json:"metadata"`
	PersonalizationDesign *string                   `json:"personalization_design"`
	Shipping              *Shipping                 `json:"shipping"`
	SpendingControls      *issuing.SpendingControls `json:"spending_controls"`
	Status                *string                   `json:"status"`
}

// Create issues a card and records issuing_card.created (and
// issuing_card.updated on the card it replaces).
func Create(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, p CreateParams) (*Card, error) {
	if p.Cardholder == nil || *p.Cardholder == "" {
		return nil, issuing.InvalidCode("parameter_missing", "cardholder", "Missing required param: cardholder.")
	}
	holder, err := cardholder.Get(ctx, tx, acct, *p.Cardholder, "cardholder")
	if err != nil {
		return nil, err
	}
	if !currencies[p.Currency] {
		return nil, issuing.Invalid("currency", "Invalid currency: %s. Cards can be issued in usd, eur or gbp.", p.Currency)
	}
	r := &record{Card: Card{
		ID:                issuing.NewID("ic"),
		Object:            Kind,
		Brand:             "Visa",
		Created:           now.Unix(),
		Currency:          p.Currency,
		ExpMonth:          int64(now.Month()),
		ExpYear:           int64(now.Year() + cardLifetimeYears),
		Livemode:          acct.Livemode,
		Metadata:          issuing.Metadata{},
		Status:            StatusInactive,
		Type:              p.Type,
		Wallets:           walletsFor(holder),
		SpendingControls:  issuing.SpendingControls{SpendingLimits: []issuing.SpendingLimit{}},
		FinancialAccount:  p.FinancialAccount,
		LifecycleControls: p.LifecycleControls,
		SecondLine:        p.SecondLine,
	}, Cardholder: holder.ID, Number: newNumber(), CVC: newCVC()}
	if p.SecondLine != nil && *p.SecondLine == "" {
		r.SecondLine = nil
	}
	if err := setExpiry(r, p.ExpMonth, p.ExpYear, now); err != nil {
		return nil, err
	}
	if p.Status != nil {
		r.Status = *p.Status
	}
	if err := setShipping(r, p.Shipping); err != nil {
		return nil, err
	}
	if r.Type == "physical" && r.Shipping == nil {
		return nil, issuing.InvalidCode("parameter_missing", "shipping", "Missing required param: shipping. Physical cards need a shipping address.")
	}
	if err := applyShared(ctx, tx, acct, r, p.SpendingControls, p.PersonalizationDesign, p.Metadata); err != nil {
		return nil, err
	}
	if r.Type == "physical" && r.PersonalizationDesign == nil {
		// Printed with the account's default design when none is named.
		id, err := design.DefaultForCards(ctx, tx, acct)
		if err != nil {
			return nil, err
		}
		if id != "" {
			r.PersonalizationDesign = &id
		}
	}
	if p.ReplacementFor != nil {
		if err := replace(ctx, tx, acct, now, r, *p.ReplacementFor, p.ReplacementReason); err != nil {
			return nil, err
		}
	} else if p.ReplacementReason != nil {
		return nil, issuing.InvalidCode("parameter_missing", "replacement_for", "Missing required param: replacement_for. replacement_reason is only valid with replacement_for.")
	}
	r.Last4 = r.Number[len(r.Number)-4:]
	if err := save(ctx, tx, acct, r, true); err != nil {
		return nil, err
	}
	c := r.view(holder, Secrets{})
	if err := event.Created(ctx, tx, acct, now.Unix(), "issuing_card.created", c); err != nil {
		return nil, err
	}
	return c, nil
}

// Update changes a card and records issuing_card.updated when anything
// changed.
func Update(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, p UpdateParams) (*Card, error) {
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	holder, err := cardholder.Get(ctx, tx, acct, r.Cardholder, "cardholder")
	if err != nil {
		return nil, err
	}
	before := r.view(holder, Secrets{})

	to := r.Status
	if p.Status != nil {
		to = *p.Status
	}
	if err := checkStatusChange(r.Status, to); err != nil {
		return nil, err
	}
	if p.CancellationReason != nil && to != StatusCanceled {
		return nil, issuing.Invalid("cancellation_reason", "cancellation_reason can only be set when the card is canceled (status=canceled).")
	}
	if p.Shipping != nil {
		if r.Type != "physical" {
			return nil, issuing.Invalid("shipping", "Only physical cards have shipping details.")
		}
		if s := r.Shipping; s != nil && s.Status != nil && *s.Status != ShippingPending {
			return nil, issuing.Invalid("shipping", "The shipping details can no longer be changed: the card's shipping status is %s.", *s.Status)
		}
		if err := setShipping(r, p.Shipping); err != nil {
			return nil, err
		}
	}
	if err := applyShared(ctx, tx, acct, r, p.SpendingControls, p.PersonalizationDesign, p.Metadata); err != nil {
		return nil, err
	}
	if to != r.Status {
		if err := changeStatus(ctx, tx, acct, now, r, to, p.CancellationReason); err != nil {
			return nil, err
		}
	} else if p.CancellationReason != nil {
		r.CancellationReason = p.CancellationReason
	}
	if err := save(ctx, tx, acct, r, false); err != nil {
		return nil, err
	}
	after := r.view(holder, Secrets{})
	if err := event.Updated(ctx, tx, acct, now.Unix(), "issuing_card.updated", before, after); err != nil {
		return nil, err
	}
	return after, nil
}

// changeStatus applies a status change that checkStatusChange allowed,
// with its side effects.
func changeStatus(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, r *record, to string, reason *string) error {
	r.Status = to
	switch to {
	case StatusCanceled:
		r.CancellationReason = reason
		if s := r.Shipping; s != nil && s.Status != nil && (*s.Status == ShippingPending || *s.Status == ShippingSubmitted) {
			canceled := ShippingCanceled
			s.Status = &canceled
		}
		return runCancelHooks(ctx, tx, acct, now, r)
	case StatusActive:
		// Activating a replacement for an expired or damaged card closes the
		// card it replaces, which still worked until now.
		if r.ReplacementFor != nil && r.ReplacementReason != nil &&
			(*r.ReplacementReason == "expired" || *r.ReplacementReason == "damaged") {
			if err := cancelReplaced(ctx, tx, acct, now, *r.ReplacementFor); err != nil {
				return err
			}
		}
	}
	return nil
}

// replace links a new card to the card it replaces.
func replace(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, r *record, oldID string, reason *string) error {
	if reason == nil {
		return issuing.InvalidCode("parameter_missing", "replacement_reason", "Missing required param: replacement_reason.")
	}
	old, err := loadForUpdate(ctx, tx, acct, oldID)
	if err != nil {
		var e *issuing.Error
		if errors.As(err, &e) && e.Kind == issuing.KindNotFound {
			e.Param = "replacement_for"
		}
		return err
	}
	if old.Cardholder != r.Cardholder {
		return issuing.Invalid("replacement_for", "The card to replace (%s) belongs to another cardholder.", oldID)
	}
	switch *reason {
	case "lost", "stolen":
		if old.Status != StatusCanceled || old.CancellationReason == nil || *old.CancellationReason != *reason {
			return issuing.Invalid("replacement_reason", "To replace a %s card, first cancel it with cancellation_reason=%s.", *reason, *reason)
		}
	default:
		// An expired or damaged card is replaced by the same number.
		r.Number = old.Number
		r.ExpMonth, r.ExpYear = old.ExpMonth, old.ExpYear
		if *reason == "expired" {
			t := time.Date(int(old.ExpYear), time.Month(old.ExpMonth), 1, 0, 0, 0, 0, time.UTC)
			r.ExpYear = int64(t.Year() + cardLifetimeYears)
		}
	}
	r.ReplacementFor, r.ReplacementReason = &oldID, reason
	holder, err := cardholder.Get(ctx, tx, acct, old.Cardholder, "replacement_for")
	if err != nil {
		return err
	}
	before := old.view(holder, Secrets{})
	old.ReplacedBy = &r.ID
	if err := save(ctx, tx, acct, old, false); err != nil {
		return err
	}
	return event.Updated(ctx, tx, acct, now.Unix(), "issuing_card.updated", before, old.view(holder, Secrets{}))
}

func cancelReplaced(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string) error {
	old, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil || old.Status == StatusCanceled {
		return err
	}
	holder, err := cardholder.Get(ctx, tx, acct, old.Cardholder, "replacement_for")
	if err != nil {
		return err
	}
	before := old.view(holder, Secrets{})
	old.Status = StatusCanceled
	if err := runCancelHooks(ctx, tx, acct, now, old); err != nil {
		return err
	}
	if err := save(ctx, tx, acct, old, false); err != nil {
		return err
	}
	return event.Updated(ctx, tx, acct, now.Unix(), "issuing_card.updated", before, old.view(holder, Secrets{}))
}

// applyShared applies the parameters that create and update share.
func applyShared(ctx context.Context, rd store.Reader, acct issuing.Account, r *record,
	controls *issuing.SpendingControls, design *string, metadata any) error {
	if controls != nil {
		if err := controls.Check(); err != nil {
			return err
		}
		c := *controls
		if c.SpendingLimits == nil {
			c.SpendingLimits = []issuing.SpendingLimit{}
		}
		r.SpendingControls = c
	}
	if design != nil {
		if err := checkDesign(ctx, rd, acct, *design); err != nil {
			return err
		}
		r.PersonalizationDesign = design
	}
	md, err := issuing.MergeMetadata(r.Metadata, metadata)
	if err != nil {
		return err
	}
	r.Metadata = md
	return nil
}

func setExpiry(r *record, month, year *int64, now time.Time) error {
	if month != nil {
		if *month < 1 || *month > 12 {
			return issuing.Invalid("exp_month", "Invalid exp_month: must be between 1 and 12.")
		}
		r.ExpMonth = *month
	}
	if year != nil {
		r.ExpYear = *year
	}
	if r.ExpYear < int64(now.Year()) || r.ExpYear == int64(now.Year()) && r.ExpMonth < int64(now.Month()) {
		return issuing.Invalid("exp_year", "The expiry date must not be in the past.")
	}
	if r.ExpYear > int64(now.Year())+10 {
		return issuing.Invalid("exp_year", "The expiry date must be within ten years.")
	}
	return nil
}

func setShipping(r *record, s *Shipping) error {
	if s == nil {
		return nil
	}
	if r.Type != "physical" {
		return issuing.Invalid("shipping", "Only physical cards can be shipped; remove shipping for a virtual card.")
	}
	ship := *s
	if ship.Service == "" {
		ship.Service = "standard"
	}
	if ship.Type == "" {
		ship.Type = "individual"
	}
	pending := ShippingPending
	ship.Status = &pending
	ship.Carrier, ship.ETA, ship.TrackingNumber, ship.TrackingURL = nil, nil, nil, nil
	if v := ship.AddressValidation; v != nil {
		v.NormalizedAddress, v.Result = nil, nil
		if v.Mode != "disabled" {
			normalized := ship.Address
			result := "likely_deliverable"
			v.NormalizedAddress, v.Result = &normalized, &result
		}
	}
	r.Shipping = &ship
	return nil
}

// checkDesign rejects a personalization design that does not exist, or
// that is rejected or inactive and so prints no cards.
func checkDesign(ctx context.Context, rd store.Reader, acct issuing.Account, id string) error {
	return design.CheckForCards(ctx, rd, acct, id, "personalization_design")
}

// walletsFor tells wallet eligibility: wallets need a way to reach the
// cardholder for verification.
func walletsFor(h *cardholder.Cardholder) *Wallets {
	e := WalletEligibility{Eligible: true}
	if h.Email == nil && h.PhoneNumber == nil {
		reason := "missing_cardholder_contact"
		e = WalletEligibility{IneligibleReason: &reason}
	}
	return &Wallets{ApplePay: e, GooglePay: e}
}

// Secrets says which of a card's secrets to reveal. Only virtual cards
// reveal them, and only on retrieve.
type Secrets struct {
	Number, CVC bool
}

// Get reads a card as clients see it, revealing the secrets asked for.
func Get(ctx context.Context, rd store.Reader, acct issuing.Account, id, param string, reveal Secrets) (*Card, error) {
	obj, err := document.Load(ctx, rd, acct, kind, id, param)
	if err != nil {
		return nil, err
	}
	return Render(ctx, rd, obj, reveal)
}

// Render turns a stored card into the object clients see, with its
// cardholder as it is now.
func Render(ctx context.Context, rd store.Reader, obj store.Object, reveal Secrets) (*Card, error) {
	r, err := decode(obj)
	if err != nil {
		return nil, err
	}
	holderObj, err := rd.Get(ctx, obj.Account, cardholder.Kind, r.Cardholder)
	if err != nil {
		return nil, fmt.Errorf("card %s: load cardholder %s: %w", r.ID, r.Cardholder, err)
	}
	holder, err := cardholder.Decode(holderObj)
	if err != nil {
		return nil, err
	}
	return r.view(holder, reveal), nil
}

func (r *record) view(holder *cardholder.Cardholder, reveal Secrets) *Card {
	c := r.Card
	c.Cardholder = holder
	c.Number, c.CVC = "", ""
	if c.Type == "virtual" {
		if reveal.Number {
			c.Number = r.Number
		}
		if reveal.CVC {
			c.CVC = r.CVC
		}
	}
	return &c
}

func loadForUpdate(ctx context.Context, tx store.Tx, acct issuing.Account, id string) (*record, error) {
	return document.LoadForUpdate[record](ctx, tx, acct, kind, id, "card")
}

func decode(obj store.Object) (*record, error) { return document.Decode[record](kind, obj) }

func save(ctx context.Context, tx store.Tx, acct issuing.Account, r *record, insert bool) error {
	return document.Save(ctx, tx, acct, kind, document.Meta{ID: r.ID, Created: r.Created, Parent: r.Cardholder}, r, insert)
}

// kind is how package document names this package's objects.
var kind = document.Kind{Name: Kind, Noun: Noun}
