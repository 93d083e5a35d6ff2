package document

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// stripeToken is a stored issuing token as the API writes it.
const stripeToken = `{"id":"intok_1VbxJTChYJpCefKfhlec8MWh","object":"issuing.token","card":"ic_x","created":1795580662,"device_fingerprint":null,"metadata":{},"network_data":{"device":{"ip_address":"127.0.0.1"}},"livemode":false}`

// stripeAuthorization is about the size and shape of a typical stored
// document: mostly keys and short strings, some nesting, a few numbers.
const stripeAuthorization = `{"id":"iauth_1VbxKqChYJpCefKf0r6u9JdB","object":"issuing.authorization","amount":4250,"amount_details":{"atm_fee":null,"cashback_amount":0},"approved":true,"authorization_method":"online","balance_transactions":[],"card":{"id":"ic_1VbxJTChYJpCefKfQ0cEx1Yz","object":"issuing.card","brand":"Visa","cancellation_reason":null,"cardholder":"ich_1VbxJSChYJpCefKfz1bWvD3L","created":1795580661,"currency":"eur","exp_month":8,"exp_year":2029,"last4":"4242","livemode":false,"metadata":{"team":"travel \u0026 events"},"status":"active","type":"virtual"},"cardholder":"ich_1VbxJSChYJpCefKfz1bWvD3L","created":1795580790,"currency":"eur","livemode":false,"merchant_amount":4250,"merchant_currency":"eur","merchant_data":{"category":"eating_places_restaurants","category_code":"5812","city":"Berlin","country":"DE","name":"Caf\u00e9 M\u00fcller \"Am Markt\"","postal_code":"10115","state":null},"metadata":{},"pending_request":null,"request_history":[{"amount":4250,"approved":true,"created":1795580790,"currency":"eur","merchant_amount":4250,"merchant_currency":"eur","reason":"webhook_approved","requested_at":1795580789}],"status":"pending","transactions":[],"verification_data":{"cvc_check":"match","expiry_check":"match"},"wallet":null}`

