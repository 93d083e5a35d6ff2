package listen_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/listen"
	"github.com/localissuing/localissuing/routes"
	"github.com/localissuing/localissuing/spec/spectest"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/store/sqlite"
	"github.com/localissuing/localissuing/store/sqlite/sqlitetest"
)

// server is localissuing with the hub in front, as cmd/localissuing runs it.
type server struct {
	t   *testing.T
	url string
	hub *listen.Hub
	key string
}

func newServer(t *testing.T) *server {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "listen.db"))
	if err != nil {
		t.Fatal(err)
	}
	return newServerOn(t, st)
}

// newServerOn is newServer on st, which it closes when the test ends.
func newServerOn(t *testing.T, st store.Store) *server {
	t.Helper()
	srv := api.New(api.Config{Store: st})
	routes.Register(srv, routes.Config{})
	hub := listen.New(listen.Config{Store: st, Poll: 5 * time.Millisecond})
	hs := httptest.NewServer(hub.Handler(srv))
	t.Cleanup(func() {
		hs.Close()
		hub.Close()
		_ = st.Close()
	})
	return &server{t: t, url: hs.URL, hub: hub, key: "sk_test_" + issuing.RandomString(24)}
}

// post makes an API call and returns the status and body.
func (s *server) post(path string, form url.Values) (int, []byte) {
	s.t.Helper()
	return s.do(http.MethodPost, path, form)
}

// get is post for a GET.
func (s *server) get(path string) (int, []byte) {
	s.t.Helper()
	return s.do(http.MethodGet, path, nil)
}

func (s *server) do(method, path string, form url.Values) (int, []byte) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.key)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

// session asks for a session with the form CLI 1.52 sends for
// `stripe listen --events … --forward-to …`.
func (s *server) session(device string) listen.Grant {
	s.t.Helper()
	to := "http://127.0.0.1:4242/webhook"
	status, body := s.post(listen.SessionsPath, url.Values{"device_name": {device}, "forward_to_url": {to},
		"forward_connect_to_url": {to}, "forward_thin_to_url": {to}, "forward_thin_connect_to_url": {to},
		"websocket_features[]": {"webhooks", "v2_events"}})
	if status != http.StatusOK {
		s.t.Fatalf("POST %s: %d %s", listen.SessionsPath, status, body)
	}
	spectest.ValidateResponse(s.t, "POST", listen.SessionsPath, status, body)
	var g listen.Grant
	if err := json.Unmarshal(body, &g); err != nil {
		s.t.Fatal(err)
	}
	return g
}

// newCardholder creates a cardholder, which records an event.
func (s *server) newCardholder() string {
	s.t.Helper()
	id, err := s.createCardholder()
	if err != nil {
		s.t.Fatal(err)
	}
	return id
}

// createCardholder is newCardholder for other goroutines than the test's.
func (s *server) createCardholder() (string, error) {
	form := url.Values{"name": {"Jenny Rosen"}, "billing[address][line1]": {"1 Main St"},
		"billing[address][city]": {"San Francisco"}, "billing[address][postal_code]": {"94111"}, "billing[address][country]": {"US"}}
	req, err := http.NewRequest(http.MethodPost, s.url+"/v1/issuing/cardholders", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+s.key)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("create cardholder: %d %s", res.StatusCode, body)
	}
	var ch struct{ ID string }
	err = json.Unmarshal(body, &ch)
	return ch.ID, err
}

// eventIDs reads the ids of a list of events.
func eventIDs(t *testing.T, status int, body []byte) []string {
	t.Helper()
	var list struct{ Data []struct{ ID string } }
	if err := json.Unmarshal(body, &list); status != http.StatusOK || err != nil {
		t.Fatalf("list events: %d %s", status, body)
	}
	ids := make([]string, len(list.Data))
	for i, e := range list.Data {
		ids[i] = e.ID
	}
	return ids
}

