package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v85"
)

// authorize asks for an authorization of amount on a card through the test
// helper, with p (if any) supplying the other parameters.
func authorize(t *testing.T, sc *stripe.Client, cardID string, amount int64, p *stripe.TestHelpersIssuingAuthorizationCreateParams) *stripe.IssuingAuthorization {
	t.Helper()
	if p == nil {
		p = &stripe.TestHelpersIssuingAuthorizationCreateParams{}
	}
	p.Card, p.Amount = stripe.String(cardID), stripe.Int64(amount)
	a, err := sc.V1TestHelpersIssuingAuthorizations.Create(context.Background(), p)
	if err != nil {
		t.Fatalf("create authorization: %v", err)
	}
	return a
}

// lastRequest is the latest entry of an authorization's request history.
func lastRequest(t *testing.T, a *stripe.IssuingAuthorization) *stripe.IssuingAuthorizationRequestHistory {
	t.Helper()
	if len(a.RequestHistory) == 0 {
		t.Fatalf("authorization %s has no request history", a.ID)
	}
	return a.RequestHistory[len(a.RequestHistory)-1]
}

var authorizationCode = regexp.MustCompile(`^S\d{6}$`)

func TestAuthorizationLifecycleWithSDK(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	c := newActiveCard(t, sc)

	a := authorize(t, sc, c.ID, 1500, nil)
	if !strings.HasPrefix(a.ID, "iauth_") || a.Status != "pending" || !a.Approved || a.Amount != 1500 ||
		a.Currency != "usd" || a.MerchantAmount != 1500 || a.MerchantCurrency != "usd" {
		t.Fatalf("authorization = %s status %s approved %v amount %d %s merchant %d %s",
			a.ID, a.Status, a.Approved, a.Amount, a.Currency, a.MerchantAmount, a.MerchantCurrency)
	}
	if a.Card == nil || a.Card.ID != c.ID || a.Card.Cardholder == nil || a.Card.Cardholder.Name != "Jenny Rosen" {
		t.Errorf("card not embedded: %+v", a.Card)
	}
	if a.Cardholder == nil || a.Cardholder.ID != c.Cardholder.ID {
		t.Errorf("cardholder = %+v", a.Cardholder)
	}
	if a.AuthorizationMethod != "online" || a.MerchantData.Category != "taxicabs_limousines" || a.MerchantData.CategoryCode != "4121" ||
		a.MerchantData.NetworkID == "" || a.MerchantData.Name == "" {
		t.Errorf("defaults: method %s merchant %+v", a.AuthorizationMethod, a.MerchantData)
	}
	if v := a.VerificationData; v.CVCCheck != "match" || v.ExpiryCheck != "match" || v.AddressLine1Check != "not_provided" {
		t.Errorf("verification defaults = %+v", v)
	}
	if req := lastRequest(t, a); !req.Approved || req.Reason != "card_active" || !authorizationCode.MatchString(req.AuthorizationCode) ||
		req.Amount != 1500 || req.Currency != "usd" {
		t.Errorf("request history = %+v", req)
	}
	if a.PendingRequest != nil || len(a.Transactions) != 0 {
		t.Errorf("pending_request %+v transactions %d", a.PendingRequest, len(a.Transactions))
	}

	// A restaurant with a card present, in another currency.
	p := &stripe.TestHelpersIssuingAuthorizationCreateParams{
		AuthorizationMethod: stripe.String("chip"), MerchantAmount: stripe.Int64(1380), MerchantCurrency: stripe.String("eur"),
		MerchantData: &stripe.TestHelpersIssuingAuthorizationCreateMerchantDataParams{
			Category: stripe.String("eating_places_restaurants"), Name: stripe.String("Chez Paul"), Country: stripe.String("FR"),
			City: stripe.String("Paris")},
	}
	b := authorize(t, sc, c.ID, 1500, p)
	if b.MerchantData.CategoryCode != "5812" || b.MerchantData.Country != "FR" || b.MerchantData.PostalCode != "94107" ||
		b.MerchantAmount != 1380 || b.MerchantCurrency != "eur" {
		t.Errorf("merchant = %+v amount %d %s", b.MerchantData, b.MerchantAmount, b.MerchantCurrency)
	}
	raw := e.do("GET", "/v1/issuing/authorizations/"+b.ID, e.Key, "")
	if !strings.Contains(string(raw.Body), `"card_presence": "present"`) {
		t.Errorf("chip authorization is not card-present: %s", raw.Body)
	}

	// Retrieve with the cardholder expanded, and the metadata update.
	rp := &stripe.IssuingAuthorizationRetrieveParams{}
	rp.AddExpand("cardholder")
	got, err := sc.V1IssuingAuthorizations.Retrieve(ctx, a.ID, rp)
	if err != nil || got.Cardholder == nil || got.Cardholder.Name != "Jenny Rosen" {
		t.Fatalf("retrieve expanded: %v %+v", err, got)
	}
	up := &stripe.IssuingAuthorizationUpdateParams{}
	up.AddMetadata("order", "42")
	got, err = sc.V1IssuingAuthorizations.Update(ctx, a.ID, up)
	if err != nil || got.Metadata["order"] != "42" {
		t.Fatalf("update metadata: %v %+v", err, got)
	}

	// Capture part, leaving the authorization open, then the rest.
	got, err = sc.V1TestHelpersIssuingAuthorizations.Capture(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationCaptureParams{
		CaptureAmount: stripe.Int64(500), CloseAuthorization: stripe.Bool(false)})
	if err != nil {
		t.Fatalf("partial capture: %v", err)
	}
	if got.Status != "pending" || got.Amount != 1000 || len(got.Transactions) != 1 || got.Transactions[0].Amount != -500 ||
		got.Transactions[0].Type != "capture" {
		t.Errorf("after partial capture: status %s amount %d transactions %d", got.Status, got.Amount, len(got.Transactions))
	}
	got, err = sc.V1TestHelpersIssuingAuthorizations.Capture(ctx, a.ID, nil)
	if err != nil {
		t.Fatalf("capture: %v", err)
	}
	if got.Status != "closed" || got.Amount != 0 || len(got.Transactions) != 2 || got.Transactions[1].Amount != -1000 {
		t.Errorf("after capture: status %s amount %d transactions %d", got.Status, got.Amount, len(got.Transactions))
	}
	txn := got.Transactions[1]
	if txn.Authorization.ID != a.ID || txn.Card.ID != c.ID || txn.Cardholder.ID != c.Cardholder.ID ||
		txn.MerchantData.CategoryCode != "4121" || txn.Currency != "usd" || txn.MerchantAmount != -1000 {
		t.Errorf("capture transaction = %+v", txn)
	}

	// Lists with filters.
	other := newActiveCard(t, sc)
	authorize(t, sc, other.ID, 100, nil)
	count := func(p *stripe.IssuingAuthorizationListParams) int {
		n := 0
		for _, err := range sc.V1IssuingAuthorizations.List(ctx, p).All(ctx) {
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			n++
		}
		return n
	}
	if n := count(&stripe.IssuingAuthorizationListParams{Card: stripe.String(c.ID)}); n != 2 {
		t.Errorf("authorizations of card = %d, want 2", n)
	}
	if n := count(&stripe.IssuingAuthorizationListParams{Cardholder: stripe.String(other.Cardholder.ID)}); n != 1 {
		t.Errorf("authorizations of other cardholder = %d, want 1", n)
	}
	if n := count(&stripe.IssuingAuthorizationListParams{Status: stripe.String("closed")}); n != 1 {
		t.Errorf("closed authorizations = %d, want 1", n)
	}
	if n := count(&stripe.IssuingAuthorizationListParams{Status: stripe.String("pending")}); n != 2 {
		t.Errorf("pending authorizations = %d, want 2", n)
	}
	if n := countEvents(t, e, "issuing_authorization.created"); n != 3 {
		t.Errorf("issuing_authorization.created = %d, want 3", n)
	}
	// metadata, two captures
	if n := countEvents(t, e, "issuing_authorization.updated"); n != 3 {
		t.Errorf("issuing_authorization.updated = %d, want 3", n)
	}
	if n := countEvents(t, e, "issuing_transaction.created"); n != 2 {
		t.Errorf("issuing_transaction.created = %d, want 2", n)
	}

	// A wallet payment names the card's token for that wallet.
	tok := newToken(t, e, e.Key, c.ID, "&wallet_provider=google_pay")
	w := authorize(t, sc, c.ID, 300, &stripe.TestHelpersIssuingAuthorizationCreateParams{Wallet: stripe.String("google_pay")})
	if w.Wallet != "google_pay" || w.Token == nil || w.Token.ID != tok.ID {
		t.Errorf("wallet authorization: wallet %s token %+v", w.Wallet, w.Token)
	}
	if w, err = sc.V1TestHelpersIssuingAuthorizations.Capture(ctx, w.ID, nil); err != nil {
		t.Fatalf("capture wallet payment: %v", err)
	}
	tp := &stripe.IssuingTransactionRetrieveParams{}
	tp.AddExpand("token")
	if txn, err := sc.V1IssuingTransactions.Retrieve(ctx, w.Transactions[0].ID, tp); err != nil || txn.Wallet != "google_pay" ||
		txn.Token == nil || txn.Token.WalletProvider != "google_pay" {
		t.Errorf("wallet capture: %v %+v", err, txn)
	}
	if a := authorize(t, sc, c.ID, 300, &stripe.TestHelpersIssuingAuthorizationCreateParams{Wallet: stripe.String("apple_pay")}); a.Token != nil {
		t.Errorf("apple_pay payment names token %s of another wallet", a.Token.ID)
	}
}

