package e2e

import (
	"reflect"
	"strings"
	"testing"
)

// settlementJSON is an issuing.settlement as the wire carries it; stripe-go
// has no settlement calls, so these tests speak HTTP.
type settlementJSON struct {
	ID                          string            `json:"id"`
	Object                      string            `json:"object"`
	BIN                         string            `json:"bin"`
	ClearingDate                int64             `json:"clearing_date"`
	Created                     int64             `json:"created"`
	Currency                    string            `json:"currency"`
	InterchangeFeesAmount       int64             `json:"interchange_fees_amount"`
	Livemode                    bool              `json:"livemode"`
	Metadata                    map[string]string `json:"metadata"`
	NetTotalAmount              int64             `json:"net_total_amount"`
	Network                     string            `json:"network"`
	NetworkFeesAmount           int64             `json:"network_fees_amount"`
	NetworkSettlementIdentifier string            `json:"network_settlement_identifier"`
	SettlementService           string            `json:"settlement_service"`
	Status                      string            `json:"status"`
	TransactionAmount           int64             `json:"transaction_amount"`
	TransactionCount            int64             `json:"transaction_count"`
}

func newSettlement(t *testing.T, e *env, key, form string) settlementJSON {
	t.Helper()
	r := e.do("POST", "/v1/test_helpers/issuing/settlements", key, form)
	if r.Status != 200 {
		t.Fatalf("create settlement: %d %s", r.Status, r.Body)
	}
	var s settlementJSON
	decode(t, r.Body, &s)
	return s
}

