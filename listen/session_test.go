package listen

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func openStore(t *testing.T) store.Store {
	t.Helper()
	return sqlitetest.File(t)
}

func newAccount() issuing.Account {
	return issuing.AccountForKey("sk_test_"+issuing.RandomString(24), false)
}

// startSession creates a session as the API route does.
func startSession(t *testing.T, st store.Store, acct issuing.Account, now time.Time, p SessionParams) *Grant {
	t.Helper()
	var g *Grant
	err := st.Update(context.Background(), func(tx store.Tx) error {
		var err error
		g, err = CreateSession(context.Background(), tx, acct, now, "ws://127.0.0.1:1/v1/stripecli/websocket", p)
		return err
	})
	if err != nil {
		t.Fatalf("create session: %v", err)
	}
	return g
}

// record records an event of type typ in the account and returns its id.
func record(t *testing.T, st store.Store, acct issuing.Account, typ string) string {
	t.Helper()
	obj := map[string]any{"id": issuing.NewID("ic"), "object": "issuing.card"}
	err := st.Update(context.Background(), func(tx store.Tx) error {
		return event.Created(context.Background(), tx, acct, t0.Unix(), typ, obj)
	})
	if err != nil {
		t.Fatalf("record %s: %v", typ, err)
	}
	var id string
	err = st.View(context.Background(), func(rd store.Reader) error {
		page, err := rd.List(context.Background(), store.Query{Account: acct.ID, Kind: event.Kind, Limit: 1})
		if err == nil && len(page.Objects) == 1 {
			id = page.Objects[0].ID
		}
		return err
	})
	if err != nil || id == "" {
		t.Fatalf("find the event just recorded: %v", err)
	}
	return id
}

func lookup(t *testing.T, st store.Store, id string) *Session {
	t.Helper()
	s, err := Lookup(context.Background(), st, id)
	if err != nil {
		t.Fatalf("look up session %s: %v", id, err)
	}
	return s
}

func TestSessionFeatures(t *testing.T) {
	st := openStore(t)
	tests := []struct {
		features []string
		refused  string // part of the error message; empty when accepted
	}{
		{nil, ""},
		{[]string{"webhooks"}, ""},
		{[]string{"webhooks", "v2_events"}, ""}, // stripe listen --events, --latest and plain
		{[]string{"v2_events"}, "no thin (v2) events"},
		{[]string{"request_logs"}, "stripe logs tail"},
		{[]string{"webhooks", "request_logs"}, "stripe logs tail"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.features, "+"), func(t *testing.T) {
			err := st.Update(context.Background(), func(tx store.Tx) error {
				_, err := CreateSession(context.Background(), tx, newAccount(), t0, "ws://x", SessionParams{DeviceName: "d", WebsocketFeatures: tt.features})
				return err
			})
			if tt.refused == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := issuing.AsError(err)
			if !ok || e.Kind != issuing.KindInvalid || e.Param != "websocket_features" || !strings.Contains(e.Message, tt.refused) {
				t.Fatalf("got %v, want an invalid websocket_features saying %q", err, tt.refused)
			}
		})
	}
}

func TestSessionGrant(t *testing.T) {
	st := openStore(t)
	g := startSession(t, st, newAccount(), t0, SessionParams{DeviceName: "laptop", WebsocketFeatures: []string{"webhooks"}})
	if !strings.HasPrefix(g.WebsocketID, "cliws_") || !strings.HasPrefix(g.Secret, "whsec_") {
		t.Errorf("websocket_id %q, secret %q", g.WebsocketID, g.Secret)
	}
	if g.WebsocketURL != "ws://127.0.0.1:1/v1/stripecli/websocket" || g.WebsocketAuthorizedFeature != "webhook-payloads" ||
		g.ReconnectDelay != ReconnectDelay || g.DefaultVersion != issuing.APIVersion || g.LatestVersion != issuing.APIVersion {
		t.Errorf("grant %+v", g)
	}
}

