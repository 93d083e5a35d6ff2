package settlement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// CreateParams are the parameters of the settlement test helper.
type CreateParams struct {
	BIN                         string  `json:"bin"`
	ClearingDate                int64   `json:"clearing_date"`
	Currency                    string  `json:"currency"`
	InterchangeFeesAmount       *int64  `json:"interchange_fees_amount"`
	NetTotalAmount              int64   `json:"net_total_amount"`
	Network                     *string `json:"network"`
	NetworkSettlementIdentifier *string `json:"network_settlement_identifier"`
	TransactionAmount           *int64  `json:"transaction_amount"`
	TransactionCount            *int64  `json:"transaction_count"`
}

// Create makes a pending settlement, as a card network would report one.
func Create(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, p CreateParams) (*Settlement, error) {
	if err := checkBIN(p.BIN); err != nil {
		return nil, err
	}
	currency, err := normalizeCurrency(p.Currency)
	if err != nil {
		return nil, err
	}
	a, err := deriveAmounts(p.NetTotalAmount, p.TransactionAmount, p.InterchangeFeesAmount)
	if err != nil {
		return nil, err
	}
	s := &Settlement{
		ID:                          issuing.NewID("ise"),
		Object:                      Kind,
		BIN:                         p.BIN,
		ClearingDate:                p.ClearingDate,
		Created:                     now.Unix(),
		Currency:                    currency,
		InterchangeFeesAmount:       a.interchangeFees,
		Livemode:                    acct.Livemode,
		Metadata:                    issuing.Metadata{},
		NetTotalAmount:              a.net,
		Network:                     defaultNetwork,
		NetworkFeesAmount:           a.networkFees,
		NetworkSettlementIdentifier: issuing.RandomDigits(10),
		SettlementService:           defaultService,
		Status:                      StatusPending,
		TransactionAmount:           a.transaction,
	}
	if p.Network != nil {
		if !networks[*p.Network] {
			return nil, issuing.Invalid("network", "Invalid network %q: settlements come from maestro, mastercard or visa.", *p.Network)
		}
		s.Network = *p.Network
	}
	if p.NetworkSettlementIdentifier != nil && *p.NetworkSettlementIdentifier != "" {
		s.NetworkSettlementIdentifier = *p.NetworkSettlementIdentifier
	}
	if p.TransactionCount != nil {
		if *p.TransactionCount < 0 {
			return nil, issuing.Invalid("transaction_count", "transaction_count must be zero or greater.")
		}
		s.TransactionCount = *p.TransactionCount
	}
	if err := save(ctx, tx, acct, s, true); err != nil {
		return nil, err
	}
	return s, nil
}

// Complete marks a pending settlement complete.
func Complete(ctx context.Context, tx store.Tx, acct issuing.Account, id string) (*Settlement, error) {
	s, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	if err := checkComplete(s.ID, s.Status); err != nil {
		return nil, err
	}
	s.Status = StatusComplete
	if err := save(ctx, tx, acct, s, false); err != nil {
		return nil, err
	}
	return s, nil
}

// UpdateMetadata applies a metadata parameter, the one thing a client may
// change on a settlement.
func UpdateMetadata(ctx context.Context, tx store.Tx, acct issuing.Account, id string, metadata any) (*Settlement, error) {
	s, err := loadForUpdate(ctx, tx, acct, id)
	if err != nil {
		return nil, err
	}
	md, err := issuing.MergeMetadata(s.Metadata, metadata)
	if err != nil {
		return nil, err
	}
	s.Metadata = md
	if err := save(ctx, tx, acct, s, false); err != nil {
		return nil, err
	}
	return s, nil
}

// Decode reads a stored settlement.
func Decode(obj store.Object) (*Settlement, error) {
	var s Settlement
	if err := json.Unmarshal(obj.Data, &s); err != nil {
		return nil, fmt.Errorf("decode settlement %s: %w", obj.ID, err)
	}
	return &s, nil
}

func loadForUpdate(ctx context.Context, tx store.Tx, acct issuing.Account, id string) (*Settlement, error) {
	obj, err := tx.GetForUpdate(ctx, acct.ID, Kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, issuing.NotFound(Noun, id, "settlement")
	}
	if err != nil {
		return nil, fmt.Errorf("load settlement %s: %w", id, err)
	}
	return Decode(obj)
}

var kind = document.Kind{Name: Kind, Noun: Noun}

func save(ctx context.Context, tx store.Tx, acct issuing.Account, s *Settlement, insert bool) error {
	return document.Save(ctx, tx, acct, kind, document.Meta{ID: s.ID, Created: s.Created}, s, insert)
}