// validCases are inputs json.Valid is particular about; want is what it
// answers, which Valid must answer too.
var validCases = []struct {
	in   string
	want bool
}{
	// Empty input and whitespace.
	{"", false},
	{" ", false},
	{" \t\r\n1 \t\r\n", true},
	{"\v1", false},
	{"1\f", false},
	{"\xa01", false},
	{"\xef\xbb\xbf1", false}, // a byte order mark is not whitespace
	{"1\x00", false},

	// Literals.
	{"true", true}, {"false", true}, {"null", true},
	{"tru", false}, {"nul", false}, {"fals", false}, {"t", false},
	{"True", false}, {"NULL", false}, {"truee", false}, {"nulll", false},
	{"true false", false}, {"[true,false,null]", true}, {"[truefalse]", false},
	{"nan", false}, {"NaN", false}, {"Infinity", false}, {"undefined", false},

	// Numbers.
	{"0", true}, {"-0", true}, {"1", true}, {"-1", true}, {"1234567890", true},
	{"0.0", true}, {"-0.5", true}, {"1.25e10", true}, {"1E+2", true}, {"1e-2", true},
	{"1e00", true}, {"0e0", true}, {"-0.0e-0", true},
	{"123456789012345678901234567890e999999", true}, // not checked for range
	{"01", false}, {"-01", false}, {"00", false}, {"+1", false}, {"-", false},
	{".5", false}, {"1.", false}, {"1.e5", false}, {"1e", false}, {"1e+", false},
	{"1e-", false}, {"1E", false}, {"1ee5", false}, {"1e5.5", false}, {"1.2.3", false},
	{"--1", false}, {"-a", false}, {"- 1", false}, {"0x10", false}, {"1_000", false},
	{"[01]", false}, {"[1.]", false}, {"[-]", false}, {"[1e]", false}, {"[0,1]", true},
	{"{\"a\":-}", false}, {"{\"a\":0}", true}, {"{\"a\":1.}", false},
	{"1 2", false}, {"[1 2]", false}, {"1,", false},

	// Strings and escapes.
	{`""`, true}, {`"a"`, true}, {`"`, false}, {`"a`, false}, {`a"`, false},
	{`"\"\\\/\b\f\n\r\t"`, true}, {`"\u0000\uFFFF\uabcd\u12Ef"`, true},
	{`"\a"`, false}, {`"\v"`, false}, {`"\'"`, false}, {`"\0"`, false},
	{`"\x41"`, false}, {`"\U0041"`, false}, {`"\u"`, false}, {`"\u12"`, false},
	{`"\u123"`, false}, {`"\u123g"`, false}, {`"\u 123"`, false}, {`"\u12345"`, true},
	{`"\`, false}, {`"\"`, false}, {`"\\"`, true}, {`"\\\"`, false}, {`"\u00`, false},
	{`"\ud800"`, true}, {`"\udc00\ud800"`, true}, {`"\ud83d\ude00"`, true}, // pairing unchecked
	{"\"a\x00b\"", false}, {"\"\x1f\"", false}, {"\"\t\"", false}, {"\"\n\"", false},
	{"\"\x7f\"", true}, {"\" \"", true},
	{"\"\x80\"", true}, {"\"\xff\xfe\"", true}, {"\"\xc3\"", true}, // UTF-8 unchecked
	{"\"\xed\xa0\x80\"", true}, {"\"é 日本 \U0001F600\"", true},
	{"\xc3\xa9", false}, {"[\"a\"\x80]", false}, {"\"a\"\x80", false},
	{"'a'", false}, {`{'a':1}`, false},

	// Arrays and objects.
	{"[]", true}, {"{}", true}, {"[ ]", true}, {"{ }", true}, {" [ \n ] ", true},
	{"[", false}, {"]", false}, {"{", false}, {"}", false}, {"[}", false}, {"{]", false},
	{"[1,]", false}, {"[,1]", false}, {"[,]", false}, {"[1,,2]", false}, {"[1 , 2]", true},
	{"[[]]", true}, {"[[],[{}]]", true}, {"[[]", false}, {"[]]", false}, {"[][]", false},
	{`{"a":1}`, true}, {`{"a":1,}`, false}, {`{,"a":1}`, false}, {`{"a"}`, false},
	{`{"a":}`, false}, {`{"a" 1}`, false}, {`{"a"::1}`, false}, {`{a:1}`, false},
	{`{1:1}`, false}, {`{null:1}`, false}, {`{"a":1 "b":2}`, false}, {`{"a":1,"b":2}`, true},
	{`{"a":1;"b":2}`, false}, {`{"a"=1}`, false}, {`{"a":1,"a":2}`, true}, // duplicates allowed
	{` { "a" : [ 1 , { "b" : null } ] } `, true}, {`{"a":[1,{"b":null]}}`, false},
	{`{"a":{"b":{}}}`, true}, {`{"a":{"b":{}}`, false}, {`{"a":{"b":{}}}}`, false},
	{`{"":""}`, true}, {`{"\u0041":"\n"}`, true}, {"{\"\x01\":1}", false},
	{`[1]x`, false}, {`{}x`, false}, {`"a"x`, false}, {`truex`, false}, {`1x`, false},
	{`[1] `, true}, {`[1],`, false}, {`[1]]`, false}, {"[1]\x00", false},
	{stripeToken, true}, {stripeAuthorization, true},
	{stripeToken[:len(stripeToken)-1], false}, {stripeToken + "}", false},
	{strings.Replace(stripeToken, `"livemode":false`, `"livemode":False`, 1), false},
	{strings.Replace(stripeToken, `:1795580662`, `:01795580662`, 1), false},
	{strings.Replace(stripeToken, `127.0.0.1`, "127.0.0.1\n", 1), false},

	// Nesting: encoding/json turns down anything deeper than 10000 levels,
	// and Valid switches stacks past 64.
	{nested("[", "]", 63), true}, {nested("[", "]", 64), true}, {nested("[", "]", 65), true},
	{nested(`{"a":`, "}", 64), true}, {nested(`{"a":`, "}", 65), true},
	{nested(`[{"a":`, "}]", 32), true}, {nested(`[{"a":`, "}]", 33), true},
	{nested(`{"a":[`, "]}", 5000), true}, {nested(`{"a":[`, "]}", 5000)[1:], false},
	{nested("[", "]", 10000), true}, {nested(`{"a":`, "}", 10000), true},
	{nested("[", "]", 10001), false}, {nested(`{"a":`, "}", 10001), false},
	{nested("[", "]", 100000), false},
	{strings.Repeat("[", 100000), false}, {strings.Repeat("[", 10000), false},
	{strings.Repeat(`{"a":`, 100000), false}, {strings.Repeat("]", 100000), false},
	{strings.Repeat("[", 64) + strings.Repeat("]", 65), false},
	{strings.Repeat("[", 65) + strings.Repeat("]", 64), false},
	{strings.Repeat("[", 100) + strings.Repeat("]", 99) + "}", false},
	{strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 69) + "]", false},
	{strings.Repeat(`[{"a":`, 40) + "1" + strings.Repeat("]}", 40), false},
	{strings.Repeat(`[{"a":[`, 30) + "1" + strings.Repeat("]}]", 29) + "}}]", false},
	{"[" + nested("[", "]", 10000) + "]", false}, // too deep only where it ends
	{nested("[", "]", 10000) + "x", false},
}

// nested returns n levels of open around 1, each closed by close.
func nested(open, close string, n int) string {
	return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
}

func TestValid(t *testing.T) {
	for _, tc := range validCases {
		in := []byte(tc.in)
		if got := json.Valid(in); got != tc.want {
			t.Errorf("json.Valid(%.60q) = %v, the table says %v", tc.in, got, tc.want)
		}
		if got := Valid(in); got != tc.want {
			t.Errorf("Valid(%.60q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestValidStringBoundaries puts each kind of byte that ends or breaks a
// plain run in a string at every offset of strings around eight bytes
// long, inside values ending at every offset of a word: the SWAR loop and
// the byte loop after it must agree on where it is.
func TestValidStringBoundaries(t *testing.T) {
	specials := []string{`"`, `\`, `\"`, `\\`, `\/`, `\n`, `\u0041`, `\u004`, `\x`, "\x00", "\x1f", "\x20", "\x7f", "\x80", "\xff", "é"}
	wrappers := [][2]string{{"", ""}, {"[", "]"}, {`{"k":`, "}"}, {"[", ",1]"}, {"", " "}, {"", "   \n   "}}
	for n := range 18 {
		for pos := 0; pos <= n; pos++ {
			for _, sp := range specials {
				s := `"` + strings.Repeat("a", pos) + sp + strings.Repeat("b", n-pos) + `"`
				for _, w := range wrappers {
					for _, in := range []string{w[0] + s + w[1], w[0] + s} {
						if got, want := Valid([]byte(in)), json.Valid([]byte(in)); got != want {
							t.Errorf("Valid(%q) = %v, json.Valid says %v", in, got, want)
						}
					}
				}
			}
		}
	}
}

// TestValidRandom holds Valid to json.Valid on encoding/json's output,
// cut and changed at random, and on text that is mostly not JSON.
func TestValidRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	mutations := []byte{'"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '-', '.', 'e', 'u', 'x', 0, 0x1f, 0x80}
	for range 20000 {
		b, err := json.Marshal(randomValue(r, 0))
		if err != nil {
			t.Fatal(err)
		}
		switch r.IntN(4) {
		case 1:
			b = b[:r.IntN(len(b)+1)]
		case 2:
			b[r.IntN(len(b))] = mutations[r.IntN(len(mutations))]
		case 3:
			b = randomText(r)
		}
		if got, want := Valid(b), json.Valid(b); got != want {
			t.Errorf("Valid(%q) = %v, json.Valid says %v", b, got, want)
		}
	}
}

func TestValidAllocs(t *testing.T) {
	docs := [][]byte{[]byte(stripeAuthorization), []byte(nested("[", "]", 10000)), []byte(strings.Repeat("[", 100000))}
	for _, b := range docs {
		if n := testing.AllocsPerRun(10, func() { Valid(b) }); n != 0 {
			t.Errorf("Valid(%.20q...) allocates %v times", b, n)
		}
	}
}

func FuzzValid(f *testing.F) {
	for _, tc := range validCases {
		if len(tc.in) < 1000 {
			f.Add([]byte(tc.in))
		}
	}
	f.Add([]byte(`{"id":"ic_1VbxJTChYJpCefKfQ0cEx1Yz","object":"issuing.card","spending_controls":{"allowed_categories":null,"spending_limits":[{"amount":50000,"categories":[],"interval":"daily"}]},"shipping":null,"wallets":{"apple_pay":{"eligible":true,"ineligible_reason":null},"primary_account_identifier":null}}`))
	f.Add([]byte(`{"id":"evt_1VbxKqChYJpCefKfa8b2","object":"event","api_version":"2024-06-20","data":{"object":{"id":"ich_1","name":"Jenny Rosen","email":"jenny@example.com","phone_number":"+18008675309"},"previous_attributes":{"name":"J. Rosen"}},"pending_webhooks":0,"request":{"id":null,"idempotency_key":"a5c2\u003cx\u003e"},"type":"issuing_cardholder.updated"}`))
	f.Add([]byte(`{"a":[1,-2.5e+3,0.0,true,false,null,"\ud83d\ude00",{"b":{}},[]],"c":"\u003c\u003e\u0026 \u2028"}`))
	f.Add([]byte("[\"\x80\xff\",\"\xed\xa0\x80\",\"日本\"]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := Valid(b), json.Valid(b); got != want {
			t.Errorf("Valid(%q) = %v, json.Valid says %v", b, got, want)
		}
	})
}

func BenchmarkValid(b *testing.B) {
	doc := []byte(stripeAuthorization)
	if !Valid(doc) {
		b.Fatal("the document is not valid")
	}
	for _, bm := range []struct {
		name  string
		valid func([]byte) bool
	}{{"Valid", Valid}, {"json.Valid", json.Valid}} {
		b.Run(bm.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for b.Loop() {
				bm.valid(doc)
			}
		})
	}
}

func TestValidNesting(t *testing.T) {
	for _, tc := range []struct {
		doc      string
		maxDepth int
		want     bool
	}{
		{nested("[", "]", 1000), 1000, true},
		{nested("[", "]", 1001), 1000, false},
		{nested(`{"a":[`, "]}", 500), 1000, true},
		{nested(`{"a":[`, "]}", 501), 1000, false},
		{nested("[", "]", 64), 64, true},
		{nested("[", "]", 65), 64, false},
		{nested("[", "]", 65), 65, true},
		{`{"a":1}`, 0, false},
		{`1`, 0, true},
		{`{"a":1}`, -1, false},
		{nested("[", "]", 10001), 20000, false}, // never deeper than Valid
		{`{"a":`, 1000, false},
	} {
		if got := ValidNesting([]byte(tc.doc), tc.maxDepth); got != tc.want {
			t.Errorf("ValidNesting(%.40q…, %d) = %v, want %v", tc.doc, tc.maxDepth, got, tc.want)
		}
	}
}