// dial connects to the session's websocket as the CLI does.
func dial(t *testing.T, g listen.Grant) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, g.WebsocketURL+"?websocket_feature="+g.WebsocketAuthorizedFeature, &websocket.DialOptions{
		HTTPHeader:   http.Header{"Websocket-Id": {g.WebsocketID}, "Accept-Encoding": {"identity"}},
		Subprotocols: []string{"stripecli-devproxy-v1"},
	})
	if err != nil {
		t.Fatalf("dial %s: %v", g.WebsocketURL, err)
	}
	if got := res.Header.Get("Sec-WebSocket-Protocol"); got != "stripecli-devproxy-v1" {
		t.Errorf("subprotocol %q", got)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	return conn
}

// readEvent reads messages until one carries an event at the default
// version, and returns that event, checked as a receiver would.
func readEvent(t *testing.T, conn *websocket.Conn, secret string) (id, typ, object string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		var m struct {
			Type         string            `json:"type"`
			WebhookID    string            `json:"webhook_id"`
			EventPayload string            `json:"event_payload"`
			HTTPHeaders  map[string]string `json:"http_headers"`
			Endpoint     struct {
				APIVersion *string `json:"api_version"`
			} `json:"endpoint"`
		}
		if err := json.Unmarshal(data, &m); err != nil || m.Type != "webhook_event" {
			t.Fatalf("message %s: %v", data, err)
		}
		if m.Endpoint.APIVersion != nil {
			continue
		}
		ev, err := webhook.ConstructEvent([]byte(m.EventPayload), m.HTTPHeaders["Stripe-Signature"], secret)
		if err != nil {
			t.Fatalf("the event does not verify: %v", err)
		}
		// Answer as the CLI does; the server must take it in its stride.
		reply, _ := json.Marshal(map[string]any{"type": "webhook_response", "webhook_id": m.WebhookID,
			"forward_url": "http://127.0.0.1:4242/webhook", "status": 200, "body": "ok", "http_headers": map[string]string{}})
		if err := conn.Write(ctx, websocket.MessageText, reply); err != nil {
			t.Fatalf("write webhook_response: %v", err)
		}
		var obj struct{ ID string }
		_ = json.Unmarshal(ev.Data.Raw, &obj)
		return ev.ID, string(ev.Type), obj.ID
	}
}

func TestListenReceivesEventsOverTheWebsocket(t *testing.T) {
	s := newServer(t)
	s.newCardholder() // before the session: not sent
	g := s.session("laptop")
	host := strings.TrimPrefix(s.url, "http://")
	if g.WebsocketURL != "ws://"+host+listen.WebsocketPath {
		t.Errorf("websocket_url %q, want one on the address the API was reached at", g.WebsocketURL)
	}

	conn := dial(t, g)
	holder := s.newCardholder()
	if _, typ, obj := readEvent(t, conn, g.Secret); typ != "issuing_cardholder.created" || obj != holder {
		t.Fatalf("got %s of %s, want issuing_cardholder.created of %s", typ, obj, holder)
	}

	// The CLI replaces its connection now and then; what happens in
	// between arrives on the next one, and nothing twice.
	if err := conn.Close(websocket.StatusNormalClosure, "Resetting the connection"); err != nil {
		t.Fatalf("close: %v", err)
	}
	between := s.newCardholder()
	conn = dial(t, g)
	if _, _, obj := readEvent(t, conn, g.Secret); obj != between {
		t.Errorf("after reconnecting got the event of %s, want %s", obj, between)
	}
	after := s.newCardholder()
	if _, _, obj := readEvent(t, conn, g.Secret); obj != after {
		t.Errorf("then got the event of %s, want %s", obj, after)
	}

	if again := s.session("laptop"); again.Secret != g.Secret {
		t.Errorf("a second session of the device signs with %s, want %s as --print-secret showed", again.Secret, g.Secret)
	}
}

