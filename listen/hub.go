package listen

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Paths of the two endpoints the CLI uses.
const (
	SessionsPath  = "/v1/stripecli/sessions"
	WebsocketPath = "/v1/stripecli/websocket"
)

// DefaultPoll is how often a connection looks for new events when Config
// says nothing: quick enough that an event seems to arrive at once, and one
// indexed read per connection each time.
const DefaultPoll = 100 * time.Millisecond

// Timings of a connection. The CLI pings every 2 seconds and answers
// pings; a connection whose peer stopped answering is ended.
const (
	writeTimeout = 10 * time.Second
	pingEvery    = 30 * time.Second
	pongWait     = 10 * time.Second
	// readLimit bounds one message from the CLI: its replies carry the
	// start of the receiver's response and a few headers.
	readLimit = 1 << 20
)

// subprotocol is what the CLI asks for in Sec-WebSocket-Protocol.
const subprotocol = "stripecli-devproxy-v1"

// unknownIDMessage is the error message that makes the CLI ask for a new
// session instead of retrying the same websocket id.
const unknownIDMessage = "Unknown WebSocket ID."

// Config is what a Hub needs.
type Config struct {
	Store  store.Store
	Clock  issuing.Clock // nil means the wall clock
	Logger *slog.Logger  // nil means slog.Default()
	Poll   time.Duration // 0 means DefaultPoll
}

// Hub serves the websocket connections of stripe listen sessions in one
// server process.
type Hub struct {
	store store.Store
	clock issuing.Clock
	log   *slog.Logger
	poll  time.Duration

	ctx    context.Context // ends every connection when the hub closes
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	// live holds, per session, the connection streaming it in this
	// process: a reconnect takes over from it.
	live map[string]*liveConn
	wg   sync.WaitGroup
}

type liveConn struct {
	cancel context.CancelFunc
	done   chan struct{} // closed once it has stopped and recorded its cursor
}

// New returns a Hub.
func New(cfg Config) *Hub {
	h := &Hub{store: cfg.Store, clock: cfg.Clock, log: cfg.Logger, poll: cfg.Poll, live: map[string]*liveConn{}}
	if h.clock == nil {
		h.clock = issuing.SystemClock{}
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.poll <= 0 {
		h.poll = DefaultPoll
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	return h
}

type websocketURLKey struct{}

// WebsocketURL returns the URL of the websocket, as the client that made
// the request reaches this server; ok is false when the request did not
// come through a Hub's Handler, whose server has no websocket.
func WebsocketURL(ctx context.Context) (url string, ok bool) {
	url, ok = ctx.Value(websocketURLKey{}).(string)
	return url, ok
}

// Handler returns next with the websocket in front of it. Session requests
// go on to next knowing the websocket's URL (see WebsocketURL): the API
// sees neither the Host header nor the listener, and the URL must be one
// the CLI can reach, the address it used for the API.
func (h *Hub) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case WebsocketPath:
			h.serveWebsocket(w, r)
		case SessionsPath:
			scheme := "ws"
			if r.TLS != nil {
				scheme = "wss"
			}
			ctx := context.WithValue(r.Context(), websocketURLKey{}, scheme+"://"+r.Host+WebsocketPath)
			next.ServeHTTP(w, r.WithContext(ctx))
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// Close ends every connection, telling the CLIs the server is going away
// (they reconnect when it is back), and waits for them to record where
// they stopped. Call it before closing the store.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
}

func (h *Hub) serveWebsocket(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("Websocket-Id")
	if id == "" {
		writeError(w, http.StatusBadRequest, "Missing Websocket-Id header: connect with the websocket_id that "+
			"POST "+SessionsPath+" returned.")
		return
	}
	_, err := Lookup(r.Context(), h.store, id)
	switch {
	case errors.Is(err, ErrUnknownSession):
		writeError(w, http.StatusBadRequest, unknownIDMessage)
		return
	case err != nil:
		h.log.Error("stripe listen: look up session", "session", id, "err", err)
		writeError(w, http.StatusInternalServerError, "An unknown error occurred while looking up the session.")
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{subprotocol}})
	if err != nil {
		h.log.Debug("stripe listen: websocket handshake failed", "session", id, "err", err)
		return // Accept has answered
	}
	conn.SetReadLimit(readLimit)
	h.serve(conn, id)
}

// serve streams the session on conn until either side ends it.
func (h *Hub) serve(conn *websocket.Conn, id string) {
	ctx, cancel := context.WithCancel(h.ctx)
	defer cancel()
	done := make(chan struct{})
	defer close(done)
	if !h.takeOver(id, cancel, done) {
		_ = conn.Close(websocket.StatusGoingAway, "localissuing is shutting down")
		return
	}
	defer h.release(id, done)

	connection := issuing.NewID("cliconn")
	s, err := Connect(ctx, h.store, id, connection, h.clock.Now())
	if err != nil {
		h.closeAfter(conn, id, err)
		return
	}
	h.log.Debug("stripe listen connected", "session", id, "account", s.Account)
	// The reader's context is not the stream's: coder/websocket drops the
	// connection when a Read's context ends, and a stream that ends closes
	// it properly instead, with a status saying why.
	go h.read(cancel, conn, id, s.Account)
	go h.ping(ctx, cancel, conn)
	err = newStream(h.store, s, connection, h.poll, func(_ context.Context, msg []byte) error {
		// Not the stream's context: coder/websocket drops the connection
		// when a write's context ends, and one that ends as the message
		// goes out would cut the connection instead of closing it.
		wctx, stop := context.WithTimeout(context.Background(), writeTimeout)
		defer stop()
		return conn.Write(wctx, websocket.MessageText, msg)
	}).run(ctx)
	h.closeAfter(conn, id, err)
}

