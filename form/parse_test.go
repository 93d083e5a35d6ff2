package form

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

type obj = map[string]any
type arr = []any

// parseCases are inputs Parse accepts, with the tree each must give. The
// fuzz target also uses them as seeds.
var parseCases = []struct {
	name string
	raw  string
	want obj
}{
	{"empty body", "", obj{}},
	{"only separators", "&&&", obj{}},
	{"plain", "a=1", obj{"a": "1"}},
	{"two plain", "a=1&b=2", obj{"a": "1", "b": "2"}},
	{"empty value clears", "a=", obj{"a": ""}},
	{"no equals sign", "a", obj{"a": ""}},
	{"no equals sign nested", "a[b]&c", obj{"a": obj{"b": ""}, "c": ""}},
	{"equals in value", "a=b=c", obj{"a": "b=c"}},
	{"empty pairs ignored", "&a=1&&b=2&", obj{"a": "1", "b": "2"}},
	{"repeated plain key last wins", "a=1&a=2", obj{"a": "2"}},
	{"repeated nested key last wins", "a[b]=1&a[b]=2", obj{"a": obj{"b": "2"}}},
	{"repeated index last wins", "a[0]=x&a[0]=y", obj{"a": arr{"y"}}},
	{"plus is space", "a=1+Main+St", obj{"a": "1 Main St"}},
	{"percent 20 is space", "a=1%20Main%20St", obj{"a": "1 Main St"}},
	{"escaped plus stays plus", "a=1%2B1", obj{"a": "1+1"}},
	{"escaped ampersand and equals", "a=x%26y%3Dz", obj{"a": "x&y=z"}},
	{"brackets in value", "a=[x]", obj{"a": "[x]"}},
	{"unicode", "a=%E2%82%AC&b=€", obj{"a": "€", "b": "€"}},
	{"nested", "a[b][c]=1", obj{"a": obj{"b": obj{"c": "1"}}}},
	{"nested siblings", "a[b][c]=1&a[b][d]=2&a[e]=3",
		obj{"a": obj{"b": obj{"c": "1", "d": "2"}, "e": "3"}}},
	{"escaped brackets", "a%5Bb%5D%5Bc%5D=1", obj{"a": obj{"b": obj{"c": "1"}}}},
	{"lowercase escaped brackets", "a%5bb%5d=1", obj{"a": obj{"b": "1"}}},
	{"mixed escaped brackets", "a%5Bb]=1&a[c%5D=2", obj{"a": obj{"b": "1", "c": "2"}}},
	{"appended array", "a[]=x&a[]=y", obj{"a": arr{"x", "y"}}},
	{"appended escaped", "a%5B%5D=x&a%5B%5D=y", obj{"a": arr{"x", "y"}}},
	{"appended duplicates kept", "a[]=x&a[]=x", obj{"a": arr{"x", "x"}}},
	{"appended empty value", "a[]=", obj{"a": arr{""}}},
	{"indexed array", "a[0]=x&a[1]=y", obj{"a": arr{"x", "y"}}},
	{"indices sorted and compacted", "a[5]=y&a[2]=x", obj{"a": arr{"x", "y"}}},
	{"indices sorted numerically", "a[10]=c&a[9]=b&a[1]=a", obj{"a": arr{"a", "b", "c"}}},
	{"index leading zeros", "a[01]=x&a[0002]=y", obj{"a": arr{"x", "y"}}},
	{"leading zeros same index", "a[0]=x&a[00]=y", obj{"a": arr{"y"}}},
	{"largest index", "a[9999]=x", obj{"a": arr{"x"}}},
	{"indexed objects", "a[0][b]=y&a[0][c]=z&a[1][b]=w",
		obj{"a": arr{obj{"b": "y", "c": "z"}, obj{"b": "w"}}}},
	{"indexed objects out of order", "a[1][b]=w&a[0][c]=z&a[0][b]=y",
		obj{"a": arr{obj{"b": "y", "c": "z"}, obj{"b": "w"}}}},
	{"curl arrays of objects", "a[][b]=1&a[][c]=2&a[][b]=3",
		obj{"a": arr{obj{"b": "1", "c": "2"}, obj{"b": "3"}}}},
	{"curl arrays of objects nested", "a[][b][c]=1&a[][b][d]=2&a[][b][c]=3",
		obj{"a": arr{obj{"b": obj{"c": "1", "d": "2"}}, obj{"b": obj{"c": "3"}}}}},
	{"curl repeat of shorter path starts element", "a[][b][c]=1&a[][b]=2",
		obj{"a": arr{obj{"b": obj{"c": "1"}}, obj{"b": "2"}}}},
	{"curl element kind change starts element", "a[]=1&a[][b]=2&a[][]=3",
		obj{"a": arr{"1", obj{"b": "2"}, arr{"3"}}}},
	{"curl nested append stays in element", "a[][b][]=1&a[][b][]=2&a[][c]=3",
		obj{"a": arr{obj{"b": arr{"1", "2"}, "c": "3"}}}},
	{"curl array of arrays", "a[][]=1&a[][]=2", obj{"a": arr{arr{"1", "2"}}}},
	{"curl array of indexed arrays", "a[][0]=1&a[][1]=2&a[][0]=3",
		obj{"a": arr{arr{"1", "2"}, arr{"3"}}}},
	{"array inside hash inside array", "a[0][b][0]=1&a[0][b][1]=2",
		obj{"a": arr{obj{"b": arr{"1", "2"}}}}},
	{"metadata key with spaces", "metadata[some key]=v", obj{"metadata": obj{"some key": "v"}}},
	{"metadata key with plus", "metadata[some+key]=v", obj{"metadata": obj{"some key": "v"}}},
	{"metadata key with punctuation", "metadata[a.b-c:d/e%3Df%26g]=v",
		obj{"metadata": obj{"a.b-c:d/e=f&g": "v"}}},
	{"metadata key with unicode", "metadata[cl%C3%A9]=v", obj{"metadata": obj{"clé": "v"}}},
	{"metadata key that looks signed", "metadata[-1]=v", obj{"metadata": obj{"-1": "v"}}},
	{"metadata keys of digits", "metadata[123]=a&metadata[007]=b", obj{"metadata": obj{"123": "a", "007": "b"}}},
	{"metadata empty key", "metadata[]=v", obj{"metadata": obj{"": "v"}}},
	{"digits below metadata stay indices", "x[metadata][0]=v", obj{"x": obj{"metadata": arr{"v"}}}},
	{"metadata clear one", "metadata[k]=", obj{"metadata": obj{"k": ""}}},
	{"metadata clear all", "metadata=", obj{"metadata": ""}},
	{"name with spaces", "some+name=1", obj{"some name": "1"}},
	{"digit top-level name", "0=x&1[2]=y", obj{"0": "x", "1": arr{"y"}}},
	{"single space segment", "a[+]=1", obj{"a": obj{" ": "1"}}},
	{"full depth", "a[1][2][3][4][5][6][7][8][9][x]=v",
		obj{"a": arr{arr{arr{arr{arr{arr{arr{arr{arr{obj{"x": "v"}}}}}}}}}}}},
	{"semicolon is not a separator", "a=1;b=2", obj{"a": "1;b=2"}},

	// What the clients in CLIENTS.md send.
	{"stripe-go card create",
		"cardholder=ich_1Pgag5B7WZ01zgkWephORn8N&currency=usd&type=virtual&status=active" +
			"&expand[0]=cardholder&expand[1]=number" +
			"&metadata[order_id]=6735" +
			"&spending_controls[spending_limits][0][amount]=5000" +
			"&spending_controls[spending_limits][0][interval]=daily" +
			"&spending_controls[spending_limits][0][categories][0]=gambling" +
			"&spending_controls[spending_limits][1][amount]=100000" +
			"&spending_controls[spending_limits][1][interval]=monthly" +
			"&shipping[name]=Jenny+Rosen&shipping[address][line1]=1+Main+St" +
			"&shipping[address][city]=San+Francisco&shipping[address][country]=US",
		obj{
			"cardholder": "ich_1Pgag5B7WZ01zgkWephORn8N",
			"currency":   "usd",
			"type":       "virtual",
			"status":     "active",
			"expand":     arr{"cardholder", "number"},
			"metadata":   obj{"order_id": "6735"},
			"spending_controls": obj{"spending_limits": arr{
				obj{"amount": "5000", "interval": "daily", "categories": arr{"gambling"}},
				obj{"amount": "100000", "interval": "monthly"},
			}},
			"shipping": obj{"name": "Jenny Rosen", "address": obj{
				"line1": "1 Main St", "city": "San Francisco", "country": "US",
			}},
		}},
	{"stripe-go get card", "card=ic_123&expand[0]=card&metadata[order_id]=6735&shipping[address][line1]=1+Main+St",
		obj{"card": "ic_123", "expand": arr{"card"}, "metadata": obj{"order_id": "6735"},
			"shipping": obj{"address": obj{"line1": "1 Main St"}}}},
	{"stripe-go empty slice clears", "spending_controls[allowed_categories]=",
		obj{"spending_controls": obj{"allowed_categories": ""}}},
	{"stripe-go list", "limit=3&created[gte]=1700000000&starting_after=ic_123",
		obj{"limit": "3", "created": obj{"gte": "1700000000"}, "starting_after": "ic_123"}},
	{"stripe-node spaces and brackets", "name=Jenny%20Rosen&billing[address][line1]=1%20Main%20St&expand[0]=card",
		obj{"name": "Jenny Rosen", "billing": obj{"address": obj{"line1": "1 Main St"}}, "expand": arr{"card"}}},
	{"stripe cli", "expand%5B%5D=cardholder&metadata%5Bnote%5D=a+b",
		obj{"expand": arr{"cardholder"}, "metadata": obj{"note": "a b"}}},
	{"stripe cli listen session", "device_name=laptop&forward_to_url=http%3A%2F%2Flocalhost%3A4242%2Fwebhook&websocket_features[]=webhooks",
		obj{"device_name": "laptop", "forward_to_url": "http://localhost:4242/webhook", "websocket_features": arr{"webhooks"}}},
	{"curl -d with raw spaces", "metadata[order id]=A 1&expand[]=cardholder&expand[]=number",
		obj{"metadata": obj{"order id": "A 1"}, "expand": arr{"cardholder", "number"}}},
	{"curl --data-urlencode", "metadata[note]=a%20b%26c",
		obj{"metadata": obj{"note": "a b&c"}}},
	{"curl arrays of objects in docs", "spending_controls[spending_limits][][amount]=5000" +
		"&spending_controls[spending_limits][][interval]=daily" +
		"&spending_controls[spending_limits][][amount]=100000" +
		"&spending_controls[spending_limits][][interval]=monthly",
		obj{"spending_controls": obj{"spending_limits": arr{
			obj{"amount": "5000", "interval": "daily"},
			obj{"amount": "100000", "interval": "monthly"},
		}}}},
	{"curl -G query", "limit=3&status=active&expand[]=data.cardholder",
		obj{"limit": "3", "status": "active", "expand": arr{"data.cardholder"}}},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.raw)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tc.raw, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Parse(%q)\n got %#v\nwant %#v", tc.raw, got, tc.want)
			}
		})
	}
}