func TestSettlementLifecycle(t *testing.T) {
	e := newEnv(t)
	s := newSettlement(t, e, e.Key, "bin=424242&clearing_date=1721954070&currency=USD&net_total_amount=3575"+
		"&transaction_amount=3656&interchange_fees_amount=44&transaction_count=2&network_settlement_identifier=1000633976")
	want := settlementJSON{ID: s.ID, Object: "issuing.settlement", BIN: "424242", ClearingDate: 1721954070, Created: e.Clock.Now().Unix(),
		Currency: "usd", InterchangeFeesAmount: 44, NetTotalAmount: 3575, Network: "visa", NetworkFeesAmount: 37,
		NetworkSettlementIdentifier: "1000633976", SettlementService: "international", Status: "pending",
		TransactionAmount: 3656, TransactionCount: 2}
	if !strings.HasPrefix(s.ID, "ise_") || s.Metadata == nil || len(s.Metadata) != 0 {
		t.Errorf("settlement = %+v", s)
	}
	s.Metadata = nil
	if !reflect.DeepEqual(s, want) {
		t.Errorf("settlement = %+v\nwant         %+v", s, want)
	}

	r := e.do("POST", "/v1/issuing/settlements/"+s.ID, e.Key, "metadata[batch]=42&metadata[region]=us")
	var got settlementJSON
	decode(t, r.Body, &got)
	if r.Status != 200 || got.Metadata["batch"] != "42" || got.Status != "pending" {
		t.Errorf("update metadata: %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/v1/issuing/settlements/"+s.ID, e.Key, "metadata[batch]=")
	got = settlementJSON{}
	decode(t, r.Body, &got)
	if r.Status != 200 || len(got.Metadata) != 1 || got.Metadata["region"] != "us" {
		t.Errorf("delete a metadata key: %d %s", r.Status, r.Body)
	}

	r = e.do("POST", "/v1/test_helpers/issuing/settlements/"+s.ID+"/complete", e.Key, "")
	decode(t, r.Body, &got)
	if r.Status != 200 || got.Status != "complete" {
		t.Errorf("complete: %d %s", r.Status, r.Body)
	}
	r = e.do("POST", "/v1/test_helpers/issuing/settlements/"+s.ID+"/complete", e.Key, "")
	var se stripeErr
	decode(t, r.Body, &se)
	if r.Status != 400 || !strings.Contains(se.Error.Message, "complete already") {
		t.Errorf("complete twice: %d %s", r.Status, r.Body)
	}
	r = e.do("GET", "/v1/issuing/settlements/"+s.ID, e.Key, "")
	decode(t, r.Body, &got)
	if r.Status != 200 || got.Status != "complete" || got.Metadata["region"] != "us" || got.NetworkFeesAmount != 37 {
		t.Errorf("retrieve: %d %s", r.Status, r.Body)
	}
	// A completed settlement still takes metadata.
	if r := e.do("POST", "/v1/issuing/settlements/"+s.ID, e.Key, "metadata[closed]=yes"); r.Status != 200 {
		t.Errorf("metadata on a complete settlement: %d %s", r.Status, r.Body)
	}
	// Settlements record no events.
	if r := e.do("GET", "/v1/events", e.Key, ""); !strings.Contains(string(r.Body), `"data": []`) {
		t.Errorf("settlements recorded events: %s", r.Body)
	}
}

func TestSettlementDefaultsAndRefusals(t *testing.T) {
	e := newEnv(t)
	s := newSettlement(t, e, e.Key, "bin=42424242&clearing_date=1721954070&currency=eur&net_total_amount=1000&network=maestro")
	if s.Network != "maestro" || s.TransactionAmount != 1000 || s.NetworkFeesAmount != 0 || s.InterchangeFeesAmount != 0 ||
		s.TransactionCount != 0 || s.SettlementService != "international" || len(s.NetworkSettlementIdentifier) == 0 {
		t.Errorf("defaults = %+v", s)
	}
	if s := newSettlement(t, e, e.Key, "bin=424242&clearing_date=1&currency=usd&net_total_amount=5&network=mastercard"); s.Network != "mastercard" {
		t.Errorf("network = %s, want mastercard", s.Network)
	}
	base := "bin=424242&clearing_date=1721954070&currency=usd"
	tests := []struct {
		name, form, param string
	}{
		{"missing net total", base, "net_total_amount"},
		{"missing bin", "clearing_date=1&currency=usd&net_total_amount=1", "bin"},
		{"missing clearing date", "bin=424242&currency=usd&net_total_amount=1", "clearing_date"},
		{"missing currency", "bin=424242&clearing_date=1&net_total_amount=1", "currency"},
		{"unknown network", base + "&net_total_amount=1&network=amex", "network"},
		{"negative network fees", base + "&net_total_amount=100&transaction_amount=100&interchange_fees_amount=1", "net_total_amount"},
		{"negative count", base + "&net_total_amount=1&transaction_count=-1", "transaction_count"},
		{"bad bin", "bin=42&clearing_date=1&currency=usd&net_total_amount=1", "bin"},
		{"bad currency", "bin=424242&clearing_date=1&currency=dollars&net_total_amount=1", "currency"},
		{"not an integer", base + "&net_total_amount=ten", "net_total_amount"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/v1/test_helpers/issuing/settlements", e.Key, tc.form)
			var se stripeErr
			decode(t, r.Body, &se)
			if r.Status != 400 || se.Error.Param != tc.param || se.Error.Message == "" {
				t.Errorf("%d %s, want 400 on %s", r.Status, r.Body, tc.param)
			}
		})
	}

	// Test mode only; other accounts see nothing; no list exists.
	liveKey := "sk_live_" + e.Key[len("sk_test_"):]
	if r := e.do("POST", "/v1/test_helpers/issuing/settlements", liveKey, base+"&net_total_amount=1"); r.Status != 400 {
		t.Errorf("live-mode create: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/v1/test_helpers/issuing/settlements/"+s.ID+"/complete", liveKey, ""); r.Status != 400 {
		t.Errorf("live-mode complete: %d %s", r.Status, r.Body)
	}
	otherKey := "sk_test_other" + e.Key[len("sk_test_"):]
	for _, call := range []struct{ method, path, form, key string }{
		{"GET", "/v1/issuing/settlements/" + s.ID, "", otherKey},
		{"GET", "/v1/issuing/settlements/" + s.ID, "", liveKey},
		{"POST", "/v1/issuing/settlements/" + s.ID, "metadata[a]=b", otherKey},
		{"POST", "/v1/issuing/settlements/" + s.ID, "metadata[a]=b", liveKey},
		{"POST", "/v1/test_helpers/issuing/settlements/" + s.ID + "/complete", "", otherKey},
	} {
		if r := e.do(call.method, call.path, call.key, call.form); r.Status != 404 {
			t.Errorf("%s %s with another account's key: %d %s", call.method, call.path, r.Status, r.Body)
		}
	}
	if r := e.do("GET", "/v1/issuing/settlements", e.Key, ""); r.Status != 404 {
		t.Errorf("settlement list: %d %s", r.Status, r.Body)
	}
	if r := e.do("POST", "/v1/issuing/settlements/"+s.ID, e.Key, "status=complete"); r.Status != 400 {
		t.Errorf("update status: %d %s", r.Status, r.Body)
	}
}
