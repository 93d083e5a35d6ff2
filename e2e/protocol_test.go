package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stripe/stripe-go/v85"
)

const cardholderForm = "name=Jenny+Rosen&billing[address][line1]=1%20Main%20St&billing[address][city]=San+Francisco" +
	"&billing[address][postal_code]=94111&billing[address][country]=US"

type stripeErr struct {
	Error struct {
		Type    string `json:"type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Param   string `json:"param"`
	} `json:"error"`
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	basic := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name   string
		header string
		status int
	}{
		{"no key", "", 401},
		{"bearer secret key", "Bearer " + e.Key, 200},
		{"basic with key as user (curl -u)", basic(e.Key + ":"), 200},
		{"bare basic key", "Basic " + e.Key, 200},
		{"restricted key", "Bearer rk_test_restricted00000000", 200},
		{"publishable key", "Bearer pk_test_abcdefghijklmnop", 401},
		{"malformed key", "Bearer sk_test_", 401},
		{"unknown scheme", "Token " + e.Key, 401},
		{"not a stripe key", "Bearer hello_world_1234567", 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			headers := []string{}
			if tc.header != "" {
				headers = []string{"Authorization", tc.header}
			}
			r := e.do("GET", "/v1/issuing/cardholders", "", "", headers...)
			if r.Status != tc.status {
				t.Fatalf("status = %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if tc.status == 401 {
				var se stripeErr
				decode(t, r.Body, &se)
				if se.Error.Type != "invalid_request_error" || se.Error.Message == "" {
					t.Errorf("error = %+v", se.Error)
				}
				if strings.Contains(string(r.Body), "restricted00000000") {
					t.Errorf("key echoed in full")
				}
			}
		})
	}
}

func TestBadInputIsA4xxAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	ch := createCardholderRaw(t, e)
	tests := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		code, param              string
	}{
		{"unknown parameter", "POST", "/v1/issuing/cardholders", cardholderForm + "&nickname=JR", nil, 400, "parameter_unknown", "nickname"},
		{"unknown nested parameter", "POST", "/v1/issuing/cardholders", cardholderForm + "&billing[address][planet]=Mars", nil, 400, "parameter_unknown", "billing[address][planet]"},
		{"missing required", "POST", "/v1/issuing/cardholders", "name=Jenny", nil, 400, "parameter_missing", "billing"},
		{"missing nested required", "POST", "/v1/issuing/cardholders", "name=Jenny&billing[address][line1]=x", nil, 400, "parameter_missing", "billing[address][city]"},
		{"bad enum", "POST", "/v1/issuing/cards", "cardholder=" + ch + "&currency=usd&type=plastic", nil, 400, "", "type"},
		{"wrong type", "POST", "/v1/issuing/cards", "cardholder=" + ch + "&currency=usd&type=virtual&exp_month=june", nil, 400, "parameter_invalid_integer", "exp_month"},
		{"bad limit", "GET", "/v1/issuing/cards", "limit=1000", nil, 400, "", "limit"},
		{"malformed form", "POST", "/v1/issuing/cardholders", "name[=x", nil, 400, "", "name["},
		{"json body", "POST", "/v1/issuing/cardholders", `{"name":"Jenny"}`, []string{"Content-Type", "application/json"}, 400, "", ""},
		{"oversize body", "POST", "/v1/issuing/cardholders", cardholderForm + "&metadata[x]=" + strings.Repeat("a", 2<<20), nil, 413, "", ""},
		{"no such cardholder", "POST", "/v1/issuing/cards", "cardholder=ich_nope&currency=usd&type=virtual", nil, 404, "resource_missing", "cardholder"},
		{"metadata value too long", "POST", "/v1/issuing/cardholders", cardholderForm + "&metadata[k]=" + strings.Repeat("v", 501), nil, 400, "", "metadata[k]"},
		{"empty metadata key", "POST", "/v1/issuing/cardholders", cardholderForm + "&metadata[]=v", nil, 400, "", "metadata[]"},
		{"name with digits", "POST", "/v1/issuing/cardholders", strings.Replace(cardholderForm, "Jenny+Rosen", "R2D2", 1), nil, 400, "", "name"},
		{"both cursors", "GET", "/v1/issuing/cards", "starting_after=ic_a&ending_before=ic_b", nil, 400, "", "ending_before"},
		{"unknown cursor", "GET", "/v1/issuing/cards", "starting_after=ic_nope", nil, 404, "resource_missing", "starting_after"},
		{"not expandable", "GET", "/v1/issuing/cards/ic_x", "expand[]=currency", nil, 400, "", "expand"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, e.Key, tc.body, tc.headers...)
			if r.Status != tc.status {
				t.Fatalf("status = %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			var se stripeErr
			decode(t, r.Body, &se)
			if se.Error.Type != "invalid_request_error" || se.Error.Message == "" {
				t.Errorf("error = %+v", se.Error)
			}
			if tc.code != "" && se.Error.Code != tc.code {
				t.Errorf("code = %q, want %q (%s)", se.Error.Code, tc.code, se.Error.Message)
			}
			if se.Error.Param != tc.param {
				t.Errorf("param = %q, want %q (%s)", se.Error.Param, tc.param, se.Error.Message)
			}
		})
	}
	// Nothing was written: still exactly the one cardholder and no card.
	assertCount(t, e, "/v1/issuing/cardholders", 1)
	assertCount(t, e, "/v1/issuing/cards", 0)
}

// Metadata keys are the client's own strings, digits included, as on
// Stripe: they are not array indices.
func TestMetadataKeysOfDigits(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ch, err := sc.V1IssuingCardholders.Create(context.Background(), &stripe.IssuingCardholderCreateParams{
		Name: stripe.String("Jenny Rosen"), Billing: &stripe.IssuingCardholderCreateBillingParams{
			Address: &stripe.AddressParams{Line1: stripe.String("1 Main St"), City: stripe.String("San Francisco"),
				PostalCode: stripe.String("94111"), Country: stripe.String("US")}},
		Params: stripe.Params{Metadata: map[string]string{"123": "a", "0": "b", "order": "c"}}})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	want := map[string]string{"123": "a", "0": "b", "order": "c"}
	if !maps.Equal(ch.Metadata, want) {
		t.Errorf("metadata = %v, want %v", ch.Metadata, want)
	}
	r := e.do("POST", "/v1/issuing/cardholders/"+ch.ID, e.Key, "metadata[123]=")
	var got stripe.IssuingCardholder
	decode(t, r.Body, &got)
	if r.Status != 200 || !maps.Equal(got.Metadata, map[string]string{"0": "b", "order": "c"}) {
		t.Errorf("unset metadata[123]: %d %v", r.Status, got.Metadata)
	}
}

func TestUnknownRouteAndClientQuirks(t *testing.T) {
	e := newEnv(t)
	r := e.do("GET", "/v1/issuing/nothing", e.Key, "")
	var se stripeErr
	decode(t, r.Body, &se)
	if r.Status != 404 || !strings.Contains(se.Error.Message, "Unrecognized request URL (GET: /v1/issuing/nothing)") {
		t.Errorf("unknown route: %d %s", r.Status, r.Body)
	}
	if r.Header.Get("Request-Id") == "" {
		t.Errorf("unknown route has no Request-Id")
	}

	id := createCardholderRaw(t, e)
	// expand[0]= (SDKs) and expand[]= (CLI); an empty POST body; a GET
	// carrying a form content type; any Stripe-Version; telemetry.
	for _, q := range []string{"expand[0]=cardholder", "expand[]=cardholder", "expand%5B%5D=cardholder"} {
		r := e.do("GET", "/v1/issuing/cardholders/"+id, e.Key, "", "Stripe-Version", "2020-08-27")
		if r.Status != 200 {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
	r = e.do("POST", "/v1/issuing/cardholders/"+id, e.Key, "", "X-Stripe-Client-Telemetry", `{"last_request_metrics":{"request_id":"req_x","request_duration_ms":3}}`)
	if r.Status != 200 {
		t.Errorf("empty POST: %d %s", r.Status, r.Body)
	}
	r = e.do("GET", "/v1/issuing/cardholders", e.Key, "limit=1", "Content-Type", "application/x-www-form-urlencoded")
	if r.Status != 200 {
		t.Errorf("GET with form content type: %d %s", r.Status, r.Body)
	}
}

func TestIdempotency(t *testing.T) {
	e := newEnv(t)
	key := []string{"Idempotency-Key", "create-jenny-1"}
	first := e.do("POST", "/v1/issuing/cardholders", e.Key, cardholderForm, key...)
	second := e.do("POST", "/v1/issuing/cardholders", e.Key, cardholderForm, key...)
	if first.Status != 200 || second.Status != 200 || string(first.Body) != string(second.Body) {
		t.Fatalf("replay differs: %d %s / %d %s", first.Status, first.Body, second.Status, second.Body)
	}
	if second.Header.Get("Idempotent-Replayed") != "true" || first.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("Idempotent-Replayed: first %q second %q", first.Header.Get("Idempotent-Replayed"), second.Header.Get("Idempotent-Replayed"))
	}
	assertCount(t, e, "/v1/issuing/cardholders", 1)

	// Same key, other parameters.
	r := e.do("POST", "/v1/issuing/cardholders", e.Key, cardholderForm+"&email=x@example.com", key...)
	var se stripeErr
	decode(t, r.Body, &se)
	if r.Status != 400 || se.Error.Type != "idempotency_error" {
		t.Errorf("mismatched reuse: %d %s", r.Status, r.Body)
	}
	// Keys are per account.
	other := e.do("POST", "/v1/issuing/cardholders", "sk_test_another0000000000000", cardholderForm, key...)
	if other.Status != 200 || other.Header.Get("Idempotent-Replayed") != "" || string(other.Body) == string(first.Body) {
		t.Errorf("key leaked across accounts: %d replayed=%q", other.Status, other.Header.Get("Idempotent-Replayed"))
	}
	// An error the request ran into is replayed too.
	bad := []string{"Idempotency-Key", "bad-card"}
	b1 := e.do("POST", "/v1/issuing/cards", e.Key, "cardholder=ich_missing&currency=usd&type=virtual", bad...)
	b2 := e.do("POST", "/v1/issuing/cards", e.Key, "cardholder=ich_missing&currency=usd&type=virtual", bad...)
	if b1.Status != 404 || b2.Status != 404 || b2.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("error replay: %d / %d replayed=%q", b1.Status, b2.Status, b2.Header.Get("Idempotent-Replayed"))
	}

	// Concurrent duplicates: each gets the one result or a 409; one object.
	const n = 16
	var wg sync.WaitGroup
	results := make([]response, n)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = e.do("POST", "/v1/issuing/cardholders", e.Key, cardholderForm+"&email=c@example.com", "Idempotency-Key", "concurrent")
		}()
	}
	wg.Wait()
	var body string
	for _, r := range results {
		switch r.Status {
		case http.StatusOK:
			if body != "" && string(r.Body) != body {
				t.Errorf("two different results for one key")
			}
			body = string(r.Body)
		case http.StatusConflict:
			var se stripeErr
			decode(t, r.Body, &se)
			if se.Error.Code != "idempotency_key_in_use" {
				t.Errorf("409 code = %q", se.Error.Code)
			}
		default:
			t.Errorf("concurrent duplicate: %d %s", r.Status, r.Body)
		}
	}
	assertCount(t, e, "/v1/issuing/cardholders", 2)
}

func createCardholderRaw(t *testing.T, e *env) string {
	t.Helper()
	r := e.do("POST", "/v1/issuing/cardholders", e.Key, cardholderForm)
	if r.Status != 200 {
		t.Fatalf("create cardholder: %d %s", r.Status, r.Body)
	}
	var v struct{ ID string }
	decode(t, r.Body, &v)
	return v.ID
}

func assertCount(t *testing.T, e *env, path string, want int) {
	t.Helper()
	r := e.do("GET", path, e.Key, "limit=100")
	var page struct {
		Data []any `json:"data"`
	}
	decode(t, r.Body, &page)
	if len(page.Data) != want {
		t.Errorf("%s has %d objects, want %d", path, len(page.Data), want)
	}
}

func TestGzipRequestBody(t *testing.T) {
	e := newEnv(t)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(cardholderForm))
	_ = zw.Close()
	req, _ := http.NewRequest("POST", e.URL+"/v1/issuing/cardholders", &buf)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Content-Encoding", "gzip")
	req.SetBasicAuth(e.Key, "")
	res, err := (&http.Client{Transport: &validatingTransport{t: t, base: http.DefaultTransport}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("gzip body: %d", res.StatusCode)
	}
	assertCount(t, e, "/v1/issuing/cardholders", 1)
}
