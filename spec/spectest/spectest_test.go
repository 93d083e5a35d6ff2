package spectest

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/localissuing/localissuing/spec"
)

// fixturesPath is Stripe's example objects, in the shared folder beside the
// repository.
const fixturesPath = "../../../shared/spec/issuing.fixtures.json"

// recorder is a testing.TB that keeps failures instead of failing the test
// that uses it. Fatal ends the calling goroutine, so run calls it on one of
// its own.
type recorder struct {
	testing.TB // the real test, for everything not overridden
	mu         sync.Mutex
	failures   []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fail()             { r.Errorf("Fail called") }
func (r *recorder) FailNow()          { r.Fatalf("FailNow called") }
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.failures) > 0
}

// validate runs ValidateResponse against a recorder and returns what it
// reported.
func validate(t *testing.T, method, path string, status int, body []byte) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ValidateResponse(r, method, path, status, body)
	}()
	<-done
	return r.failures
}

func TestDocumentIsValid(t *testing.T) {
	if err := ValidateDocument(); err != nil {
		t.Fatal(err)
	}
}

// loadFixtures reads Stripe's example objects, keyed by schema name.
func loadFixtures(t *testing.T) map[string]json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(fixturesPath)
	if err != nil {
		t.Skipf("Stripe's fixtures are not at %s (the shared folder is not beside the repository): %v", fixturesPath, err)
	}
	var fixtures map[string]json.RawMessage
	if err := json.Unmarshal(data, &fixtures); err != nil {
		t.Fatalf("decode %s: %v", fixturesPath, err)
	}
	return fixtures
}

// retrieveOp finds the operation that returns one object of the schema:
// a GET if there is one, else the DELETE that returns a deleted object.
func retrieveOp(schema string) (*spec.Op, bool) {
	var found *spec.Op
	for _, op := range spec.Ops() {
		name, list := op.ResponseSchema()
		if name != schema || list {
			continue
		}
		switch op.Method {
		case "GET":
			return op, true
		case "DELETE":
			found = op
		}
	}
	return found, found != nil
}

// fixtureGaps are the nullable properties that Stripe's fixtures leave
// out. The fixtures are older than the schemas, which have since gained
// these properties; a real response carries them (null when unset). Each
// gap is a dot path into the fixture.
var fixtureGaps = map[string][]string{
	"issuing.authorization": {"card.cardholder.individual.card_issuing", "card.financial_account", "fraud_challenges", "treasury"},
	"issuing.card":          {"cardholder.individual.card_issuing", "financial_account"},
	"issuing.cardholder":    {"individual.card_issuing"},
	"issuing.dispute":       {"balance_transactions", "treasury"},
	"issuing.transaction":   {"purchase_details", "treasury"},
}

// TestFixturesAreValidResponses checks every fixture as the response of the
// operation that retrieves its object. The conventions check must find
// exactly the known gaps of the fixture (see fixtureGaps); once they are
// filled with null, ValidateResponse must pass.
//
// The event fixture is checked like the others: its api_version is null,
// which the schema allows (the property is nullable), and its data.object is
// a plan, which passes because the schema leaves data.object free-form.
func TestFixturesAreValidResponses(t *testing.T) {
	fixtures := loadFixtures(t)
	names := make([]string, 0, len(fixtures))
	for name := range fixtures {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			op, ok := retrieveOp(name)
			if !ok {
				t.Fatalf("no operation returns a single %s", name)
			}
			schema, err := responseSchema(op.Method, op.Path, 200)
			if err != nil {
				t.Fatal(err)
			}
			var value any
			if err := json.Unmarshal(fixtures[name], &value); err != nil {
				t.Fatal(err)
			}
			var got, want []string
			checkConventions(schema, value, "", &got)
			for _, gap := range fixtureGaps[name] {
				want = append(want, gap+": nullable property is missing (send null instead)")
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("conventions check of the raw fixture:\n got %q\nwant %q", got, want)
			}
			ValidateResponse(t, op.Method, op.Path, 200, completeFixture(t, fixtures, name))
		})
	}
}

// completeFixture returns a fixture with its gaps filled with null.
func completeFixture(t *testing.T, fixtures map[string]json.RawMessage, name string) []byte {
	t.Helper()
	return edit(t, fixtures[name], func(m map[string]any) {
		for _, gap := range fixtureGaps[name] {
			parts := strings.Split(gap, ".")
			obj := m
			for _, p := range parts[:len(parts)-1] {
				next, ok := obj[p].(map[string]any)
				if !ok {
					t.Fatalf("%s: %s is not an object in the fixture", name, gap)
				}
				obj = next
			}
			obj[parts[len(parts)-1]] = nil
		}
	})
}

