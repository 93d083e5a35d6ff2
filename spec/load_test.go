package spec

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/issuing"
)

// TestEveryOperationLoads compares the operations with an independent
// decoding of the embedded document and runs each once.
func TestEveryOperationLoads(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(Document(), &doc); err != nil {
		t.Fatal(err)
	}
	want := 0
	for path, item := range doc.Paths {
		for method, o := range item {
			want++
			op, ok := Lookup(method, path)
			if !ok {
				t.Errorf("Lookup(%s, %s): not found", method, path)
				continue
			}
			if op.Method != strings.ToUpper(method) || op.Path != path || op.ID != o.OperationID {
				t.Errorf("Lookup(%s, %s) = %s %s %s", method, path, op.Method, op.Path, op.ID)
			}
			if name, _ := op.ResponseSchema(); name == "" {
				t.Errorf("%s: no response schema", op.ID)
			}
			// No parameters: accepted, or refused for a missing one.
			if _, err := op.Validate(nil); err != nil {
				if e, ok := issuing.AsError(err); !ok || e.Code != CodeMissing {
					t.Errorf("%s: Validate(nil) = %v", op.ID, err)
				}
			}
		}
	}
	ops := Ops()
	if len(ops) != want {
		t.Errorf("len(Ops()) = %d, want %d", len(ops), want)
	}
	if want < 60 {
		t.Errorf("the document has %d operations, want at least 60", want)
	}
	if !sort.SliceIsSorted(ops, func(i, j int) bool {
		return ops[i].Path < ops[j].Path || ops[i].Path == ops[j].Path && ops[i].Method < ops[j].Method
	}) {
		t.Error("Ops() is not sorted by path and method")
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		method, path string
		wantID       string // "" for not found
	}{
		{"GET", "/v1/issuing/tokens/{token}", "GetIssuingTokensToken"},
		{"get", "/v1/issuing/tokens/{token}", "GetIssuingTokensToken"},
		{"POST", "/v1/test_helpers/issuing/tokens", "PostTestHelpersIssuingTokens"},
		{"DELETE", "/v1/webhook_endpoints/{webhook_endpoint}", "DeleteWebhookEndpointsWebhookEndpoint"},
		{"DELETE", "/v1/issuing/cards/{card}", ""},
		{"GET", "/v1/issuing/tokens/{id}", ""},
		{"GET", "/v1/issuing/tokens/intok_123", ""},
		{"GET", "/v1/issuing/settlements", ""},
	}
	for _, tt := range tests {
		op, ok := Lookup(tt.method, tt.path)
		switch {
		case tt.wantID == "" && ok:
			t.Errorf("Lookup(%s, %s) = %s, want not found", tt.method, tt.path, op.ID)
		case tt.wantID != "" && (!ok || op.ID != tt.wantID):
			t.Errorf("Lookup(%s, %s) = %v, %v; want %s", tt.method, tt.path, op, ok, tt.wantID)
		}
	}
}

func TestResponseSchema(t *testing.T) {
	tests := []struct {
		method, path string
		name         string
		list         bool
	}{
		{"GET", "/v1/issuing/cards", "issuing.card", true},
		{"GET", "/v1/issuing/cards/{card}", "issuing.card", false},
		{"POST", "/v1/issuing/cards", "issuing.card", false},
		{"GET", "/v1/events", "event", true},
		{"GET", "/v1/issuing/tokens", "issuing.token", true},
		{"POST", "/v1/test_helpers/issuing/tokens", "issuing.token", false},
		{"POST", "/v1/test_helpers/issuing/transactions/create_force_capture", "issuing.transaction", false},
		{"DELETE", "/v1/webhook_endpoints/{webhook_endpoint}", "deleted_webhook_endpoint", false},
	}
	for _, tt := range tests {
		name, list := mustOp(t, tt.method, tt.path).ResponseSchema()
		if name != tt.name || list != tt.list {
			t.Errorf("%s %s: ResponseSchema() = %q, %v; want %q, %v", tt.method, tt.path, name, list, tt.name, tt.list)
		}
	}
}

