package event

import (
	"github.com/localissuing/localissuing/document"

	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// marshalEvent is how events were encoded before encode, and what encode
// must write byte for byte.
func marshalEvent(e *Event) ([]byte, error) { return json.Marshal(e) }

// checkEncode fails t unless encode(e) is json.Marshal(e), or both fail.
func checkEncode(t *testing.T, e *Event) {
	t.Helper()
	want, wantErr := marshalEvent(e)
	got, err := encode(e)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("encode error %v, json.Marshal error %v\nevent %#v", err, wantErr, e)
	}
	if string(got) != string(want) {
		t.Fatalf("encode differs from json.Marshal\ngot  %q\nwant %q\nevent %#v", got, want, e)
	}
}

// TestEncodeFields keeps encode in step with the types it writes: it
// lists every field encoding/json writes of Event, Data and Request.
func TestEncodeFields(t *testing.T) {
	want := map[reflect.Type]string{
		reflect.TypeFor[Event]():   "id object api_version created data livemode pending_webhooks request type",
		reflect.TypeFor[Data]():    "object previous_attributes,omitempty",
		reflect.TypeFor[Request](): "id idempotency_key",
	}
	for typ, fields := range want {
		var tags []string
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() {
				tags = append(tags, f.Tag.Get("json"))
			}
		}
		if got := strings.Join(tags, " "); got != fields {
			t.Errorf("%s has fields %q, encode writes %q: change encode with it", typ, got, fields)
		}
	}
}

func strp(s string) *string { return &s }

