package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/document/documenttest"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/physicalbundle"
)

// TestCodec checks that what the API itself adds to the resources'
// renderings is sent as encoding/json would send it: error bodies, list
// envelopes (of renderings, of stored text, and of expanded objects) and
// expanded objects, whose numbers are json.Number. The renderings are
// each checked in their own package.
func TestCodec(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	var bodies []any
	for _, err := range []error{
		issuing.Invalid("card", "Card <%s> & more \u2028", "ic_1"),
		issuing.InvalidCode("parameter_missing", "amount", "Missing required param: amount."),
		issuing.NotFound("issuing card", "ic_<1>", "id"),
		issuing.LockTimeout("objects"),
		errors.New("disk on fire"),
	} {
		_, body := errorResponse(context.Background(), log, "req_1", err)
		bodies = append(bodies, body)
	}
	documenttest.CheckMarshal(t, func() any { return new(errorBody) }, bodies...)

	holder, shipped, auth := responses(t)
	var trees []any
	for _, v := range []any{holder, shipped, auth} {
		tree, err := toTree(v)
		if err != nil {
			t.Fatal(err)
		}
		trees = append(trees, tree)
	}
	// An authorization with its card's cardholder expanded, as
	// expand[]=card.cardholder leaves it.
	expanded, _ := toTree(auth)
	expanded.(map[string]any)["card"].(map[string]any)["cardholder"] = trees[0]
	trees = append(trees, expanded)
	documenttest.CheckMarshal(t, func() any { return new(map[string]any) }, trees...)

	stored := document.Stored(`{"id":"intok_1","note":"\u003cb\u003e \u0026 \u2028"}`)
	raw := json.RawMessage(`{"id":"evt_1","data":{"object":{"a":"\u003c"}}}`)
	var bundles []any
	for _, b := range physicalbundle.All(issuing.AccountForKey("sk_test_api_codec", false)) {
		bundles = append(bundles, b)
	}
	pages := []any{
		listPage{Object: "list", Data: []any{}, URL: "/v1/issuing/cards"},
		listPage{Object: "list", Data: []any{shipped, shipped}, HasMore: true, URL: "/v1/issuing/cards"},
		listPage{Object: "list", Data: []any{auth}, URL: "/v1/issuing/authorizations"},
		listPage{Object: "list", Data: []any{holder}, URL: "/v1/issuing/cardholders"},
		listPage{Object: "list", Data: bundles, URL: "/v1/issuing/physical_bundles"},
		listPage{Object: "list", Data: trees, URL: "/v1/issuing/authorizations"},
		// Stored text goes through encoding/json when the URL needs
		// escapes, or when decoded items sit among it.
		listPage{Object: "list", Data: []any{stored, stored}, URL: "/v1/issuing/tokens/<é>"},
		listPage{Object: "list", Data: []any{stored, &struct{ ID string }{"intok_2"}}, URL: "/v1/issuing/tokens"},
		listPage{Object: "list", Data: []any{raw, raw}, URL: "/v1/events/evt_\u2028&/webhook_attempts"},
	}
	documenttest.CheckMarshal(t, func() any { return new(listPage) }, pages...)
}
