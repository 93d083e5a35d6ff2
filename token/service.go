package token

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// CreateParams are the parameters of the token test helper, which plays a
// wallet provisioning a card.
type CreateParams struct {
	Card              string  `json:"card"`
	WalletProvider    *string `json:"wallet_provider"`
	Network           *string `json:"network"`
	Status            *string `json:"status"`
	DeviceFingerprint *string `json:"device_fingerprint"`
	Device            *Device `json:"device"`
}

// Create provisions a token for an active card and records
// issuing_token.created.
func Create(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, p CreateParams) (*Token, error) {
	c, err := card.Get(ctx, tx, acct, p.Card, "card", card.Secrets{})
	if err != nil {
		return nil, err
	}
	if c.Status != card.StatusActive {
		return nil, issuing.Invalid("card", "Card %s is %s: only active cards can be added to a wallet.", c.ID, c.Status)
	}
	r := &record{Token: Token{
		ID:                issuing.NewID("intok"),
		Object:            Kind,
		Card:              c.ID,
		Created:           now.Unix(),
		Last4:             randomDigits(4),
		Livemode:          acct.Livemode,
		Network:           networkOf(c.Brand),
		NetworkUpdatedAt:  now.Unix(),
		Status:            StatusActive,
		WalletProvider:    "apple_pay",
		DeviceFingerprint: p.DeviceFingerprint,
	}}
	if p.WalletProvider != nil {
		r.WalletProvider = *p.WalletProvider
	}
	if p.Network != nil {
		r.Network = *p.Network
	}
	if p.Status != nil {
		r.Status = *p.Status
	}
	r.NetworkData = newNetworkData(r, c, p.Device)
	if err := save(ctx, tx, acct, r, true); err != nil {
		return nil, err
	}
	if err := event.Created(ctx, tx, acct, now.Unix(), "issuing_token.created", r.view(now.Unix(), false)); err != nil {
		return nil, err
	}
	return r.view(now.Unix(), true), nil
}

// Update applies a client's status change and records issuing_token.updated
// when the status changed.
// withNetworkData asks for the network data in the returned token.
// It returns a document.Stored or a *Token.
func Update(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id, status string, withNetworkData bool) (any, error) {
	obj, err := tx.GetForUpdate(ctx, acct.ID, Kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, issuing.NotFound(Noun, id, "token")
	}
	if err != nil {
		return nil, fmt.Errorf("load %s %s: %w", Noun, id, err)
	}
	if v, done, err := updateStored(ctx, tx, acct, now, obj, status, withNetworkData); done {
		return v, err
	}
	r, err := decode(obj)
	if err != nil {
		return nil, err
	}
	if err := checkClientChange(r.Status, status); err != nil {
		return nil, err
	}
	if err := setStatus(ctx, tx, acct, now, r, status); err != nil {
		return nil, err
	}
	return r.view(now.Unix(), withNetworkData), nil
}

// NetworkAction applies a test helper that plays the card network:
// "activate" finishes provisioning a requested token, "delete" deletes a
// token as the network would.
func NetworkAction(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, id, action string) (*Token, error) {
	rule, ok := networkActions[action]
	if !ok {
		return nil, fmt.Errorf("token: unknown network action %q", action)
	}
	r, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(rule.from, r.Status) {
		return nil, issuing.Invalid("", "The network cannot %s token %s: its status is %s, and %s needs %s.",
			action, r.ID, r.Status, action, strings.Join(rule.from, " or "))
	}
	if err := setStatus(ctx, tx, acct, now, r, rule.to); err != nil {
		return nil, err
	}
	return r.view(now.Unix(), false), nil
}

func setStatus(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, r *record, status string) error {
	if r.Status == status {
		return nil
	}
	before := r.view(now.Unix(), false)
	r.Status = status
	r.NetworkUpdatedAt = now.Unix()
	if err := save(ctx, tx, acct, r, false); err != nil {
		return err
	}
	return event.Updated(ctx, tx, acct, now.Unix(), "issuing_token.updated", before, r.view(now.Unix(), false))
}

// Get reads a token; network data is included when asked for and the token
// is less than a day old. Without it the token is cut from its stored text
// (see listCut), as a document.StoredCut; with it, a *Token.
func Get(ctx context.Context, rd store.Reader, acct issuing.Account, now time.Time, id string, withNetworkData bool) (any, error) {
	obj, err := document.Load(ctx, rd, acct, kind, id, "token")
	if err != nil {
		return nil, err
	}
	if !withNetworkData || now.Unix() >= obj.Created+networkDataWindow {
		return Render(obj)
	}
	r, err := decode(obj)
	if err != nil {
		return nil, err
	}
	return r.view(now.Unix(), withNetworkData), nil
}

// Render turns a stored token into what lists and expansions show: never
// with network data. It is the stored text less network_data, as a
// document.StoredCut, when the document has the layout this version writes
// (see listCut), and a *Token decoded from it otherwise.
func Render(obj store.Object) (any, error) {
	if v, ok := listCut(obj.Data); ok {
		return v, nil
	}
	r, err := decode(obj)
	if err != nil {
		return nil, err
	}
	return r.view(0, false), nil
}

// cardCanceled deletes the live tokens of a canceled card, or moves them to
// the card that replaces it, so wallets keep working on the new card.
func cardCanceled(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, cardID string, replacedBy *string) error {
	cursor := ""
	for {
		page, err := tx.List(ctx, store.Query{Account: acct.ID, Kind: Kind, Parent: cardID, Limit: 100, StartingAfter: cursor})
		if err != nil {
			return fmt.Errorf("tokens of canceled card %s: %w", cardID, err)
		}
		for _, obj := range page.Objects {
			r, err := decode(obj)
			if err != nil {
				return err
			}
			if r.Status == StatusDeleted {
				continue
			}
			if replacedBy == nil {
				if err := setStatus(ctx, tx, acct, now, r, StatusDeleted); err != nil {
					return err
				}
				continue
			}
			before := r.view(now.Unix(), false)
			r.Card = *replacedBy
			if err := save(ctx, tx, acct, r, false); err != nil {
				return err
			}
			if err := event.Updated(ctx, tx, acct, now.Unix(), "issuing_token.updated", before, r.view(now.Unix(), false)); err != nil {
				return err
			}
		}
		if !page.HasMore || len(page.Objects) == 0 {
			return nil
		}
		cursor = page.Objects[len(page.Objects)-1].ID
	}
}

func init() {
	card.OnCancel(cardCanceled)
}

func loadForUpdate(ctx context.Context, tx store.Tx, acct issuing.Account, id string) (*record, error) {
	return document.LoadForUpdate[record](ctx, tx, acct, kind, id, "token")
}

func decode(obj store.Object) (*record, error) { return document.Decode[record](kind, obj) }

func save(ctx context.Context, tx store.Tx, acct issuing.Account, r *record, insert bool) error {
	return document.Save(ctx, tx, acct, kind, document.Meta{ID: r.ID, Created: r.Created, Parent: r.Card}, r, insert)
}

// kind is how package document names this package's objects.
var kind = document.Kind{Name: Kind, Noun: Noun}
