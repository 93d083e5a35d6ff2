package token

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// TestListViewMatchesRender checks that a token cut from its stored text
// encodes exactly as the decoded view does.
func TestListViewMatchesRender(t *testing.T) {
	fp := `fp<&>"x"`
	ref := "ref"
	full := &record{Token: Token{ID: "intok_1", Object: Kind, Card: "ic_1", Created: 1700000000,
		DeviceFingerprint: &fp, Last4: "4242", Livemode: true, Network: "visa", NetworkUpdatedAt: 1700000001,
		Status: StatusActive, WalletProvider: "apple_pay"},
		NetworkData: &NetworkData{Type: "visa", Visa: &Visa{CardReferenceID: &ref, TokenReferenceID: "t", TokenRequestorID: "r"},
			Device: &Device{Name: "phone <1>"}}}
	sparse := &record{Token: Token{ID: "intok_2", Object: Kind, Card: "ic_1", Network: "mastercard", Status: StatusDeleted}}
	noWallet := &record{Token: Token{ID: "intok_3", Object: Kind, Card: "ic_1", Last4: "1234", Status: StatusActive}}
	for _, r := range []*record{full, sparse, noWallet} {
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		raw, ok := listView(data)
		if !ok {
			t.Fatalf("listView(%s) not ok", data)
		}
		want, _ := json.Marshal(r.view(0, false))
		if string(raw) != string(want) {
			t.Errorf("listView:\n got %s\nwant %s", raw, want)
		}
		// And so does its indented form, as the API sends it.
		var sent bytes.Buffer
		enc := json.NewEncoder(&sent)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(r.view(0, false))
		if got := append(document.AppendIndent(nil, raw, 0, true), '\n'); !bytes.Equal(got, sent.Bytes()) {
			t.Errorf("sent:\n got %s\nwant %s", got, sent.Bytes())
		}
		// Render takes the same path, without copying the text.
		v, err := Render(store.Object{ID: r.ID, Data: data})
		cut, ok := v.(document.StoredCut)
		if err != nil || !ok {
			t.Fatalf("Render = %#v, %v", v, err)
		}
		if got := append(cut.AppendIndent(nil, 0), '\n'); !bytes.Equal(got, sent.Bytes()) {
			t.Errorf("Render sent:\n got %s\nwant %s", got, sent.Bytes())
		}
		if got, _ := json.Marshal(cut); string(got) != string(want) {
			t.Errorf("Render through encoding/json:\n got %s\nwant %s", got, want)
		}
	}
}

// TestListViewFallsBack checks that documents of another layout are
// decoded instead.
func TestListViewFallsBack(t *testing.T) {
	for _, data := range []string{
		`{"id":"intok_1","object":"issuing.token","card":"ic_1","created":1,"device_fingerprint":null,"livemode":false,"network":"visa","network_updated_at":1,"status":"active"}`,
		`{"object":"issuing.token","id":"intok_1","card":"ic_1","created":1,"device_fingerprint":null,"livemode":false,"network":"visa","network_updated_at":1,"status":"active","network_data":null}`,
		`{"id":"intok_1","object":"issuing.token","card":"ic_1","created":1,"extra":1,"device_fingerprint":null,"livemode":false,"network":"visa","network_updated_at":1,"status":"active","network_data":null}`,
		`{"id":"intok_1","object":"issuing.token","card":"ic_1","created":1,"device_fingerprint":null,"livemode":false,"network":"visa","network_updated_at":1,"status":"active","wallet_provider":"x","extra":1,"network_data":null}`,
	} {
		if _, ok := listView([]byte(data)); ok {
			t.Errorf("listView(%s) ok", data)
		}
		v, err := Render(store.Object{ID: "intok_1", Data: []byte(data)})
		if tok, ok := v.(*Token); err != nil || !ok || tok.ID != "intok_1" {
			t.Errorf("Render(%s) = %v, %v", data, v, err)
		}
	}
}

// TestListViewRefusesTruncated checks that a document cut short is not
// shown as if it were whole.
func TestListViewRefusesTruncated(t *testing.T) {
	data := `{"id":"intok_1","object":"issuing.token","card":"ic_1","created":1,"device_fingerprint":null,"livemode":false,"network":"visa","network_updated_at":1,"status":"active"`
	if v, ok := listView([]byte(data)); ok {
		t.Errorf("listView of a truncated document: %s", v)
	}
}

