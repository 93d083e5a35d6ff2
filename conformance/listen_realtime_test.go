package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/localissuing/localissuing/issuing"
)

// TestStripeListenAnswersRealTimeAuthorizations runs Stripe's real-time
// authorization quickstart offline: `stripe listen` forwards each
// issuing_authorization.request to the application, whose response
// (approve small amounts, decline the rest) decides the authorization;
// the requests come from `stripe trigger issuing_authorization.request`
// and from the test helper.
func TestStripeListenAnswersRealTimeAuthorizations(t *testing.T) {
	stripe := stripeCLI(t)
	base := startServer(t)
	key := "sk_test_" + issuing.RandomString(24)
	secret := strings.TrimSpace(stripe.run(t, "listen", "--api-base", base, "--api-key", key, "--print-secret"))

	var mu sync.Mutex
	var problems []string
	asked := 0
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ev, err := webhook.ConstructEvent(body, r.Header.Get("Stripe-Signature"), secret)
		if err != nil {
			mu.Lock()
			problems = append(problems, fmt.Sprintf("verify: %v", err))
			mu.Unlock()
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		var a struct {
			PendingRequest struct{ Amount int64 } `json:"pending_request"`
		}
		_ = json.Unmarshal(ev.Data.Raw, &a)
		mu.Lock()
		asked++
		mu.Unlock()
		w.Header().Set("Stripe-Version", issuing.APIVersion)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"approved": %v}`, a.PendingRequest.Amount < 500)
	}))
	t.Cleanup(app.Close)
	stripe.listen(t, "--api-base", base, "--api-key", key, "--events", "issuing_authorization.request",
		"--forward-to", app.URL+"/authorizations")

	out := stripe.run(t, "trigger", "issuing_authorization.request", "--api-base", base, "--api-key", key)
	if !strings.Contains(out, "Trigger succeeded") {
		t.Fatalf("stripe trigger issuing_authorization.request:\n%s", out)
	}
	type authorization struct {
		ID, Status     string
		Approved       bool
		Amount         int64
		Card           struct{ ID string }
		RequestHistory []struct{ Reason string } `json:"request_history"`
	}
	list := apiCall[struct{ Data []authorization }](t, base, key, http.MethodGet, "/v1/issuing/authorizations", nil).Data
	if len(list) != 1 {
		t.Fatalf("%d authorizations after the trigger, want 1", len(list))
	}
	check := func(a authorization, approved bool, reason string) {
		t.Helper()
		if a.Approved != approved || len(a.RequestHistory) != 1 || a.RequestHistory[0].Reason != reason {
			t.Errorf("authorization %s of %d: approved %v history %+v; want approved %v by %s",
				a.ID, a.Amount, a.Approved, a.RequestHistory, approved, reason)
		}
	}
	check(list[0], true, "webhook_approved")

	declined := apiCall[authorization](t, base, key, http.MethodPost, "/v1/test_helpers/issuing/authorizations",
		url.Values{"card": {list[0].Card.ID}, "amount": {"1000"}})
	check(declined, false, "webhook_declined")

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Error(p)
	}
	if asked != 2 {
		t.Errorf("the application was asked %d times, want 2", asked)
	}
}
