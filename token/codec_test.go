package token

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/localissuing/localissuing/card"
	"github.com/localissuing/localissuing/card/cardtest"
	"github.com/localissuing/localissuing/cardholder"
	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// renderedTokens returns tokens as events carry them and answers send
// them, made by the package's own calls: decoded tokens (a *Token with and
// without network data, for each network, with HTML characters in the
// device), and tokens cut from their stored text (a document.Stored,
// which events carry as a json.RawMessage, or a document.StoredCut, here
// as the document.Stored of the text it leaves).
func renderedTokens(t *testing.T) (tokens, stored []any) {
	t.Helper()
	ctx := context.Background()
	st := sqlitetest.Memory(t)
	acct := issuing.AccountForKey("sk_test_token_render", false)
	now := time.Unix(1795573743, 0)
	str := func(s string) *string { return &s }
	err := st.Update(ctx, func(tx store.Tx) error {
		c, err := cardtest.Active(ctx, tx, acct, now, cardholder.Params{}, card.CreateParams{})
		if err != nil {
			return err
		}
		for _, p := range []CreateParams{
			{Card: c.ID, DeviceFingerprint: str(`fp<&>"x"` + "\u2028"), Device: &Device{Name: "Jenny's <phone> & co"}},
			{Card: c.ID, Network: str("mastercard"), WalletProvider: str("google_pay"), Status: str(StatusRequested)},
		} {
			tok, err := Create(ctx, tx, acct, now, p)
			if err != nil {
				return err
			}
			tokens = append(tokens, tok)
			if p.Status != nil {
				if tok, err = NetworkAction(ctx, tx, acct, now, tok.ID, "activate"); err != nil {
					return err
				}
				tokens = append(tokens, tok)
				continue
			}
			later := now.Add(time.Hour)
			for _, status := range []string{StatusSuspended, StatusActive} {
				for _, withNetworkData := range []bool{false, true} {
					v, err := Update(ctx, tx, acct, later, tok.ID, status, withNetworkData)
					if err != nil {
						return err
					}
					if s, ok := v.(document.Stored); ok {
						stored = append(stored, s)
					} else {
						tokens = append(tokens, v)
					}
					later = later.Add(time.Minute)
				}
			}
			v, err := Get(ctx, tx, acct, now, tok.ID, false)
			if err != nil {
				return err
			}
			cut, ok := v.(document.StoredCut)
			if !ok {
				return fmt.Errorf("Get = %T, want a document.StoredCut", v)
			}
			// Sent as the text it leaves is, by encoding/json and by
			// package document, with HTML escaped and not.
			whole := document.Stored(slices.Concat(cut.Text[:cut.From], cut.Text[cut.To:]))
			noEscape := func(v any) ([]byte, error) { return document.AppendNoEscape(nil, v) }
			for _, marshal := range []func(any) ([]byte, error){json.Marshal, document.Marshal, noEscape} {
				got, err := marshal(cut)
				want, _ := marshal(whole)
				if err != nil || !bytes.Equal(got, want) {
					return fmt.Errorf("StoredCut marshals as %s, %v; want %s", got, err, want)
				}
			}
			stored = append(stored, whole)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("make tokens: %v", err)
	}
	return tokens, stored
}

// TestCodec checks that tokens are stored and read as encoding/json would
// store and read them, and rendered as it would render them, decoded or
// cut from their stored text.
func TestCodec(t *testing.T) {
	documenttest.CheckCodec(t, func() any { return new(record) })
	tokens, stored := renderedTokens(t)
	if len(stored) == 0 {
		t.Fatal("no token was cut from its stored text")
	}
	raw := make([]any, len(stored))
	for i, s := range stored {
		raw[i] = json.RawMessage(s.(document.Stored))
	}
	documenttest.CheckMarshal(t, func() any { return new(Token) }, tokens...)
	documenttest.CheckMarshal(t, func() any { return new(document.Stored) }, stored...)
	documenttest.CheckMarshal(t, func() any { return new(json.RawMessage) }, raw...)
}
