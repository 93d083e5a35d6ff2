package design

import (
	"context"
	"time"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/physicalbundle"
	"github.com/localissuing/localissuing/store"
)

// idLength is the length of the random part of a design id, as in
// Stripe's ("ipcd_QXhWDHrd50Fhhi").
const idLength = 14

// Params are the parameters of creating and of updating a design. The
// schema requires physical_bundle on create; elsewhere "" unsets a field.
type Params struct {
	CardLogo          *string            `json:"card_logo"`
	CarrierText       any                `json:"carrier_text"`
	LookupKey         *string            `json:"lookup_key"`
	Metadata          any                `json:"metadata"`
	Name              *string            `json:"name"`
	PhysicalBundle    *string            `json:"physical_bundle"`
	Preferences       *PreferencesParams `json:"preferences"`
	TransferLookupKey bool               `json:"transfer_lookup_key"`
}

// PreferencesParams are the preferences a client sets.
type PreferencesParams struct {
	IsDefault bool `json:"is_default"`
}

// RejectParams are the parameters of the reject test helper.
type RejectParams struct {
	RejectionReasons RejectionReasons `json:"rejection_reasons"`
}

// Create makes a design in review. Stripe has no event for a new design;
// taking a lookup key or the default flag from another design records
// issuing_personalization_design.updated on that one.
func Create(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, p Params) (*Design, error) {
	if err := physicalbundle.StoreCopies(ctx, tx, acct); err != nil {
		return nil, err
	}
	r := &record{Design: Design{
		ID:               "ipcd_" + issuing.RandomString(idLength),
		Object:           Kind,
		CarrierText:      &CarrierText{},
		Created:          now.Unix(),
		Livemode:         acct.Livemode,
		Metadata:         issuing.Metadata{},
		RejectionReasons: RejectionReasons{CardLogo: []string{}, CarrierText: []string{}},
		Status:           StatusReview,
	}}
	if err := apply(ctx, tx, acct, now.Unix(), r, p); err != nil {
		return nil, err
	}
	if err := save(ctx, tx, acct, r, true); err != nil {
		return nil, err
	}
	return r.view(), nil
}

// Update changes a design and records issuing_personalization_design.updated
// when anything changed.
func Update(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id string, p Params) (*Design, error) {
	r, err := loadForUpdate(ctx, tx, acct, id, "personalization_design")
	if err != nil {
		return nil, err
	}
	before := r.view()
	if err := apply(ctx, tx, acct, now.Unix(), r, p); err != nil {
		return nil, err
	}
	if err := save(ctx, tx, acct, r, false); err != nil {
		return nil, err
	}
	after := r.view()
	if err := event.Updated(ctx, tx, acct, now.Unix(), "issuing_personalization_design.updated", before, after); err != nil {
		return nil, err
	}
	return after, nil
}

// apply sets what create and update share on r.
func apply(ctx context.Context, tx store.Tx, acct issuing.Account, now int64, r *record, p Params) error {
	if p.PhysicalBundle != nil {
		r.PhysicalBundle = *p.PhysicalBundle
	}
	bundle, err := physicalbundle.Get(acct, r.PhysicalBundle, "physical_bundle")
	if err != nil {
		return err
	}
	if p.CardLogo != nil {
		r.CardLogo = nonEmpty(*p.CardLogo)
	}
	applyCarrierText(r.CarrierText, p.CarrierText)
	if p.Name != nil {
		r.Name = nonEmpty(*p.Name)
	}
	md, err := issuing.MergeMetadata(r.Metadata, p.Metadata)
	if err != nil {
		return err
	}
	r.Metadata = md
	if err := checkBundle(bundle, &r.Design); err != nil {
		return err
	}
	if p.LookupKey != nil {
		if err := setLookupKey(ctx, tx, acct, now, r, *p.LookupKey, p.TransferLookupKey); err != nil {
			return err
		}
	}
	if p.Preferences != nil {
		return setDefault(ctx, tx, acct, now, r, p.Preferences.IsDefault)
	}
	return nil
}

// applyCarrierText applies a validated carrier_text parameter: "" clears
// all of it, and "" for one part clears that part.
func applyCarrierText(ct *CarrierText, param any) {
	switch p := param.(type) {
	case string:
		*ct = CarrierText{}
	case map[string]any:
		parts := map[string]**string{
			"footer_body": &ct.FooterBody, "footer_title": &ct.FooterTitle,
			"header_body": &ct.HeaderBody, "header_title": &ct.HeaderTitle,
		}
		for name, dst := range parts {
			if v, ok := p[name].(string); ok {
				*dst = nonEmpty(v)
			}
		}
	}
}

// CheckForCards tells whether a card may be created with, or changed to,
// the design: it must exist and be neither rejected nor inactive. param
// names the card parameter that referred to it.
func CheckForCards(ctx context.Context, rd store.Reader, acct issuing.Account, id, param string) error {
	d, err := Get(ctx, rd, acct, id, param)
	if err != nil {
		return err
	}
	return checkForCards(d.ID, d.Status, param)
}

// Get reads a design; param names the parameter that referred to it.
func Get(ctx context.Context, rd store.Reader, acct issuing.Account, id, param string) (*Design, error) {
	obj, err := document.Load(ctx, rd, acct, kind, id, param)
	if err != nil {
		return nil, err
	}
	return Render(obj)
}

// Render turns a stored design into the object clients see.
func Render(obj store.Object) (*Design, error) {
	r, err := decode(obj)
	if err != nil {
		return nil, err
	}
	return r.view(), nil
}

func loadForUpdate(ctx context.Context, tx store.Tx, acct issuing.Account, id, param string) (*record, error) {
	r, err := document.LoadForUpdate[record](ctx, tx, acct, kind, id, param)
	if err != nil {
		return nil, err
	}
	withCarrierText(r)
	return r, nil
}

func decode(obj store.Object) (*record, error) {
	r, err := document.Decode[record](kind, obj)
	if err != nil {
		return nil, err
	}
	withCarrierText(r)
	return r, nil
}

// withCarrierText gives a design without carrier text an empty one, the
// shape the API shows.
func withCarrierText(r *record) {
	if r.CarrierText == nil {
		r.CarrierText = &CarrierText{}
	}
}

func save(ctx context.Context, tx store.Tx, acct issuing.Account, r *record, insert bool) error {
	r.IsDefault = r.Preferences.IsDefault
	r.IsPlatformDefault = r.Preferences.IsPlatformDefault != nil && *r.Preferences.IsPlatformDefault
	return document.Save(ctx, tx, acct, kind, document.Meta{ID: r.ID, Created: r.Created, Parent: r.PhysicalBundle}, r, insert)
}

// nonEmpty is nil for "", the way the API shows an unset string.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// kind is how package document names designs.
var kind = document.Kind{Name: Kind, Noun: Noun}