// TestStoredKeys pins the order storedKeys derives to what encoding/json
// writes for a record with every field set.
func TestStoredKeys(t *testing.T) {
	s := "x"
	data, _ := json.Marshal(&record{Token: Token{DeviceFingerprint: &s, Last4: "1", WalletProvider: "w"}, NetworkData: &NetworkData{}})
	var names []string
	for _, k := range storedKeys {
		names = append(names, `"`+k.name+`":`)
	}
	i := 0
	for _, n := range names {
		j := strings.Index(string(data[i:]), n)
		if j < 0 {
			t.Fatalf("%s not in order in %s", n, data)
		}
		i += j
	}
}

// TestUpdateStoredMatchesDecoded updates two copies of a token, one stored
// as this version writes tokens (changed in place) and one with its members
// in another order (decoded, changed and encoded), and checks that both
// store, record and answer the same.
func TestUpdateStoredMatchesDecoded(t *testing.T) {
	ctx := t.Context()
	st := sqlitetest.Memory(t)
	acct := issuing.Account{ID: "acct_1"}
	fp := "fp<&>"
	created := time.Unix(1700000000, 0)
	tok := func(id string) *record {
		return &record{Token: Token{ID: id, Object: Kind, Card: "ic_1", Created: created.Unix(), DeviceFingerprint: &fp,
			Last4: "4242", Network: "visa", NetworkUpdatedAt: created.Unix(), Status: StatusActive, WalletProvider: "apple_pay"},
			NetworkData: &NetworkData{Type: "visa", Device: &Device{Name: "phone"}}}
	}
	inPlace, _ := json.Marshal(tok("intok_a"))
	var m map[string]any
	json.Unmarshal(inPlace, &m)
	m["id"] = "intok_b"
	reordered, _ := json.Marshal(m) // keys sorted: not the stored layout
	if _, ok := listView(reordered); ok {
		t.Fatal("the reordered copy would be changed in place")
	}
	if _, ok := listView(inPlace); !ok {
		t.Fatal("the stored copy would be decoded")
	}
	err := st.Update(ctx, func(tx store.Tx) error {
		for id, data := range map[string][]byte{"intok_a": inPlace, "intok_b": reordered} {
			if err := tx.Insert(ctx, &store.Object{Account: acct.ID, Kind: Kind, ID: id, Created: created.Unix(), Parent: "ic_1", Data: data}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	send := func(v any) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if s, ok := v.(document.Stored); ok {
			return string(document.AppendIndent(nil, s, 0, true)) + "\n"
		}
		enc.Encode(v)
		return b.String()
	}
	for i, step := range []struct {
		status  string
		network bool
		wantErr bool
	}{
		{StatusSuspended, false, false},
		{StatusSuspended, true, false}, // no change
		{StatusActive, true, false},
		{StatusRequested, false, true},
		{StatusDeleted, false, false},
		{StatusActive, false, true},
	} {
		now := created.Add(time.Duration(i+1) * time.Hour)
		answers := map[string]string{}
		for _, id := range []string{"intok_a", "intok_b"} {
			err := st.Update(ctx, func(tx store.Tx) error {
				v, err := Update(ctx, tx, acct, now, id, step.status, step.network)
				if err == nil {
					answers[id] = strings.ReplaceAll(send(v), id, "ID")
				} else {
					answers[id] = "error: " + err.Error()
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if answers["intok_a"] != answers["intok_b"] {
			t.Errorf("step %d: answers differ:\n in place %s\n decoded  %s", i, answers["intok_a"], answers["intok_b"])
		}
		if strings.HasPrefix(answers["intok_a"], "error") != step.wantErr {
			t.Errorf("step %d: %s", i, answers["intok_a"])
		}
		err = st.View(ctx, func(rd store.Reader) error {
			a, err := rd.Get(ctx, acct.ID, Kind, "intok_a")
			if err != nil {
				return err
			}
			b, err := rd.Get(ctx, acct.ID, Kind, "intok_b")
			if err != nil {
				return err
			}
			if string(a.Data) != strings.ReplaceAll(string(b.Data), "intok_b", "intok_a") {
				t.Errorf("step %d: stored documents differ:\n in place %s\n decoded  %s", i, a.Data, b.Data)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The events of the two agree, one for one.
	err = st.View(ctx, func(rd store.Reader) error {
		p, err := rd.List(ctx, store.Query{Account: acct.ID, Kind: event.Kind, Limit: 100})
		if err != nil {
			return err
		}
		byToken := map[string][]string{}
		for _, o := range p.Objects {
			var e event.Event
			if err := json.Unmarshal(o.Data, &e); err != nil {
				return err
			}
			var obj struct{ ID string }
			json.Unmarshal(e.Data.Object, &obj)
			prev, _ := json.Marshal(e.Data.PreviousAttributes)
			byToken[obj.ID] = append(byToken[obj.ID], e.Type+" "+strings.ReplaceAll(string(e.Data.Object), obj.ID, "ID")+" "+string(prev))
		}
		if len(byToken["intok_a"]) != 3 || strings.Join(byToken["intok_a"], "\n") != strings.Join(byToken["intok_b"], "\n") {
			t.Errorf("events differ:\n in place %q\n decoded  %q", byToken["intok_a"], byToken["intok_b"])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCutCompactMatchesMembers checks that the shortcut for compact text
// finds network_data where reading every member does, and refuses what
// that refuses, on the layouts a token can have and on random mutations
// of them.
func TestCutCompactMatchesMembers(t *testing.T) {
	s := "fp"
	layouts := [][]byte{[]byte(storedToken)}
	for _, r := range []*record{
		{Token: Token{ID: "intok_1", Object: Kind, Card: "ic_1", Created: 1, DeviceFingerprint: &s, Last4: "4242",
			Livemode: true, Network: "visa", NetworkUpdatedAt: 2, Status: StatusActive, WalletProvider: "apple_pay"},
			NetworkData: &NetworkData{Type: "visa"}},
		{Token: Token{ID: "intok_2", Object: Kind, Card: "ic_1", Network: "mastercard", Status: StatusDeleted}},
		{Token: Token{ID: "intok_3", Object: Kind, Card: "ic_1", Last4: "1", Status: `"<&>"`}},
	} {
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		layouts = append(layouts, data)
		var spaced bytes.Buffer
		json.Indent(&spaced, data, "", " ")
		layouts = append(layouts, spaced.Bytes())
	}
	check := func(data []byte) {
		t.Helper()
		fast, fastOK := cutCompact(data)
		slow, slowOK := cutMembers(data)
		if fastOK && (!slowOK || fast != slow) {
			t.Fatalf("cutCompact(%s) = %d, but cutMembers = %d, %v", data, fast, slow, slowOK)
		}
	}
	accepted := 0
	for _, data := range layouts {
		check(data)
		if _, ok := cutCompact(data); ok {
			accepted++
		}
	}
	if accepted < 4 {
		t.Fatalf("cutCompact accepted %d of the compact layouts", accepted)
	}
	r := rand.New(rand.NewPCG(9, 10))
	pieces := []string{`"`, `,`, `:`, `{`, `}`, `[`, `]`, ` `, `\`, `"status":`, `"last4":"1",`, `"network_data":`,
		`"extra":1,`, `null`, `"x"`, `"wallet_provider":"w",`}
	for range 100000 {
		data := bytes.Clone(layouts[r.IntN(len(layouts))])
		for range 1 + r.IntN(3) {
			at := r.IntN(len(data) + 1)
			switch r.IntN(3) {
			case 0: // insert
				data = append(data[:at], append([]byte(pieces[r.IntN(len(pieces))]), data[at:]...)...)
			case 1: // delete
				data = append(data[:at], data[min(len(data), at+1+r.IntN(12)):]...)
			default: // cut short
				data = data[:at]
			}
		}
		check(data)
	}
}

// TestListCutEnds checks what listCut leaves out after network_data: up to
// the closing brace, and nothing of a text that does not end with it.
func TestListCutEnds(t *testing.T) {
	head := `{"id":"intok_1","object":"issuing.token","card":"ic_1","created":1,"device_fingerprint":null,"last4":"4242","livemode":false,"network":"visa","network_updated_at":1,"status":"active","wallet_provider":"apple_pay"`
	want := head + "}"
	for _, tc := range []struct {
		tail string
		ok   bool
	}{
		{`,"network_data":null}`, true},
		{`,"network_data":{"type":"visa"}}` + " \n\t", true},
		{`,"network_data":null,"later":{"x":"}"}}`, true},
		{`,"network_data":null}xyz`, false},
		{`,"network_data":null`, false},
		{`,"network_data":{"type":"}"`, false},
	} {
		c, ok := listCut([]byte(head + tc.tail))
		if ok != tc.ok {
			t.Errorf("listCut(…%s) ok = %v, want %v", tc.tail, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		if got := c.AppendIndent(nil, 0); !bytes.Equal(got, document.AppendIndent(nil, []byte(want), 0, true)) {
			t.Errorf("listCut(…%s) sends\n%s", tc.tail, got)
		}
		if got, err := json.Marshal(c); err != nil || string(got) != want {
			t.Errorf("listCut(…%s) marshals as %s, %v", tc.tail, got, err)
		}
	}
}
