package listen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/localissuing/localissuing/store"
)

// A running `stripe listen` answers real-time authorization requests, as
// with Stripe: the CLI forwards issuing_authorization.request to the local
// application and sends its response back (webhook_response), which
// decides the request. For that the authorization side needs to know
// whether a CLI is listening to the account, and to find the response to
// a request whichever process's connection received it: both are kept in
// the store.

// Stored kinds, in the account the CLI listens to. They are not API kinds:
// no client can read them.
const (
	// PresenceKind marks a session whose connection is alive, renewed
	// every heartbeat.
	PresenceKind = "stripecli_presence"
	// ResponseKind holds the application's response to a real-time
	// request, by the request event's id.
	ResponseKind = "stripecli_response"
)

// heartbeat is how often a live connection renews its presence; a
// presence older than presenceTTL is a CLI that went away.
const (
	heartbeat   = 2 * time.Second
	presenceTTL = 3 * heartbeat
)

// requestEvent is the type of event whose response decides something.
const requestEvent = "issuing_authorization.request"

// conversationPrefix starts the webhook_conversation_id of a request
// event's messages, followed by the event's id, so that the CLI's
// webhook_response names the event it answers.
const conversationPrefix = "whcrt_"

type presence struct {
	Session string `json:"session"`
	Seen    int64  `json:"seen"` // Unix milliseconds, wall clock
}

// Response is what the application answered to a request event the CLI
// forwarded to it.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// Header returns the response header name, whatever its case.
func (r *Response) Header(name string) string {
	for k, v := range r.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// Listening tells whether a `stripe listen` connection to the account is
// alive at now.
func Listening(ctx context.Context, rd store.Reader, account string, now time.Time) (bool, error) {
	page, err := rd.List(ctx, store.Query{Account: account, Kind: PresenceKind, Limit: 100})
	if err != nil {
		return false, fmt.Errorf("list stripe listen connections: %w", err)
	}
	for _, obj := range page.Objects {
		var p presence
		if err := json.Unmarshal(obj.Data, &p); err != nil {
			return false, fmt.Errorf("decode stripe listen presence: %w", err)
		}
		if now.Sub(time.UnixMilli(p.Seen)) < presenceTTL {
			return true, nil
		}
	}
	return false, nil
}

// LoadResponse returns the response to the request event eventID, nil
// while none has come.
func LoadResponse(ctx context.Context, rd store.Reader, account, eventID string) (*Response, error) {
	obj, err := rd.Get(ctx, account, ResponseKind, responseID(eventID))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load stripe listen response to %s: %w", eventID, err)
	}
	var r Response
	if err := json.Unmarshal(obj.Data, &r); err != nil {
		return nil, fmt.Errorf("decode stripe listen response to %s: %w", eventID, err)
	}
	return &r, nil
}

// DropResponse deletes the response to the request event eventID, once
// the request is settled. A response that comes later than that stays.
func DropResponse(ctx context.Context, tx store.Tx, account, eventID string) error {
	err := tx.Delete(ctx, account, ResponseKind, responseID(eventID))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("delete stripe listen response to %s: %w", eventID, err)
	}
	return nil
}

// beat renews the presence of session in account.
func beat(ctx context.Context, st store.Store, account, session string, now time.Time) error {
	data, err := json.Marshal(presence{Session: session, Seen: now.UnixMilli()})
	if err != nil {
		return fmt.Errorf("encode stripe listen presence: %w", err)
	}
	// Ids are unique across kinds in some engines: the presence's is
	// derived from the session's, not the same.
	id := "presence_" + session
	put := func(tx store.Tx) error {
		obj := store.Object{Account: account, Kind: PresenceKind, ID: id, Created: now.Unix(), Data: data}
		_, err := tx.GetForUpdate(ctx, account, PresenceKind, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			err = tx.Insert(ctx, &obj)
		case err == nil:
			err = tx.Replace(ctx, obj)
		}
		if err != nil {
			return fmt.Errorf("store stripe listen presence: %w", err)
		}
		return nil
	}
	err = st.Update(ctx, put)
	if errors.Is(err, store.ErrDuplicate) {
		// The connection that replaced this one made it meanwhile.
		err = st.Update(ctx, put)
	}
	return err
}

// saveResponse keeps the application's response to a request event. The
// first response wins: several CLIs may forward one event.
func saveResponse(ctx context.Context, st store.Store, account, eventID string, r Response, now time.Time) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode stripe listen response: %w", err)
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		return tx.Insert(ctx, &store.Object{Account: account, Kind: ResponseKind, ID: responseID(eventID), Created: now.Unix(), Data: data})
	})
	if errors.Is(err, store.ErrDuplicate) {
		return nil
	}
	return err
}

// responseID is the id of the response to the event eventID (not the
// event's own: ids are unique across kinds in some engines).
func responseID(eventID string) string { return "response_" + eventID }

// conversation returns the webhook_conversation_id of a message carrying
// the event id of type typ: one that names the event for request events,
// a random one (made by newID) for the rest.
func conversation(id, typ string, newID func() string) string {
	if typ == requestEvent {
		return conversationPrefix + id
	}
	return newID()
}

// answeredEvent returns the request event a webhook_response answers.
func answeredEvent(conversationID string) (string, bool) {
	id, ok := strings.CutPrefix(conversationID, conversationPrefix)
	return id, ok && id != ""
}

// webhookResponse is the CLI's message with the application's response
// to a forwarded event.
type webhookResponse struct {
	WebhookConversationID string            `json:"webhook_conversation_id"`
	Status                int               `json:"status"`
	HTTPHeaders           map[string]string `json:"http_headers"`
	Body                  string            `json:"body"`
}

// response returns what the application answered, as Stripe would read
// it; a status of 0 (the CLI could not reach the application) is a 502.
func (m webhookResponse) response() Response {
	status := m.Status
	if status == 0 {
		status = http.StatusBadGateway
	}
	return Response{Status: status, Headers: m.HTTPHeaders, Body: m.Body}
}