func TestSecretPerAccountAndDevice(t *testing.T) {
	st := openStore(t)
	a, b := newAccount(), newAccount()
	first := startSession(t, st, a, t0, SessionParams{DeviceName: "laptop"})
	again := startSession(t, st, a, t0.Add(time.Hour), SessionParams{DeviceName: "laptop"})
	if again.Secret != first.Secret {
		t.Errorf("the same key and device got secrets %s and %s", first.Secret, again.Secret)
	}
	if again.WebsocketID == first.WebsocketID {
		t.Errorf("two sessions share the websocket id %s", first.WebsocketID)
	}
	others := map[string]*Grant{
		"another device":            startSession(t, st, a, t0, SessionParams{DeviceName: "desktop"}),
		"another account":           startSession(t, st, b, t0, SessionParams{DeviceName: "laptop"}),
		"a device with no name":     startSession(t, st, a, t0, SessionParams{}),
		"a name that only differs…": startSession(t, st, a, t0, SessionParams{DeviceName: "laptop "}),
	}
	for name, g := range others {
		if g.Secret == first.Secret {
			t.Errorf("%s signs with the same secret", name)
		}
	}
}

func TestSessionBeginsAfterTheNewestEvent(t *testing.T) {
	st := openStore(t)
	quiet := newAccount()
	g := startSession(t, st, quiet, t0, SessionParams{DeviceName: "d"})
	if c := lookup(t, st, g.WebsocketID).Cursor; c != "" {
		t.Errorf("an account with no events: cursor %q, want none", c)
	}
	busy := newAccount()
	record(t, st, busy, "issuing_cardholder.created")
	last := record(t, st, busy, "issuing_card.created")
	g = startSession(t, st, busy, t0, SessionParams{DeviceName: "d"})
	if c := lookup(t, st, g.WebsocketID).Cursor; c != last {
		t.Errorf("cursor %q, want the newest event %s", c, last)
	}
}

func TestIdleSessionsExpire(t *testing.T) {
	st := openStore(t)
	acct := newAccount()
	idle := startSession(t, st, acct, t0, SessionParams{DeviceName: "laptop"})
	inUse := startSession(t, st, acct, t0, SessionParams{DeviceName: "laptop"})
	if _, err := Connect(context.Background(), st, inUse.WebsocketID, "conn", t0.Add(23*time.Hour)); err != nil {
		t.Fatal(err)
	}
	otherDevice := startSession(t, st, acct, t0, SessionParams{DeviceName: "desktop"})

	startSession(t, st, acct, t0.Add(idleExpiry+time.Hour), SessionParams{DeviceName: "laptop"})
	if _, err := Lookup(context.Background(), st, idle.WebsocketID); !errors.Is(err, ErrUnknownSession) {
		t.Errorf("a session idle for a day: %v, want ErrUnknownSession", err)
	}
	lookup(t, st, inUse.WebsocketID)
	lookup(t, st, otherDevice.WebsocketID) // expires only when its own device starts a session
}

func TestConnectTakesOver(t *testing.T) {
	st := openStore(t)
	g := startSession(t, st, newAccount(), t0, SessionParams{DeviceName: "d"})
	ctx := context.Background()
	if _, err := Connect(ctx, st, g.WebsocketID, "first", t0); err != nil {
		t.Fatal(err)
	}
	if err := advance(ctx, st, g.WebsocketID, "first", "evt_1"); err != nil {
		t.Fatalf("the connection in charge: %v", err)
	}
	s, err := Connect(ctx, st, g.WebsocketID, "second", t0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cursor != "evt_1" {
		t.Errorf("the second connection starts from %q, want evt_1", s.Cursor)
	}
	if err := advance(ctx, st, g.WebsocketID, "first", "evt_2"); !errors.Is(err, ErrReplaced) {
		t.Errorf("the replaced connection: %v, want ErrReplaced", err)
	}
	if _, err := Connect(ctx, st, "cliws_unknown", "third", t0); !errors.Is(err, ErrUnknownSession) {
		t.Errorf("an unknown id: %v, want ErrUnknownSession", err)
	}
}
