package cardholder

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// maxNameLength is the longest name Stripe prints on a card.
const maxNameLength = 24

// Params are the create and update parameters. Update takes every field
// except Name and Type (the OpenAPI document rejects those before they get
// here).
type Params struct {
	Billing          *Billing                  `json:"billing"`
	Company          *companyParams            `json:"company"`
	Email            *string                   `json:"email"`
	Individual       *Individual               `json:"individual"`
	Metadata         any                       `json:"metadata"`
	Name             *string                   `json:"name"`
	PhoneNumber      *string                   `json:"phone_number"`
	PreferredLocales []string                  `json:"preferred_locales"`
	SpendingControls *issuing.SpendingControls `json:"spending_controls"`
	Status           *string                   `json:"status"`
	Type             *string                   `json:"type"`
}

type companyParams struct {
	TaxID *string `json:"tax_id"`
}

// Create makes a cardholder and records issuing_cardholder.created.
func Create(ctx context.Context, tx store.Tx, acct issuing.Account, now int64, p Params) (*Cardholder, error) {
	ch := &Cardholder{
		ID:           issuing.NewID("ich"),
		Object:       Kind,
		Created:      now,
		Livemode:     acct.Livemode,
		Metadata:     issuing.Metadata{},
		Status:       "active",
		Type:         "individual",
		Requirements: Requirements{PastDue: []string{}},
	}
	if p.Name != nil {
		ch.Name = *p.Name
	}
	if err := checkName(ch.Name); err != nil {
		return nil, err
	}
	if p.Type != nil {
		ch.Type = *p.Type
	}
	if err := apply(ch, p); err != nil {
		return nil, err
	}
	if err := save(ctx, tx, acct, ch, true); err != nil {
		return nil, err
	}
	if err := event.Created(ctx, tx, acct, now, "issuing_cardholder.created", ch); err != nil {
		return nil, err
	}
	return ch, nil
}

// Update changes a cardholder and records issuing_cardholder.updated when
// anything changed.
func Update(ctx context.Context, tx store.Tx, acct issuing.Account, now int64, id string, p Params) (*Cardholder, error) {
	obj, err := tx.GetForUpdate(ctx, acct.ID, Kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, issuing.NotFound(Noun, id, "cardholder")
	}
	if err != nil {
		return nil, fmt.Errorf("update cardholder %s: %w", id, err)
	}
	before, err := Decode(obj)
	if err != nil {
		return nil, err
	}
	ch, _ := Decode(obj)
	if err := apply(ch, p); err != nil {
		return nil, err
	}
	if err := save(ctx, tx, acct, ch, false); err != nil {
		return nil, err
	}
	if err := event.Updated(ctx, tx, acct, now, "issuing_cardholder.updated", before, ch); err != nil {
		return nil, err
	}
	return ch, nil
}

// Get reads a cardholder; param names the parameter that referred to it,
// for the 404.
func Get(ctx context.Context, rd store.Reader, acct issuing.Account, id, param string) (*Cardholder, error) {
	obj, err := document.Load(ctx, rd, acct, kind, id, param)
	if err != nil {
		return nil, err
	}
	return Decode(obj)
}

// Decode reads a stored cardholder.
func Decode(obj store.Object) (*Cardholder, error) {
	var ch Cardholder
	if err := document.Unmarshal(obj.Data, &ch); err != nil {
		return nil, fmt.Errorf("decode cardholder %s: %w", obj.ID, err)
	}
	return &ch, nil
}

// apply merges the parameters that create and update share.
func apply(ch *Cardholder, p Params) error {
	if p.Billing != nil {
		ch.Billing = *p.Billing
	}
	if p.Company != nil {
		ch.Company = &Company{TaxIDProvided: p.Company.TaxID != nil && *p.Company.TaxID != ""}
	}
	if p.Email != nil {
		if at := strings.IndexByte(*p.Email, '@'); at < 1 || at == len(*p.Email)-1 || strings.ContainsAny(*p.Email, " ,;") {
			return issuing.Invalid("email", "Invalid email address: %s", *p.Email)
		}
		ch.Email = p.Email
	}
	if p.Individual != nil {
		ch.Individual = p.Individual
	}
	if p.PhoneNumber != nil {
		phone, err := normalizePhone(*p.PhoneNumber)
		if err != nil {
			return err
		}
		ch.PhoneNumber = &phone
	}
	if p.PreferredLocales != nil {
		ch.PreferredLocales = p.PreferredLocales
	}
	if p.SpendingControls != nil {
		if err := p.SpendingControls.Check(); err != nil {
			return err
		}
		ch.SpendingControls = p.SpendingControls
	}
	if p.Status != nil {
		ch.Status = *p.Status
	}
	md, err := issuing.MergeMetadata(ch.Metadata, p.Metadata)
	if err != nil {
		return err
	}
	ch.Metadata = md
	return nil
}

func save(ctx context.Context, tx store.Tx, acct issuing.Account, ch *Cardholder, insert bool) error {
	return document.Save(ctx, tx, acct, kind, document.Meta{ID: ch.ID, Created: ch.Created}, ch, insert)
}

// checkName enforces what Stripe prints on cards: at most 24 characters,
// letters, spaces and a few punctuation marks, no digits.
func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return issuing.InvalidCode("parameter_missing", "name", "Missing required param: name.")
	}
	if len([]rune(name)) > maxNameLength {
		return issuing.Invalid("name", "The cardholder name must be at most %d characters long.", maxNameLength)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !strings.ContainsRune(" .'-", r) {
			return issuing.Invalid("name", "The cardholder name may contain only letters, spaces, periods, apostrophes and hyphens; it may not contain %q.", r)
		}
	}
	return nil
}

// normalizePhone turns a phone number into E.164 (+ and digits), as Stripe
// stores it. Numbers without a country code are taken as US numbers.
func normalizePhone(raw string) (string, error) {
	var digits strings.Builder
	for _, r := range raw {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case strings.ContainsRune(" -().+", r):
		default:
			return "", issuing.Invalid("phone_number", "Invalid phone number: %s", raw)
		}
	}
	d := digits.String()
	if !strings.HasPrefix(strings.TrimSpace(raw), "+") && len(d) == 10 {
		d = "1" + d
	}
	if len(d) < 8 || len(d) > 15 {
		return "", issuing.Invalid("phone_number", "Invalid phone number: %s", raw)
	}
	return "+" + d, nil
}

// kind is how the document package names cardholders.
var kind = document.Kind{Name: Kind, Noun: Noun}