func TestListenRefusals(t *testing.T) {
	s := newServer(t)
	sessionCases := []struct {
		name  string
		form  url.Values
		param string
		code  string
	}{
		{"request logs", url.Values{"device_name": {"d"}, "websocket_features[]": {"request_logs"}}, "websocket_features", ""},
		{"thin events only", url.Values{"device_name": {"d"}, "websocket_features[]": {"v2_events"}}, "websocket_features", ""},
		{"unknown feature", url.Values{"device_name": {"d"}, "websocket_features[]": {"telepathy"}}, "websocket_features[0]", "parameter_invalid_enum"},
		{"unknown parameter", url.Values{"device_name": {"d"}, "colour": {"red"}}, "colour", "parameter_unknown"},
	}
	for _, tt := range sessionCases {
		t.Run(tt.name, func(t *testing.T) {
			status, body := s.post(listen.SessionsPath, tt.form)
			var e struct {
				Error struct{ Param, Code, Message string }
			}
			_ = json.Unmarshal(body, &e)
			if status != http.StatusBadRequest || e.Error.Param != tt.param || e.Error.Code != tt.code {
				t.Errorf("got %d %s, want 400 with param %s, code %q", status, body, tt.param, tt.code)
			}
		})
	}

	dialCases := []struct {
		name, id, message string
	}{
		{"no websocket id", "", "Missing Websocket-Id header"},
		// The CLI asks for a new session when it reads this message.
		{"unknown websocket id", "cliws_unknown", "Unknown WebSocket ID."},
	}
	for _, tt := range dialCases {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.id != "" {
				h.Set("Websocket-Id", tt.id)
			}
			_, res, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(s.url, "http")+listen.WebsocketPath,
				&websocket.DialOptions{HTTPHeader: h})
			if err == nil || res == nil {
				t.Fatalf("dial succeeded (err %v)", err)
			}
			var e struct{ Error struct{ Message string } }
			body, _ := io.ReadAll(res.Body)
			_ = json.Unmarshal(body, &e)
			if !strings.HasPrefix(e.Error.Message, tt.message) {
				t.Errorf("got %d %s, want the message %q", res.StatusCode, body, tt.message)
			}
		})
	}
}

func TestListenNeedsTheHub(t *testing.T) {
	st := sqlitetest.File(t)
	srv := api.New(api.Config{Store: st})
	routes.Register(srv, routes.Config{})
	hs := httptest.NewServer(srv) // no hub in front
	defer hs.Close()
	s := &server{t: t, url: hs.URL, key: "sk_test_" + issuing.RandomString(24)}
	status, body := s.post(listen.SessionsPath, url.Values{"device_name": {"d"}})
	if status != http.StatusBadRequest || !strings.Contains(string(body), "stripe listen is not available") {
		t.Errorf("got %d %s", status, body)
	}
}

func TestHubCloseEndsConnections(t *testing.T) {
	s := newServer(t)
	g := s.session("laptop")
	conn := dial(t, g)
	s.newCardholder()
	readEvent(t, conn, g.Secret)
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		s.hub.Close()
	}()
	var err error
	for err == nil {
		_, _, err = conn.Read(context.Background())
	}
	if status := websocket.CloseStatus(err); status != websocket.StatusGoingAway {
		t.Errorf("read after Close: %v, want close status %d (going away)", err, websocket.StatusGoingAway)
	}
	<-closed
	// A connection made afterwards is closed at once, saying why.
	late, _, err := websocket.Dial(context.Background(), g.WebsocketURL, &websocket.DialOptions{
		HTTPHeader: http.Header{"Websocket-Id": {g.WebsocketID}}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer late.CloseNow()
	_, _, err = late.Read(context.Background())
	if status := websocket.CloseStatus(err); status != websocket.StatusGoingAway {
		t.Errorf("a connection after Close: %v, want close status %d (going away)", err, websocket.StatusGoingAway)
	}
}