func TestExpandable(t *testing.T) {
	tests := []struct {
		schema, field string
		target        string
		ok            bool
	}{
		{"issuing.token", "card", "issuing.card", true},
		{"issuing.token", "network_data", "", true},
		{"issuing.card", "number", "", true},
		{"issuing.card", "cvc", "", true},
		{"issuing.card", "replacement_for", "issuing.card", true},
		{"issuing.card", "personalization_design", "issuing.personalization_design", true},
		{"issuing.transaction", "authorization", "issuing.authorization", true},
		{"issuing.transaction", "balance_transaction", "balance_transaction", true},
		{"issuing.authorization", "cardholder", "issuing.cardholder", true},
		{"issuing.dispute", "transaction", "issuing.transaction", true},
		{"issuing.personalization_design", "card_logo", "file", true},
		{"issuing_cardholder_id_document", "front", "file", true},
		// Embedded objects are walked, not expanded.
		{"issuing.card", "cardholder", "", false},
		{"issuing.authorization", "card", "", false},
		{"issuing.card", "shipping", "", false},
		// Plain fields and unknown names.
		{"issuing.card", "last4", "", false},
		{"issuing.card", "nope", "", false},
		{"no_such_schema", "card", "", false},
	}
	for _, tt := range tests {
		target, ok := Expandable(tt.schema, tt.field)
		if target != tt.target || ok != tt.ok {
			t.Errorf("Expandable(%s, %s) = %q, %v; want %q, %v", tt.schema, tt.field, target, ok, tt.target, tt.ok)
		}
	}
}

func TestFieldSchema(t *testing.T) {
	tests := []struct {
		schema, field string
		name          string
		ok            bool
	}{
		{"issuing.transaction", "authorization", "issuing.authorization", true}, // nullable expandable
		{"issuing.authorization", "card", "issuing.card", true},                 // plain $ref
		{"issuing.card", "cardholder", "issuing.cardholder", true},
		{"issuing.card", "shipping", "issuing_card_shipping", true}, // nullable anyOf
		{"issuing_card_shipping", "address", "address", true},
		{"issuing.token", "network_data", "issuing_network_token_network_data", true},
		{"issuing.cardholder", "individual", "issuing_cardholder_individual", true},
		{"issuing.authorization", "transactions", "issuing.transaction", true}, // an array of objects
		{"issuing.authorization", "request_history", "issuing_authorization_request", true},
		{"issuing.card", "wallets", "issuing_card_wallets", true},
		{"issuing_card_authorization_controls", "allowed_categories", "", false}, // an array of strings
		{"issuing.card", "last4", "", false},
		{"issuing.card", "nope", "", false},
		{"nope", "card", "", false},
	}
	for _, tt := range tests {
		name, ok := FieldSchema(tt.schema, tt.field)
		if name != tt.name || ok != tt.ok {
			t.Errorf("FieldSchema(%s, %s) = %q, %v; want %q, %v", tt.schema, tt.field, name, ok, tt.name, tt.ok)
		}
	}
}

// TestWalkDotPath follows an expand path the way the HTTP layer does.
func TestWalkDotPath(t *testing.T) {
	schema := "issuing.transaction"
	for _, f := range []string{"authorization", "card", "cardholder"} {
		next, ok := FieldSchema(schema, f)
		if !ok {
			t.Fatalf("FieldSchema(%s, %s) failed", schema, f)
		}
		schema = next
	}
	if schema != "issuing.cardholder" {
		t.Errorf("transaction.authorization.card.cardholder is %s, want issuing.cardholder", schema)
	}
}

func TestQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", "abc"},
		{strings.Repeat("é", 50), strings.Repeat("é", 50)},
		{strings.Repeat("é", 51), strings.Repeat("é", 50) + "..."},
		{"a\xffb", "a\uFFFDb"},
	}
	for _, tt := range tests {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestConcurrentUse runs the lazily filled lookups from many goroutines;
// run it with -race.
func TestConcurrentUse(t *testing.T) {
	op := mustOp(t, "POST", "/v1/issuing/cards")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, schema := range []string{"issuing.card", "issuing.token", "issuing.transaction", "nope"} {
				Expandable(schema, "card")
				FieldSchema(schema, "authorization")
			}
			if _, err := op.Validate(obj{"currency": "usd", "type": "virtual", "exp_year": strconv.Itoa(2030 + i)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}
