package spec

import "testing"

// BenchmarkParse measures what the first use of the package costs: skimming
// the embedded document and compiling every operation.
func BenchmarkParse(b *testing.B) {
	b.SetBytes(int64(len(document)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parse(document); err != nil {
			b.Fatal(err)
		}
	}
}

// cardCreateBody is what a client sends to create a physical card with
// shipping, spending controls and metadata, as form parsing returns it.
func cardCreateBody() map[string]any {
	return obj{
		"cardholder": "ich_1Pgag4B7WZ01zgkWdPVfBngi",
		"currency":   "usd",
		"type":       "physical",
		"status":     "active",
		"shipping": obj{
			"name":    "Jenny Rosen",
			"service": "express",
			"type":    "individual",
			"address": obj{
				"line1": "1234 Main Street", "line2": "Apt 5", "city": "San Francisco",
				"state": "CA", "postal_code": "94111", "country": "US",
			},
			"require_signature": "true",
		},
		"spending_controls": obj{
			"allowed_categories": arr{"grocery_stores_supermarkets", "fast_food_restaurants"},
			"spending_limits": arr{
				obj{"amount": "50000", "interval": "monthly"},
				obj{"amount": "5000", "interval": "per_authorization", "categories": arr{"fast_food_restaurants"}},
			},
		},
		"metadata": obj{"order_id": "6735", "team": "ops"},
		"expand":   arr{"cardholder"},
	}
}

// BenchmarkValidateCardCreate measures Validate on POST /v1/issuing/cards.
func BenchmarkValidateCardCreate(b *testing.B) {
	op := mustOp(b, "POST", "/v1/issuing/cards")
	body := cardCreateBody()
	if _, err := op.Validate(body); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := op.Validate(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateError measures a rejected request, which renders a
// parameter name and a message.
func BenchmarkValidateError(b *testing.B) {
	op := mustOp(b, "POST", "/v1/issuing/cards")
	body := cardCreateBody()
	body["spending_controls"].(map[string]any)["spending_limits"].([]any)[1].(map[string]any)["amount"] = "lots"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := op.Validate(body); err == nil {
			b.Fatal("no error")
		}
	}
}
