package listen

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// cliMessage is a webhook_event as the Stripe CLI decodes it
// (pkg/websocket: WebhookEvent).
type cliMessage struct {
	Endpoint struct {
		APIVersion *string `json:"api_version"`
	} `json:"endpoint"`
	EventPayload          string            `json:"event_payload"`
	HTTPHeaders           map[string]string `json:"http_headers"`
	Type                  string            `json:"type"`
	WebhookConversationID string            `json:"webhook_conversation_id"`
	WebhookID             string            `json:"webhook_id"`
}

// collector is a connection that keeps what it is sent; failAt, when
// positive, makes the send of that message (1 for the first) fail.
type collector struct {
	msgs   []cliMessage
	failAt int
	sends  int
}

func (c *collector) send(_ context.Context, b []byte) error {
	c.sends++
	if c.sends == c.failAt {
		return errors.New("connection lost")
	}
	var m cliMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	c.msgs = append(c.msgs, m)
	return nil
}

// events returns the ids of the events sent at the default version, the
// ones the CLI forwards unless run with --latest.
func (c *collector) events(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, m := range c.msgs {
		if m.Endpoint.APIVersion != nil {
			continue
		}
		var ev struct{ ID string }
		if err := json.Unmarshal([]byte(m.EventPayload), &ev); err != nil {
			t.Fatalf("event_payload is not JSON: %v", err)
		}
		ids = append(ids, ev.ID)
	}
	return ids
}

// connect starts a stream of the session as a new connection would.
func connect(t *testing.T, st store.Store, id string, c *collector) *stream {
	t.Helper()
	connection := issuing.NewID("cliconn")
	s, err := Connect(context.Background(), st, id, connection, t0)
	if err != nil {
		t.Fatal(err)
	}
	return newStream(st, s, connection, DefaultPoll, c.send)
}

func flush(t *testing.T, s *stream) {
	t.Helper()
	if err := s.flush(context.Background()); err != nil {
		t.Fatalf("flush: %v", err)
	}
}

func TestStreamSendsEachNewEventOnceInOrder(t *testing.T) {
	st := openStore(t)
	acct := newAccount()
	record(t, st, acct, "issuing_cardholder.created") // before the session: not sent
	g := startSession(t, st, acct, t0, SessionParams{DeviceName: "d"})
	c := &collector{}
	s := connect(t, st, g.WebsocketID, c)
	flush(t, s)
	if len(c.msgs) != 0 {
		t.Fatalf("sent %d messages before anything happened", len(c.msgs))
	}

	want := []string{record(t, st, acct, "issuing_card.created"), record(t, st, acct, "issuing_card.updated")}
	record(t, st, newAccount(), "issuing_card.created") // another account's
	flush(t, s)
	flush(t, s)
	if got := c.events(t); !slices.Equal(got, want) {
		t.Fatalf("sent %v, want %v", got, want)
	}
	if len(c.msgs) != 2*len(want) {
		t.Errorf("sent %d messages for %d events, want one per version", len(c.msgs), len(want))
	}

	// A reconnect resumes after the last event sent.
	again := &collector{}
	s = connect(t, st, g.WebsocketID, again)
	next := record(t, st, acct, "issuing_card.updated")
	flush(t, s)
	if got := again.events(t); !slices.Equal(got, []string{next}) {
		t.Errorf("after reconnecting: sent %v, want %v", got, []string{next})
	}
}

func TestStreamPagesThroughMany(t *testing.T) {
	for _, before := range []bool{false, true} {
		name := map[bool]string{false: "account with no events before", true: "account with events before"}[before]
		t.Run(name, func(t *testing.T) {
			st := openStore(t)
			acct := newAccount()
			if before {
				record(t, st, acct, "issuing_cardholder.created")
			}
			g := startSession(t, st, acct, t0, SessionParams{DeviceName: "d"})
			var want []string
			for range 2*batchSize + 5 {
				want = append(want, record(t, st, acct, "issuing_card.created"))
			}
			c := &collector{}
			flush(t, connect(t, st, g.WebsocketID, c))
			if got := c.events(t); !slices.Equal(got, want) {
				t.Fatalf("sent %d events, want the %d recorded, oldest first", len(got), len(want))
			}
		})
	}
}