// TestEncode runs encode on events chosen for their edges.
func TestEncode(t *testing.T) {
	object := json.RawMessage(`{"id":"itok_1","object":"issuing.token","status":"active"}`)
	tests := []struct {
		name string
		e    Event
	}{
		{"zero", Event{}},
		{"created", Event{ID: "evt_1", Object: "event", APIVersion: "2025-01-27.acacia", Created: 1_780_000_000,
			Data: Data{Object: object}, Request: &Request{ID: strp("req_1")}, Type: "issuing_token.created"}},
		{"update", Event{ID: "evt_2", Object: "event", Created: -1, Livemode: true, PendingWebhooks: 3,
			Data: Data{Object: object, PreviousAttributes: map[string]any{
				"status": json.RawMessage(`"requested"`), "network_updated_at": json.RawMessage(`1779999999`),
				"wallet_provider": nil, "b": map[string]any{"z": json.RawMessage(`{"a":[1,2]}`), "a": nil}}},
			Request: &Request{ID: strp("req_2"), IdempotencyKey: strp("<key> & \u2028\u2029 \x00\x1f\x7f \xff\xfe é")},
			Type:    "issuing_token.updated"}},
		{"nil request", Event{Request: nil, Data: Data{Object: object}}},
		{"empty request", Event{Request: &Request{}, Data: Data{Object: object}}},
		{"empty previous attributes", Event{Data: Data{Object: object, PreviousAttributes: map[string]any{}}}},
		{"spaced object", Event{Data: Data{Object: json.RawMessage(" {\n\t\"a\" : [ 1 , \"<b>\" ] } \r\n")}}},
		{"html in object", Event{Data: Data{Object: json.RawMessage(`{"a":"<&>","b":"\u2028 \u2029"}`)}}},
		{"upper-case escapes kept", Event{Data: Data{Object: json.RawMessage(`{"a":"\u003C\u00E9\uD800"}`)}}},
		{"invalid utf-8 in object kept", Event{Data: Data{Object: json.RawMessage("{\"a\":\"\xff\xe2\x80\"}")}}},
		{"big and odd numbers", Event{Created: 1 << 62, PendingWebhooks: -1 << 63, Data: Data{
			Object: json.RawMessage(`[9007199254740993,-0,1.5e-300,1E+2,0.0]`)}}},
		{"invalid object", Event{Data: Data{Object: json.RawMessage(`{"a":}`)}}},
		{"empty object text", Event{Data: Data{Object: json.RawMessage{}}}},
		{"trailing text", Event{Data: Data{Object: json.RawMessage(`{} {}`)}}},
		{"invalid previous value", Event{Data: Data{Object: object,
			PreviousAttributes: map[string]any{"a": json.RawMessage(`01`)}}}},
		{"decoded previous values", Event{Data: Data{Object: object, PreviousAttributes: map[string]any{
			"n": json.Number("9007199254740993"), "l": []any{"<", json.Number("1"), nil, map[string]any{"k": true}},
			"s": "a\"b\\c", "f": false, "m": map[string]any(nil), "i": 7, "x": 1.5}}}},
		{"bad number", Event{Data: Data{Object: object, PreviousAttributes: map[string]any{"n": json.Number("1x")}}}},
		{"keys to escape and sort", Event{Data: Data{Object: object, PreviousAttributes: map[string]any{
			"b<": nil, "a\xff": nil, "a\u2028": nil, "A": nil, "": nil, "é": nil, "a\"": nil}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkEncode(t, &tc.e) })
	}
}

// randomString returns text of the kinds encoding/json treats apart:
// plain ASCII, control characters, quotes and backslashes, HTML
// characters, multi-byte UTF-8, U+2028 and U+2029, invalid UTF-8 and
// U+FFFD itself.
func randomString(r *rand.Rand) string {
	pieces := []string{"a", "Z", "9", " ", "\"", "\\", "/", "<", ">", "&", "\x00", "\b", "\f", "\n", "\r", "\t",
		"\x1f", "\x7f", "é", "€", "😀", "\u2028", "\u2029", "\ufffd", "\xff", "\xe2\x80", "\xe2", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xc0\xaf", "\u2027", "\u202a", "evt_", "issuing_token.updated"}
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randomValue returns a value of the kinds previous attributes hold, or
// are decoded to.
func randomValue(r *rand.Rand, depth int) any {
	switch r.IntN(12) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return randomString(r)
	case 3:
		return json.Number([]string{"0", "-1", "9007199254740993", "1.5e3", "1e400"}[r.IntN(5)])
	case 4:
		return r.Int64() - r.Int64()
	case 5:
		l := make([]any, r.IntN(4))
		for i := range l {
			l[i] = randomValue(r, depth+1)
		}
		return l
	case 6, 7:
		if depth < 4 {
			return randomMap(r, depth+1)
		}
		return nil
	default:
		return randomRaw(r, depth)
	}
}

func randomMap(r *rand.Rand, depth int) map[string]any {
	if r.IntN(20) == 0 {
		return nil
	}
	m := map[string]any{}
	for range r.IntN(6) {
		m[randomString(r)] = randomValue(r, depth)
	}
	return m
}

// randomRaw returns JSON text: mostly json.Marshal's, sometimes with
// whitespace added, escapes undone or the text broken, as stored text
// not written by json.Marshal might be.
func randomRaw(r *rand.Rand, depth int) json.RawMessage {
	v := randomValue(r, depth+1)
	if _, isRaw := v.(json.RawMessage); isRaw || depth > 4 {
		v = randomString(r)
	}
	text, err := json.Marshal(v)
	if err != nil {
		text = []byte(`"unencodable"`)
	}
	s := string(text)
	switch r.IntN(10) {
	case 0:
		s = strings.NewReplacer(",", " ,\n", ":", ": ", "{", "{ ", "]", "\t]").Replace(s)
	case 1:
		s = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\u2028`, "\u2028", `\u2029`, "\u2029").Replace(s)
	case 2:
		s = strings.NewReplacer(`\u003c`, `\u003C`, `\ufffd`, "\xff").Replace(s)
	case 3:
		if len(s) > 0 {
			i := r.IntN(len(s))
			const breaks = "{}[],:\"\\ 0-.e"
			s = s[:i] + breaks[r.IntN(len(breaks)):][:1] + s[i:]
		}
	case 4:
		if r.IntN(4) == 0 {
			return nil
		}
	}
	return json.RawMessage(s)
}

// randomEvent returns an event with every field drawn at random.
func randomEvent(r *rand.Rand) *Event {
	e := &Event{
		ID:              randomString(r),
		Object:          randomString(r),
		APIVersion:      randomString(r),
		Created:         r.Int64() - r.Int64(),
		Data:            Data{Object: randomRaw(r, 0)},
		Livemode:        r.IntN(2) == 0,
		PendingWebhooks: r.Int64N(1<<40) - 1<<39,
		Type:            randomString(r),
	}
	if r.IntN(2) == 0 {
		e.Data.Object, _ = json.Marshal(randomMap(r, 0))
	}
	if r.IntN(4) != 0 {
		e.Data.PreviousAttributes = randomMap(r, 0)
	}
	if r.IntN(5) != 0 {
		e.Request = &Request{}
		if r.IntN(4) != 0 {
			e.Request.ID = strp(randomString(r))
		}
		if r.IntN(2) == 0 {
			e.Request.IdempotencyKey = strp(randomString(r))
		}
	}
	return e
}

// TestEncodeRandom holds encode to json.Marshal on random events.
func TestEncodeRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		checkEncode(t, randomEvent(r))
	}
}

// FuzzEncode looks for events encode writes otherwise than json.Marshal.
func FuzzEncode(f *testing.F) {
	f.Add("evt_1", []byte(`{"a":"<b>"}`), "status", []byte(`"active"`), "\u2028\xff")
	f.Add("<&>", []byte(" [1, 2] "), "\xff", []byte(`{"x":01}`), "")
	f.Fuzz(func(t *testing.T, id string, object []byte, key string, value []byte, idem string) {
		checkEncode(t, &Event{ID: id, Data: Data{Object: object, PreviousAttributes: map[string]any{
			key: json.RawMessage(value), key + "/": map[string]any{id: json.RawMessage(object)}}},
			Request: &Request{IdempotencyKey: &idem}, Type: key})
	})
}

// TestAppendString compares appendString with json.Marshal on every
// single byte, every rune about where encoding/json changes its mind, and
// random text.
func TestAppendString(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want, _ := json.Marshal(s)
		if got := document.AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("document.AppendString(%q) = %s, want %s", s, got, want)
		}
	}
	for c := range 256 {
		check(string([]byte{byte(c)}))
		check("x" + string([]byte{byte(c)}) + "y")
	}
	for _, c := range []rune{0x7f, 0x80, 0x7ff, 0x800, 0x2027, 0x2028, 0x2029, 0x202a, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, utf8.MaxRune} {
		check(string(c))
		check(string(c)[:len(string(c))-1])
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		b := make([]byte, r.IntN(16))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		check(string(b))
		check(randomString(r))
	}
}

// checkCanonical fails t if canonical accepts text that json.Marshal
// rejects or changes.
func checkCanonical(t *testing.T, b []byte) bool {
	t.Helper()
	ok := document.Canonical(b)
	if !ok {
		return false
	}
	out, err := json.Marshal(json.RawMessage(b))
	if err != nil || string(out) != string(b) {
		t.Fatalf("document.Canonical(%q) is true, but json.Marshal writes %q, %v", b, out, err)
	}
	return true
}

// TestCanonical checks that canonical accepts what json.Marshal writes and
// nothing it would reject or change.
func TestCanonical(t *testing.T) {
	const maxDepth = 1000 // the nesting document.Canonical follows, as encoding/json
	tests := []struct {
		text string
		want bool
	}{
		{`{}`, true}, {`[]`, true}, {`""`, true}, {`0`, true}, {`-0`, true}, {`null`, true}, {`true`, true}, {`false`, true},
		{`{"a":[1,{"b":null}],"c":"d"}`, true}, {`[1,2.5,-3e10,4E+5,6e-7]`, true}, {`"\u003c\u2028\"\\\/\b\f\n\r\t"`, true},
		{`"\u00E9"`, true}, {"\"\xff\xe2\x80\"", true}, {"\"\u2027\u202a\"", true}, {`{"a":1,"a":2}`, true},
		{``, false}, {` {}`, false}, {`{} `, false}, {`{ }`, false}, {`[1, 2]`, false}, {`{"a" :1}`, false},
		{`"<"`, false}, {`">"`, false}, {`"&"`, false}, {"\"\u2028\"", false}, {"\"\u2029\"", false},
		{"\"\x1f\"", false}, {"\"\t\"", false}, {`"\x"`, false}, {`"\u12"`, false}, {`"\u12g4"`, false}, {`"abc`, false},
		{`01`, false}, {`1.`, false}, {`.5`, false}, {`1e`, false}, {`1e+`, false}, {`-`, false}, {`+1`, false},
		{`tru`, false}, {`nul`, false}, {`True`, false}, {`[1,]`, false}, {`{"a":1,}`, false}, {`{,}`, false},
		{`{"a"}`, false}, {`{1:2}`, false}, {`[1}`, false}, {`{"a":1]`, false}, {`[`, false}, {`{}{}`, false},
		{`[1 2]`, false}, {`NaN`, false},
		{strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth), true},
		{strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1), false},
	}
	for _, tc := range tests {
		if got := checkCanonical(t, []byte(tc.text)); got != tc.want {
			t.Errorf("document.Canonical(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		text, _ := json.Marshal(randomValue(r, 0))
		if text != nil && !checkCanonical(t, text) {
			t.Fatalf("document.Canonical(%q) is false for json.Marshal's output", text)
		}
		// Broken or changed text: canonical may say either, but must
		// not accept what json.Marshal would not write as it is.
		checkCanonical(t, randomRaw(r, 0))
		if len(text) > 0 {
			b := []byte(string(text))
			const changes = "{}[],:\"\\ \t0-.eE+u<&\xe2\x80\xa8\xff"
			b[r.IntN(len(b))] = changes[r.IntN(len(changes))]
			checkCanonical(t, b)
			checkCanonical(t, b[:r.IntN(len(b))])
		}
	}
}

// FuzzCanonical looks for text canonical accepts and json.Marshal rejects
// or changes.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e3,"<",true,null]}`, "\"\u2028\"", `"\u003c"`, `01`, `[1,]`, " {}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkCanonical(t, b) })
}

// TestMarshal checks that Updated's encoding of its arguments is
// json.Marshal's for JSON text, whether or not it was json.Marshal's to
// begin with, and for other values.
func TestMarshal(t *testing.T) {
	for _, v := range []any{
		json.RawMessage(`{"id":"itok_1","status":"active","metadata":{"a":"\u003cb\u003e"}}`),
		json.RawMessage(`{"id": "itok_1", "status": "active"}`),
		json.RawMessage(`{"a":"<b>"}`),
		json.RawMessage(nil),
		map[string]any{"a": "<b>"},
		struct{ A string }{"&"},
	} {
		want, wantErr := json.Marshal(v)
		got, err := marshal(v)
		if string(got) != string(want) || (err != nil) != (wantErr != nil) {
			t.Errorf("marshal(%#v) = %s, %v; json.Marshal writes %s, %v", v, got, err, want, wantErr)
		}
	}
	if _, err := marshal(json.RawMessage(`{"a":`)); err == nil {
		t.Error("marshal accepted broken JSON text")
	}
}

// benchEvents are a token's update event, as the token calls record it,
// and a larger object's.
func benchEvents() map[string]*Event {
	token := json.RawMessage(`{"id":"intok_1Pc2yLB7WZ01zgkWhBGwKlAJ","object":"issuing.token","card":"ic_1Pc2yLB7WZ01zgkWLvnYzSaX",` +
		`"created":1780000000,"device_fingerprint":null,"last4":"4242","livemode":false,"network":"visa",` +
		`"network_updated_at":1780000100,"status":"suspended","wallet_provider":"apple_pay"}`)
	card := map[string]any{"id": "ic_1", "object": "issuing.card", "brand": "Visa", "cancellation_reason": nil,
		"cardholder": map[string]any{"id": "ich_1", "name": "Jenny Rosen", "email": "jenny@example.com",
			"billing": map[string]any{"address": map[string]any{"line1": "1 Main St", "city": "San Francisco",
				"postal_code": "94111", "country": "US", "state": nil, "line2": nil}},
			"metadata": map[string]any{"team": "R&D <west>"}, "status": "active", "type": "individual"},
		"created": 1780000000, "currency": "usd", "exp_month": 11, "exp_year": 2029, "last4": "4242",
		"metadata": map[string]any{"order": "12345", "note": "café"}, "replacement_for": nil,
		"spending_controls": map[string]any{"allowed_categories": nil, "blocked_categories": nil,
			"spending_limits": []any{map[string]any{"amount": 50000, "categories": []any{}, "interval": "daily"}}},
		"status": "inactive", "type": "virtual", "wallets": map[string]any{"apple_pay": map[string]any{"eligible": true}}}
	cardText, _ := json.Marshal(card)
	request := &Request{ID: strp("req_Pc2yLB7WZ01zgk"), IdempotencyKey: strp("6c1d7c1e-3b1f-4b8e-9a55-0d1c2b3a4f5e")}
	return map[string]*Event{
		"token": {ID: "evt_1Pc2yLB7WZ01zgkWhBGwKlAJ", Object: "event", APIVersion: "2025-01-27.acacia", Created: 1780000100,
			Data: Data{Object: token, PreviousAttributes: map[string]any{
				"network_updated_at": json.RawMessage(`1780000000`), "status": json.RawMessage(`"active"`)}},
			Request: request, Type: "issuing_token.updated"},
		"card": {ID: "evt_1Pc2yLB7WZ01zgkWhBGwKlAK", Object: "event", APIVersion: "2025-01-27.acacia", Created: 1780000100,
			Data: Data{Object: cardText, PreviousAttributes: map[string]any{"status": json.RawMessage(`"active"`),
				"metadata": map[string]any{"note": json.RawMessage(`"cafe"`), "order": nil}}},
			Request: request, Type: "issuing_card.updated"},
	}
}

// BenchmarkRecordEncode compares encoding an event with json.Marshal, as
// recording did, and with encode.
func BenchmarkRecordEncode(b *testing.B) {
	for _, name := range []string{"token", "card"} {
		e := benchEvents()[name]
		for _, enc := range []struct {
			name string
			fn   func(*Event) ([]byte, error)
		}{{"json.Marshal", marshalEvent}, {"encode", encode}} {
			b.Run(fmt.Sprintf("%s/%s", name, enc.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := enc.fn(e); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