// closeAfter closes conn with a status that says why the stream ended.
func (h *Hub) closeAfter(conn *websocket.Conn, id string, err error) {
	switch {
	case h.ctx.Err() != nil:
		_ = conn.Close(websocket.StatusGoingAway, "localissuing is shutting down")
	case err == nil:
		// The CLI closed the connection, or a newer one replaced it.
		_ = conn.Close(websocket.StatusNormalClosure, "")
	case errors.Is(err, ErrReplaced):
		_ = conn.Close(websocket.StatusNormalClosure, "replaced by a newer connection of the session")
	case errors.Is(err, ErrUnknownSession):
		_ = conn.Close(websocket.StatusNormalClosure, "the session expired")
	case errors.Is(err, errSend):
		h.log.Debug("stripe listen disconnected", "session", id, "err", err)
		_ = conn.CloseNow()
	default:
		h.log.Error("stripe listen: stream events", "session", id, "err", err)
		_ = conn.Close(websocket.StatusInternalError, "localissuing could not read the events to send")
	}
}

// takeOver makes the caller the connection of session id in this process,
// after stopping the one there before, so that the two never send at once
// and the newer starts from where the older stopped. It returns false once
// the hub is closed.
func (h *Hub) takeOver(id string, cancel context.CancelFunc, done chan struct{}) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for {
		if h.closed {
			return false
		}
		old := h.live[id]
		if old == nil {
			break
		}
		old.cancel()
		h.mu.Unlock()
		<-old.done
		h.mu.Lock()
	}
	h.live[id] = &liveConn{cancel: cancel, done: done}
	h.wg.Add(1)
	return true
}

func (h *Hub) release(id string, done chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if l := h.live[id]; l != nil && l.done == done {
		delete(h.live, id)
	}
	h.wg.Done()
}

// read handles what the CLI sends: an acknowledgement of each event
// (event_ack) and, for each event it forwarded, the receiver's answer
// (webhook_response). They are logged at debug level; an answer does not
// change what is sent, since the CLI has no retries for the server to
// drive, but the answer to a real-time request is kept: it decides the
// request (see realtime.go). Reading also answers the CLI's pings. It ends the stream when
// the connection closes.
func (h *Hub) read(cancel context.CancelFunc, conn *websocket.Conn, id, account string) {
	defer cancel()
	for {
		_, data, err := conn.Read(context.Background())
		if err != nil {
			h.log.Debug("stripe listen disconnected", "session", id, "status", websocket.CloseStatus(err), "err", err)
			return
		}
		var msg struct {
			webhookResponse
			Type       string `json:"type"`
			WebhookID  string `json:"webhook_id"`
			EventID    string `json:"event_id"`
			ForwardURL string `json:"forward_url"`
		}
		if err := json.Unmarshal(data, &msg); err != nil {
			h.log.Debug("stripe listen sent a message that is not JSON", "session", id, "err", err)
			continue
		}
		switch msg.Type {
		case "webhook_response":
			h.log.Debug("stripe listen forwarded an event", "session", id, "webhook_id", msg.WebhookID,
				"forward_url", msg.ForwardURL, "status", msg.Status)
			if ev, ok := answeredEvent(msg.WebhookConversationID); ok {
				if err := saveResponse(h.ctx, h.store, account, ev, msg.response(), h.clock.Now()); err != nil {
					h.log.Error("stripe listen: keep the response to a real-time request", "event", ev, "err", err)
				}
			}
		case "event_ack":
			h.log.Debug("stripe listen received an event", "session", id, "event", msg.EventID)
		default:
			h.log.Debug("stripe listen sent a message of unknown type", "session", id, "type", msg.Type)
		}
	}
}

// ping ends the stream when the CLI stops answering pings, so that a
// connection whose peer vanished without closing does not poll forever.
func (h *Hub) ping(ctx context.Context, cancel context.CancelFunc, conn *websocket.Conn) {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// Not ctx, for the reason the stream's writes do not use it.
		pctx, stop := context.WithTimeout(context.Background(), pongWait)
		err := conn.Ping(pctx)
		stop()
		if err != nil {
			cancel()
			return
		}
	}
}

// writeError answers a websocket request that cannot be upgraded with
// Stripe's error object, whose message the CLI reads.
func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	body, _ := json.Marshal(map[string]any{"error": map[string]string{"type": "invalid_request_error", "message": message}})
	_, _ = w.Write(body)
}