// Expansion steps into arrays of embedded objects: each of an
// authorization's transactions gets its card expanded.
func TestExpandIntoTransactions(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()
	c := newActiveCard(t, sc)
	a := authorize(t, sc, c.ID, 1500, nil)
	if _, err := sc.V1TestHelpersIssuingAuthorizations.Capture(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationCaptureParams{
		CaptureAmount: stripe.Int64(500), CloseAuthorization: stripe.Bool(false)}); err != nil {
		t.Fatalf("capture: %v", err)
	}
	if _, err := sc.V1TestHelpersIssuingAuthorizations.Capture(ctx, a.ID, &stripe.TestHelpersIssuingAuthorizationCaptureParams{
		CaptureAmount: stripe.Int64(1000)}); err != nil {
		t.Fatalf("capture: %v", err)
	}
	p := &stripe.IssuingAuthorizationRetrieveParams{}
	p.AddExpand("transactions.card")
	got, err := sc.V1IssuingAuthorizations.Retrieve(ctx, a.ID, p)
	if err != nil {
		t.Fatalf("retrieve with expand[]=transactions.card: %v", err)
	}
	if len(got.Transactions) != 2 {
		t.Fatalf("%d transactions", len(got.Transactions))
	}
	for _, tr := range got.Transactions {
		if tr.Card == nil || tr.Card.ID != c.ID || tr.Card.Last4 == "" {
			t.Errorf("transaction %s: card not expanded: %+v", tr.ID, tr.Card)
		}
	}
	r := e.do("GET", "/v1/issuing/authorizations", e.Key, "expand[]=data.transactions.cardholder")
	var page struct {
		Data []struct {
			Transactions []struct {
				Cardholder any `json:"cardholder"`
			} `json:"transactions"`
		} `json:"data"`
	}
	decode(t, r.Body, &page)
	if r.Status != 200 || len(page.Data) != 1 || len(page.Data[0].Transactions) != 2 {
		t.Fatalf("list with expand[]=data.transactions.cardholder: %d %s", r.Status, r.Body)
	}
	for _, tr := range page.Data[0].Transactions {
		if ch, ok := tr.Cardholder.(map[string]any); !ok || ch["id"] != c.Cardholder.ID {
			t.Errorf("transaction cardholder not expanded: %v", tr.Cardholder)
		}
	}
	if r := e.do("GET", "/v1/issuing/authorizations/"+a.ID, e.Key, "expand[]=transactions.nope"); r.Status != 400 {
		t.Errorf("expand[]=transactions.nope: %d", r.Status)
	}
}