// edit decodes a fixture, changes it and encodes it again.
func edit(t *testing.T, raw json.RawMessage, change func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBrokenResponsesFail(t *testing.T) {
	fixtures := loadFixtures(t)
	card := completeFixture(t, fixtures, "issuing.card")
	tests := []struct {
		name         string
		method, path string
		status       int
		body         []byte
		want         string // a fragment of the failure
	}{
		{"missing required field", "GET", "/v1/issuing/cards/{card}", 200,
			edit(t, card, func(m map[string]any) { delete(m, "currency") }), "currency"},
		{"wrong enum", "GET", "/v1/issuing/cards/{card}", 200,
			edit(t, card, func(m map[string]any) { m["status"] = "exploded" }), "status"},
		{"wrong type", "GET", "/v1/issuing/cards/{card}", 200,
			edit(t, card, func(m map[string]any) { m["exp_month"] = "12" }), "exp_month"},
		{"missing nullable field", "GET", "/v1/issuing/cards/{card}", 200,
			edit(t, card, func(m map[string]any) { delete(m, "cancellation_reason") }),
			"cancellation_reason: nullable property is missing"},
		{"missing nested nullable field", "GET", "/v1/issuing/cards/{card}", 200,
			edit(t, card, func(m map[string]any) {
				delete(m["cardholder"].(map[string]any), "email")
			}), "cardholder.email: nullable property is missing"},
		{"extra field", "GET", "/v1/issuing/cards/{card}", 200,
			edit(t, card, func(m map[string]any) { m["colour"] = "blue" }), "colour: property is not in the schema"},
		{"extra nested field", "GET", "/v1/issuing/cards/{card}", 200,
			edit(t, card, func(m map[string]any) {
				m["cardholder"].(map[string]any)["billing"].(map[string]any)["address"].(map[string]any)["planet"] = "earth"
			}), "cardholder.billing.address.planet: property is not in the schema"},
		{"extra field in an expanded object", "GET", "/v1/issuing/tokens/{token}", 200,
			edit(t, fixtures["issuing.token"], func(m map[string]any) {
				var c map[string]any
				if err := json.Unmarshal(card, &c); err != nil {
					t.Fatal(err)
				}
				c["colour"] = "blue"
				m["card"] = c
			}), "card.colour: property is not in the schema"},
		{"extra field in a list item", "GET", "/v1/issuing/cards", 200,
			[]byte(`{"object":"list","url":"/v1/issuing/cards","has_more":false,"data":[` +
				string(edit(t, card, func(m map[string]any) { m["colour"] = "blue" })) + `]}`),
			"data[0].colour: property is not in the schema"},
		{"extra field in the list", "GET", "/v1/issuing/cards", 200,
			[]byte(`{"object":"list","url":"/v1/issuing/cards","has_more":false,"data":[],"total":0}`),
			"total: property is not in the schema"},
		{"list missing has_more", "GET", "/v1/issuing/cards", 200,
			[]byte(`{"object":"list","url":"/v1/issuing/cards","data":[]}`), "has_more"},
		{"error of unknown type", "POST", "/v1/issuing/cards", 400,
			[]byte(`{"error":{"type":"oops","message":"x"}}`), "type"},
		{"error with extra field", "POST", "/v1/issuing/cards", 400,
			[]byte(`{"error":{"type":"invalid_request_error","message":"x","hint":"y"}}`), "error.hint: property is not in the schema"},
		{"not JSON", "GET", "/v1/issuing/cards/{card}", 200, []byte(`{`), "not JSON"},
		{"unknown operation", "GET", "/v1/issuing/widgets", 200, []byte(`{}`), "no path"},
		{"unknown status", "GET", "/v1/issuing/cards/{card}", 302, []byte(`{}`), "no response for status 302"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failures := validate(t, tt.method, tt.path, tt.status, tt.body)
			if len(failures) == 0 {
				t.Fatalf("ValidateResponse accepted the body:\n%s", tt.body)
			}
			if all := strings.Join(failures, "\n"); !strings.Contains(all, tt.want) {
				t.Errorf("failures do not mention %q:\n%s", tt.want, all)
			}
		})
	}
}

func TestValidResponsesPass(t *testing.T) {
	fixtures := loadFixtures(t)
	tests := []struct {
		name         string
		method, path string
		status       int
		body         []byte
	}{
		{"list", "GET", "/v1/issuing/cards", 200,
			[]byte(`{"object":"list","url":"/v1/issuing/cards","has_more":false,"data":[` + string(completeFixture(t, fixtures, "issuing.card")) + `]}`)},
		{"empty list", "GET", "/v1/issuing/tokens", 200,
			[]byte(`{"object":"list","url":"/v1/issuing/tokens","has_more":false,"data":[]}`)},
		{"error", "POST", "/v1/issuing/cards", 400,
			[]byte(`{"error":{"type":"invalid_request_error","code":"parameter_missing","param":"currency","message":"Missing required param: currency."}}`)},
		{"not found", "GET", "/v1/issuing/cards/{card}", 404,
			[]byte(`{"error":{"type":"invalid_request_error","code":"resource_missing","param":"id","message":"No such issuing card: 'ic_1'"}}`)},
		{"includable field present", "GET", "/v1/issuing/cards/{card}", 200,
			edit(t, completeFixture(t, fixtures, "issuing.card"), func(m map[string]any) { m["number"] = "4242424242424242"; m["cvc"] = "123" })},
		{"token helper of the additions", "POST", "/v1/test_helpers/issuing/tokens", 200, fixtures["issuing.token"]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if failures := validate(t, tt.method, tt.path, tt.status, tt.body); len(failures) > 0 {
				t.Errorf("ValidateResponse failed:\n%s", strings.Join(failures, "\n"))
			}
		})
	}
}
