package token

import (
	"testing"

	"github.com/localissuing/localissuing/store"
)

// storedToken is a token as this version stores it, network data included,
// as the test helper creates them.
const storedToken = `{"id":"intok_DKhJ11ny85BtITfRNvoEd5nt","object":"issuing.token","card":"ic_62hKW08xN2WdsIcxrTZ8yfDz",` +
	`"created":1795573743,"device_fingerprint":null,"last4":"9142","livemode":false,"network":"visa",` +
	`"network_updated_at":1795573743,"status":"active","wallet_provider":"apple_pay","network_data":{"device":` +
	`{"ip_address":"127.0.0.1","location":"+37.7749-122.4194/","name":"iPhone","type":"phone"},"type":"visa",` +
	`"visa":{"card_reference_id":"v-7A5F5E879A30025AFBBEAA28","token_reference_id":"DNITHE190214695626938356",` +
	`"token_requestor_id":"40010030273","token_risk_score":"00"},"wallet_provider":{"account_trust_score":5,` +
	`"card_number_source":"manual","cardholder_address":{"line1":"1 Main St","postal_code":"94111"},` +
	`"cardholder_name":"Jenny Rosen","device_trust_score":5,"suggested_decision":"approve",` +
	`"suggested_decision_version":"1.0"}}}`

// BenchmarkRender measures what every listed or retrieved token costs
// before it is indented: cutting the stored text.
func BenchmarkRender(b *testing.B) {
	obj := store.Object{ID: "intok_DKhJ11ny85BtITfRNvoEd5nt", Data: []byte(storedToken)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(obj); err != nil {
			b.Fatal(err)
		}
	}
}