func TestStreamMessageIsWhatTheCLIForwards(t *testing.T) {
	st := openStore(t)
	acct := newAccount()
	g := startSession(t, st, acct, t0, SessionParams{DeviceName: "d"})
	c := &collector{}
	s := connect(t, st, g.WebsocketID, c)
	id := record(t, st, acct, "issuing_card.created")
	flush(t, s)
	if len(c.msgs) != 2 {
		t.Fatalf("sent %d messages, want 2", len(c.msgs))
	}
	var stored []byte
	_ = st.View(context.Background(), func(rd store.Reader) error {
		obj, err := rd.Get(context.Background(), acct.ID, "event", id)
		stored = obj.Data
		return err
	})
	for i, m := range c.msgs {
		if m.Type != "webhook_event" || m.WebhookID == "" || m.WebhookConversationID == "" {
			t.Errorf("message %d: type %q, webhook_id %q, webhook_conversation_id %q", i, m.Type, m.WebhookID, m.WebhookConversationID)
		}
		if m.EventPayload != string(stored) {
			t.Errorf("message %d: event_payload is not the stored event:\n%s\n%s", i, m.EventPayload, stored)
		}
		h := m.HTTPHeaders
		if h["Content-Type"] != "application/json; charset=utf-8" || h["User-Agent"] != "Stripe/1.0 (+https://stripe.com/docs/webhooks)" {
			t.Errorf("message %d: headers %v", i, h)
		}
		ev, err := webhook.ConstructEvent([]byte(m.EventPayload), h["Stripe-Signature"], g.Secret)
		if err != nil {
			t.Fatalf("message %d: stripe-go refuses the signature: %v", i, err)
		}
		if ev.ID != id || ev.Type != "issuing_card.created" {
			t.Errorf("message %d: event %s %s", i, ev.ID, ev.Type)
		}
	}
	if c.msgs[0].Endpoint.APIVersion == nil || *c.msgs[0].Endpoint.APIVersion != issuing.APIVersion || c.msgs[1].Endpoint.APIVersion != nil {
		t.Errorf("endpoint api_version: want %s (latest) then null (default)", issuing.APIVersion)
	}
}

func TestStreamStopsWhenReplaced(t *testing.T) {
	st := openStore(t)
	acct := newAccount()
	g := startSession(t, st, acct, t0, SessionParams{DeviceName: "d"})
	old := &collector{}
	s := connect(t, st, g.WebsocketID, old)
	newer := &collector{}
	s2 := connect(t, st, g.WebsocketID, newer) // the CLI reconnected to another process
	id := record(t, st, acct, "issuing_card.created")
	if err := s.flush(context.Background()); !errors.Is(err, ErrReplaced) {
		t.Fatalf("the replaced connection: %v, want ErrReplaced", err)
	}
	flush(t, s2)
	if len(old.msgs) != 0 || !slices.Equal(newer.events(t), []string{id}) {
		t.Errorf("replaced connection sent %d messages, newer one %v; want 0 and %s", len(old.msgs), newer.events(t), id)
	}
}

func TestStreamFailureKeepsWhatWasNotSent(t *testing.T) {
	st := openStore(t)
	acct := newAccount()
	g := startSession(t, st, acct, t0, SessionParams{DeviceName: "d"})
	first := record(t, st, acct, "issuing_cardholder.created")
	second := record(t, st, acct, "issuing_card.created")
	broken := &collector{failAt: 4} // the second message of the second event
	if err := connect(t, st, g.WebsocketID, broken).flush(context.Background()); err == nil {
		t.Fatal("flush on a broken connection succeeded")
	}
	if got := broken.events(t); !slices.Equal(got, []string{first}) {
		t.Fatalf("before breaking: sent %v, want %v", got, []string{first})
	}
	c := &collector{}
	flush(t, connect(t, st, g.WebsocketID, c))
	if got := c.events(t); !slices.Equal(got, []string{second}) {
		t.Errorf("the next connection sent %v, want %v", got, []string{second})
	}
}
