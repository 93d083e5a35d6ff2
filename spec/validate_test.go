package spec

import (
	"reflect"
	"strings"
	"testing"

	"github.com/localissuing/localissuing/issuing"
)

// obj and arr keep the test tables short.
type obj = map[string]any
type arr = []any

func mustOp(t testing.TB, method, path string) *Op {
	t.Helper()
	op, ok := Lookup(method, path)
	if !ok {
		t.Fatalf("Lookup(%s, %s): not found (Load: %v)", method, path, Load())
	}
	return op
}

// validAddress is a billing or shipping address with every required line.
func validAddress() obj {
	return obj{"line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}
}

// wantErr is the part of an *issuing.Error a case checks; an empty message
// is not compared.
type wantErr struct {
	code, param, message string
}

func checkErr(t *testing.T, err error, want wantErr) {
	t.Helper()
	e, ok := issuing.AsError(err)
	if !ok {
		t.Fatalf("error = %v (%T), want an *issuing.Error", err, err)
	}
	if e.Kind != issuing.KindInvalid {
		t.Errorf("Kind = %v, want KindInvalid", e.Kind)
	}
	if e.Code != want.code || e.Param != want.param {
		t.Errorf("code, param = %q, %q; want %q, %q (message %q)", e.Code, e.Param, want.code, want.param, e.Message)
	}
	if want.message != "" && e.Message != want.message {
		t.Errorf("message = %q\n          want %q", e.Message, want.message)
	}
}

func TestValidateErrors(t *testing.T) {
	const (
		cardholders = "/v1/issuing/cardholders"
		cards       = "/v1/issuing/cards"
		card        = "/v1/issuing/cards/{card}"
		token       = "/v1/issuing/tokens/{token}"
		tokens      = "/v1/issuing/tokens"
	)
	cardholder := func(extra obj) obj {
		p := obj{"name": "Jenny Rosen", "billing": obj{"address": validAddress()}}
		for k, v := range extra {
			p[k] = v
		}
		return p
	}
	tests := []struct {
		name         string
		method, path string
		params       obj
		want         wantErr
	}{
		{"unknown top level", "POST", cardholders, cardholder(obj{"foo": "1"}),
			wantErr{CodeUnknown, "foo", "Received unknown parameter: foo"}},
		{"unknown nested", "POST", cards, obj{"currency": "usd", "type": "physical",
			"shipping": obj{"name": "J", "address": validAddress(), "foo": "x"}},
			wantErr{CodeUnknown, "shipping[foo]", "Received unknown parameter: shipping[foo]"}},
		{"unknown deep", "POST", cardholders, cardholder(obj{"billing": obj{"address": func() obj {
			a := validAddress()
			a["zip"] = "1"
			return a
		}()}}),
			wantErr{CodeUnknown, "billing[address][zip]", "Received unknown parameter: billing[address][zip]"}},
		{"unknown in array item", "POST", cardholders, cardholder(obj{"spending_controls": obj{
			"spending_limits": arr{obj{"amount": "1", "interval": "daily", "x": "y"}}}}),
			wantErr{CodeUnknown, "spending_controls[spending_limits][0][x]", ""}},
		{"unknown reported first by name", "POST", cardholders, cardholder(obj{"zz": "1", "aa": "1"}),
			wantErr{CodeUnknown, "aa", ""}},
		{"unknown query parameter", "GET", tokens, obj{"card": "ic_1", "foo": "1"},
			wantErr{CodeUnknown, "foo", ""}},
		{"DELETE takes no parameters", "DELETE", "/v1/webhook_endpoints/{webhook_endpoint}", obj{"expand": arr{"x"}},
			wantErr{CodeUnknown, "expand", ""}},

		{"missing top level", "POST", cardholders, obj{"billing": obj{"address": validAddress()}},
			wantErr{CodeMissing, "name", "Missing required param: name."}},
		{"missing nested", "POST", cardholders, cardholder(obj{"billing": obj{"address": obj{
			"line1": "1 Main St", "postal_code": "12345", "country": "US"}}}),
			wantErr{CodeMissing, "billing[address][city]", "Missing required param: billing[address][city]."}},
		{"missing object", "POST", cardholders, cardholder(obj{"billing": obj{}}),
			wantErr{CodeMissing, "billing[address]", ""}},
		{"missing in array item", "POST", cardholders, cardholder(obj{"spending_controls": obj{
			"spending_limits": arr{obj{"amount": "1", "interval": "daily"}, obj{"amount": "5"}}}}),
			wantErr{CodeMissing, "spending_controls[spending_limits][1][interval]", ""}},
		{"missing query parameter", "GET", tokens, obj{},
			wantErr{CodeMissing, "card", "Missing required param: card."}},
		{"missing in additions", "POST", "/v1/test_helpers/issuing/tokens", obj{"network": "visa"},
			wantErr{CodeMissing, "card", ""}},

		{"bad integer", "POST", cards, obj{"currency": "usd", "type": "virtual", "exp_month": "abc"},
			wantErr{CodeInvalidInteger, "exp_month", "Invalid integer: abc"}},
		{"bad integer in array", "POST", cardholders, cardholder(obj{"spending_controls": obj{
			"spending_limits": arr{obj{"amount": "12.5", "interval": "daily"}}}}),
			wantErr{CodeInvalidInteger, "spending_controls[spending_limits][0][amount]", "Invalid integer: 12.5"}},
		{"integer given an object", "POST", cards, obj{"currency": "usd", "type": "virtual", "exp_year": obj{"a": "1"}},
			wantErr{CodeInvalidInteger, "exp_year", "Invalid integer"}},
		{"bad integer in query", "GET", tokens, obj{"card": "ic_1", "limit": "ten"},
			wantErr{CodeInvalidInteger, "limit", "Invalid integer: ten"}},
		{"bad boolean", "POST", cards, obj{"currency": "usd", "type": "physical",
			"shipping": obj{"name": "J", "address": validAddress(), "require_signature": "yes"}},
			wantErr{CodeInvalidBoolean, "shipping[require_signature]", "Invalid boolean: yes"}},
		{"bad boolean in query", "GET", "/v1/events", obj{"delivery_success": "1"},
			wantErr{CodeInvalidBoolean, "delivery_success", "Invalid boolean: 1"}},
		{"bad decimal", "POST", "/v1/test_helpers/issuing/authorizations", obj{"card": "ic_1",
			"fuel": obj{"quantity_decimal": "1,5"}},
			wantErr{CodeInvalidDecimal, "fuel[quantity_decimal]", "Invalid decimal: 1,5"}},

		{"enum", "POST", token, obj{"status": "requested"},
			wantErr{CodeInvalidEnum, "status", "Invalid status: must be one of active, deleted, or suspended"}},
		{"enum of two", "POST", card, obj{"cancellation_reason": "broken"},
			wantErr{CodeInvalidEnum, "cancellation_reason", "Invalid cancellation_reason: must be one of lost or stolen"}},
		{"enum nested", "POST", cards, obj{"currency": "usd", "type": "physical",
			"shipping": obj{"name": "J", "address": validAddress(), "type": "crate"}},
			wantErr{CodeInvalidEnum, "shipping[type]", "Invalid shipping[type]: must be one of bulk or individual"}},
		{"enum in array", "POST", cardholders, cardholder(obj{"spending_controls": obj{
			"allowed_card_presences": arr{"present", "teleported"}}}),
			wantErr{CodeInvalidEnum, "spending_controls[allowed_card_presences][1]", ""}},
		{"enum in query", "GET", tokens, obj{"card": "ic_1", "status": "gone"},
			wantErr{CodeInvalidEnum, "status", "Invalid status: must be one of active, deleted, requested, or suspended"}},
		{"enum in additions", "POST", "/v1/test_helpers/issuing/tokens", obj{"card": "ic_1", "device": obj{"type": "tablet"}},
			wantErr{CodeInvalidEnum, "device[type]", "Invalid device[type]: must be one of other, phone, or watch"}},

		{"too long", "POST", cards, obj{"currency": "usd", "type": "physical",
			"shipping": obj{"name": "J", "address": validAddress(), "business_name": strings.Repeat("b", 51)}},
			wantErr{CodeInvalidString, "shipping[business_name]",
				"Invalid string: " + strings.Repeat("b", 50) + "...; must be at most 50 characters"}},
		{"too long, short value shown whole", "POST", "/v1/issuing/personalization_designs",
			obj{"physical_bundle": "ics_1", "carrier_text": obj{"header_title": strings.Repeat("h", 31)}},
			wantErr{CodeInvalidString, "carrier_text[header_title]",
				"Invalid string: " + strings.Repeat("h", 31) + "; must be at most 30 characters"}},
		{"string given an object", "POST", cardholders, cardholder(obj{"name": obj{"first": "J"}}),
			wantErr{CodeInvalidString, "name", "Invalid string"}},
		{"expand item given an object", "GET", tokens, obj{"card": "ic_1", "expand": arr{obj{"a": "b"}}},
			wantErr{CodeInvalidString, "expand[0]", ""}},

		{"empty where not allowed", "POST", cardholders, cardholder(obj{"name": ""}),
			wantErr{CodeInvalidEmpty, "name", "You passed an empty string for 'name'. We assume empty values are an attempt " +
				"to unset a parameter; however 'name' cannot be unset. You should remove 'name' from your request or supply a non-empty value."}},
		{"empty nested", "POST", cardholders, cardholder(obj{"billing": obj{"address": func() obj {
			a := validAddress()
			a["city"] = ""
			return a
		}()}}),
			wantErr{CodeInvalidEmpty, "billing[address][city]", ""}},
		{"empty object", "POST", cardholders, cardholder(obj{"billing": ""}),
			wantErr{CodeInvalidEmpty, "billing", ""}},
		{"empty integer", "GET", tokens, obj{"card": "ic_1", "limit": ""},
			wantErr{CodeInvalidEmpty, "limit", ""}},
		{"empty array", "GET", tokens, obj{"card": "ic_1", "expand": ""},
			wantErr{CodeInvalidEmpty, "expand", ""}},
		{"empty anyOf without empty alternative", "GET", tokens, obj{"card": "ic_1", "created": ""},
			wantErr{CodeInvalidEmpty, "created", ""}},

		{"object given a string", "POST", card, obj{"pin": "1234"},
			wantErr{CodeInvalidObject, "pin", "Invalid object"}},
		{"object given an array", "POST", cardholders, cardholder(obj{"billing": arr{"x"}}),
			wantErr{CodeInvalidObject, "billing", "Invalid object"}},
		{"map given a string", "POST", cardholders, cardholder(obj{"metadata": "x"}),
			wantErr{CodeInvalidObject, "metadata", "Invalid object"}},
		{"map entry given an object", "POST", cardholders, cardholder(obj{"metadata": obj{"k": obj{"a": "b"}}}),
			wantErr{CodeInvalidString, "metadata[k]", ""}},
		{"array given a string", "GET", tokens, obj{"card": "ic_1", "expand": "card"},
			wantErr{CodeInvalidArray, "expand", "Invalid array"}},
		{"array given an object", "POST", cardholders, cardholder(obj{"preferred_locales": obj{"a": "en"}}),
			wantErr{CodeInvalidArray, "preferred_locales", "Invalid array"}},

		{"anyOf scalar alternative", "GET", tokens, obj{"card": "ic_1", "created": "yesterday"},
			wantErr{CodeInvalidInteger, "created", "Invalid integer: yesterday"}},
		{"anyOf object alternative", "GET", tokens, obj{"card": "ic_1", "created": obj{"gte": "soon"}},
			wantErr{CodeInvalidInteger, "created[gte]", "Invalid integer: soon"}},
		{"anyOf object alternative, unknown key", "GET", tokens, obj{"card": "ic_1", "created": obj{"after": "1"}},
			wantErr{CodeUnknown, "created[after]", ""}},
		{"anyOf no alternative fits", "GET", tokens, obj{"card": "ic_1", "created": arr{"1"}},
			wantErr{CodeInvalidObject, "created", ""}},
		{"anyOf with empty alternative, bad value", "POST", card, obj{"metadata": arr{"x"}},
			wantErr{CodeInvalidObject, "metadata", ""}},
		{"anyOf string or empty, too long", "POST", cards, obj{"currency": "usd", "type": "virtual",
			"second_line": strings.Repeat("x", 5001)},
			wantErr{CodeInvalidString, "second_line", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := mustOp(t, tt.method, tt.path)
			out, err := op.Validate(tt.params)
			if err == nil {
				t.Fatalf("Validate succeeded with %v, want %s error on %s", out, tt.want.code, tt.want.param)
			}
			checkErr(t, err, tt.want)
		})
	}
}

func TestValidateCoerces(t *testing.T) {
	tests := []struct {
		name         string
		method, path string
		params, want obj
	}{
		{
			name:   "card create",
			method: "POST", path: "/v1/issuing/cards",
			params: obj{
				"currency": "usd", "type": "physical", "cardholder": "ich_1", "status": "active",
				"exp_month": "12", "exp_year": "2030",
				"shipping": obj{"name": "Jenny", "address": validAddress(), "require_signature": "false", "service": "express"},
				"spending_controls": obj{
					"allowed_categories": arr{"bakeries", "fast_food_restaurants"},
					"spending_limits":    arr{obj{"amount": "5000", "interval": "daily", "categories": arr{"bakeries"}}},
				},
				"metadata": obj{"order": "42", "note": ""},
				"expand":   arr{"cardholder"},
			},
			want: obj{
				"currency": "usd", "type": "physical", "cardholder": "ich_1", "status": "active",
				"exp_month": int64(12), "exp_year": int64(2030),
				"shipping": obj{"name": "Jenny", "address": validAddress(), "require_signature": false, "service": "express"},
				"spending_controls": obj{
					"allowed_categories": arr{"bakeries", "fast_food_restaurants"},
					"spending_limits":    arr{obj{"amount": int64(5000), "interval": "daily", "categories": arr{"bakeries"}}},
				},
				"metadata": obj{"order": "42", "note": ""},
				"expand":   arr{"cardholder"},
			},
		},
		{
			name:   "empty string kept where the document allows it",
			method: "POST", path: "/v1/issuing/personalization_designs/{personalization_design}",
			params: obj{"card_logo": "", "name": "", "carrier_text": obj{"header_title": "", "footer_body": "Thanks"}},
			want:   obj{"card_logo": "", "name": "", "carrier_text": obj{"header_title": "", "footer_body": "Thanks"}},
		},
		{
			name:   "empty string clears all metadata",
			method: "POST", path: "/v1/issuing/cards/{card}",
			params: obj{"metadata": ""},
			want:   obj{"metadata": ""},
		},
		{
			name:   "empty string removes one metadata key",
			method: "POST", path: "/v1/issuing/cards/{card}",
			params: obj{"metadata": obj{"gone": "", "kept": "v"}},
			want:   obj{"metadata": obj{"gone": "", "kept": "v"}},
		},
		{
			name:   "empty string for a whole object",
			method: "POST", path: "/v1/issuing/personalization_designs/{personalization_design}",
			params: obj{"carrier_text": ""},
			want:   obj{"carrier_text": ""},
		},
		{
			name:   "empty string for an anyOf string",
			method: "POST", path: "/v1/issuing/cards",
			params: obj{"currency": "usd", "type": "virtual", "second_line": ""},
			want:   obj{"currency": "usd", "type": "virtual", "second_line": ""},
		},
		{
			name:   "enum that bypasses validation",
			method: "POST", path: "/v1/issuing/cards/{card}",
			params: obj{"status": "frozen"},
			want:   obj{"status": "frozen"},
		},
		{
			name:   "anyOf integer",
			method: "GET", path: "/v1/issuing/tokens",
			params: obj{"card": "ic_1", "created": "1700000000", "limit": "3"},
			want:   obj{"card": "ic_1", "created": int64(1700000000), "limit": int64(3)},
		},
		{
			name:   "anyOf range",
			method: "GET", path: "/v1/issuing/tokens",
			params: obj{"card": "ic_1", "created": obj{"gte": "1", "lt": "-2"}},
			want:   obj{"card": "ic_1", "created": obj{"gte": int64(1), "lt": int64(-2)}},
		},
		{
			name:   "query boolean and arrays",
			method: "GET", path: "/v1/events",
			params: obj{"delivery_success": "true", "types": arr{"issuing_card.created"}, "expand": arr{"data.data.object"}},
			want:   obj{"delivery_success": true, "types": arr{"issuing_card.created"}, "expand": arr{"data.data.object"}},
		},
		{
			name:   "decimal strings stay strings",
			method: "POST", path: "/v1/test_helpers/issuing/authorizations",
			params: obj{"card": "ic_1", "fuel": obj{"quantity_decimal": "10.5", "unit_cost_decimal": "-1e3"}},
			want:   obj{"card": "ic_1", "fuel": obj{"quantity_decimal": "10.5", "unit_cost_decimal": "-1e3"}},
		},
		{
			name:   "no parameters",
			method: "POST", path: "/v1/issuing/cards/{card}",
			params: nil,
			want:   obj{},
		},
		{
			name:   "token test helper",
			method: "POST", path: "/v1/test_helpers/issuing/tokens",
			params: obj{"card": "ic_1", "wallet_provider": "apple_pay", "network": "visa", "status": "requested",
				"device_fingerprint": "fp", "device": obj{"type": "phone", "name": "J's phone", "ip_address": "1.2.3.4"},
				"expand": arr{"card"}},
			want: obj{"card": "ic_1", "wallet_provider": "apple_pay", "network": "visa", "status": "requested",
				"device_fingerprint": "fp", "device": obj{"type": "phone", "name": "J's phone", "ip_address": "1.2.3.4"},
				"expand": arr{"card"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mustOp(t, tt.method, tt.path).Validate(tt.params)
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Validate =\n%#v\nwant\n%#v", got, tt.want)
			}
		})
	}
}

// TestValidateDoesNotModifyInput makes sure the result is a new tree.
func TestValidateDoesNotModifyInput(t *testing.T) {
	in := obj{"currency": "usd", "type": "virtual", "exp_month": "1", "metadata": obj{"a": "b"}}
	out, err := mustOp(t, "POST", "/v1/issuing/cards").Validate(in)
	if err != nil {
		t.Fatal(err)
	}
	out["metadata"].(map[string]any)["a"] = "changed"
	if in["exp_month"] != "1" || in["metadata"].(map[string]any)["a"] != "b" {
		t.Errorf("input changed: %v", in)
	}
}

// TestValidateErrorOrder checks that, with several problems, the one
// reported does not depend on map iteration order.
func TestValidateErrorOrder(t *testing.T) {
	op := mustOp(t, "POST", "/v1/issuing/cardholders")
	tests := []struct {
		name   string
		params obj
		param  string
	}{
		{"unknown before everything", obj{"zzz": "1", "billing": "", "email": obj{}}, "zzz"},
		{"invalid before a later missing", obj{"billing": obj{"address": ""}, "email": obj{}}, "billing[address]"},
		{"missing before a later invalid", obj{"email": obj{}, "phone_number": obj{}}, "billing"},
		{"first invalid by name", obj{"billing": obj{"address": validAddress()}, "name": "J",
			"status": "x", "email": obj{}, "type": "x", "preferred_locales": arr{"xx"}}, "email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 50 {
				_, err := op.Validate(tt.params)
				e, ok := issuing.AsError(err)
				if !ok || e.Param != tt.param {
					t.Fatalf("Validate error = %v, want one on %s", err, tt.param)
				}
			}
		})
	}
}

// TestValidateEmpty checks the shortcut for requests without parameters
// against the full walk, for every operation: the same error for those
// with required parameters, a fresh empty map for the others.
func TestValidateEmpty(t *testing.T) {
	ops := Ops()
	if len(ops) == 0 {
		t.Fatalf("no operations (Load: %v)", Load())
	}
	required := 0
	for _, op := range ops {
		for _, params := range []map[string]any{nil, {}} {
			got, err := op.Validate(params)
			w := walker{}
			want, wantErr := w.object(op.params, map[string]any{})
			if wantErr != nil {
				required++
				if got != nil || err == nil || err.Error() != wantErr.Error() {
					t.Errorf("%s %s: Validate(%#v) = %#v, %v; want error %v", op.Method, op.Path, params, got, err, wantErr)
				}
				continue
			}
			if err != nil || got == nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: Validate(%#v) = %#v, %v; want %#v", op.Method, op.Path, params, got, err, want)
			}
			got["x"] = 1 // the map is the caller's
		}
	}
	if required == 0 {
		t.Error("no operation has required parameters: the table checks nothing")
	}
}