func TestParseReturnsFreshNonNilMap(t *testing.T) {
	got, err := Parse("")
	if err != nil || got == nil {
		t.Fatalf("Parse(\"\") = %#v, %v; want an empty map", got, err)
	}
}

// TestParseFlatMatchesTree checks that the shortcut for forms of top-level
// keys gives what the tree gives, values and errors alike, on every form
// the other tests use and on random flat ones.
func TestParseFlatMatchesTree(t *testing.T) {
	var forms []string
	for _, tc := range parseCases {
		forms = append(forms, tc.raw)
	}
	for _, tc := range errorCases {
		forms = append(forms, tc.raw)
	}
	forms = append(forms, fuzzSeeds...)
	forms = append(forms, "", "&", "&&a=1&", "a=1&a=2", "a=", "=1", "a", "a=b=c", "card=ic_1&limit=10",
		"status=active", "a+b=1", "a%20b=1", "a=%zz", "a=\xff", "\xff=1", "a b=1", "a=x+y%21",
		strings.Repeat("a=1&", maxFlatPairs), strings.Repeat("a=1&", maxFlatPairs+1),
		strings.Repeat("k", maxKeyLength)+"=1", strings.Repeat("k", maxKeyLength+1)+"=1")
	r := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"a", "b", "card", "=", "&", "%", "%41", "+", "[", "]", "1", "\x00", "é", " ", "=="}
	for range 20000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		forms = append(forms, b.String())
	}
	for _, raw := range forms {
		got, gotErr := Parse(raw)
		want, wantErr := parseTree(raw)
		if !reflect.DeepEqual(got, want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("Parse(%q) = %#v, %v; the tree gives %#v, %v", raw, got, gotErr, want, wantErr)
		}
	}
}
