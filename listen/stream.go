package listen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
	"github.com/localissuing/localissuing/webhook"
)

// batchSize is how many events one read of the store fetches.
const batchSize = 100

// errCursorGone means the session's cursor names an event the store no
// longer has, so what is newer cannot be told.
var errCursorGone = errors.New("listen: the last event sent is no longer in the store")

// errSend marks a failed write: the connection is gone, which ends the
// stream without being the server's fault.
var errSend = errors.New("listen: send")

// webhookEvent is the message that carries one event to the CLI, as its
// websocket package decodes it (type "webhook_event"). The CLI posts
// event_payload, byte for byte, to --forward-to with http_headers.
type webhookEvent struct {
	Type                  string            `json:"type"`
	WebhookID             string            `json:"webhook_id"`
	WebhookConversationID string            `json:"webhook_conversation_id"`
	EventPayload          string            `json:"event_payload"`
	HTTPHeaders           map[string]string `json:"http_headers"`
	Endpoint              endpoint          `json:"endpoint"`
}

// endpoint tells the CLI which API version the payload is rendered in: nil
// for the account's default, a version for the latest.
type endpoint struct {
	APIVersion *string `json:"api_version"`
}

// messages renders an event as sent to the CLI, signed with secret at t.
// The CLI forwards the copy at the default version and drops the other,
// unless run with --latest, when it does the opposite; both are sent, one
// event rendered once here, so that either way it arrives once. The
// default copy goes last: an event counts as sent once it is written, so
// a connection lost between the two resends the event, and only a
// --latest CLI can see its copy twice.
func messages(payload []byte, secret string, t time.Time) ([][]byte, error) {
	var head struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(payload, &head); err != nil {
		return nil, fmt.Errorf("decode event: %w", err)
	}
	headers := map[string]string{
		"Content-Type":     webhook.ContentType,
		"User-Agent":       webhook.UserAgent,
		"Stripe-Signature": webhook.Signature(secret, t, payload),
	}
	latest := issuing.APIVersion
	out := make([][]byte, 0, 2)
	for _, version := range []*string{&latest, nil} {
		b, err := json.Marshal(webhookEvent{
			Type:                  "webhook_event",
			WebhookID:             issuing.NewID("wh"),
			WebhookConversationID: conversation(head.ID, head.Type, func() string { return issuing.NewID("whc") }),
			EventPayload:          string(payload),
			HTTPHeaders:           headers,
			Endpoint:              endpoint{APIVersion: version},
		})
		if err != nil {
			return nil, fmt.Errorf("encode webhook_event: %w", err)
		}
		out = append(out, b)
	}
	return out, nil
}

// stream sends the events of one session, oldest first, on one connection.
type stream struct {
	store      store.Store
	session    string // its id
	account    string
	secret     string
	connection string // the id of this connection, see Session.Connection
	cursor     string // the last event sent, see Session.Cursor
	poll       time.Duration
	// send writes one message to the connection.
	send func(ctx context.Context, msg []byte) error
	// beaten is when the presence was last renewed.
	beaten time.Time
}

// newStream returns the stream of s on connection.
func newStream(st store.Store, s *Session, connection string, poll time.Duration, send func(context.Context, []byte) error) *stream {
	return &stream{store: st, session: s.ID, account: s.Account, secret: s.Secret, connection: connection,
		cursor: s.Cursor, poll: poll, send: send}
}

// run sends what is new every poll interval until ctx ends (it then
// returns nil) or sending fails. Reading the store, rather than being told
// of new events in memory, is what lets one connection carry the events of
// every process sharing the database.
func (s *stream) run(ctx context.Context) error {
	t := time.NewTicker(s.poll)
	defer t.Stop()
	for {
		if err := s.heartbeat(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if err := s.flush(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// flush sends every event newer than the cursor and records the new
// cursor after each batch.
func (s *stream) flush(ctx context.Context) error {
	for {
		// A long catch-up must not let the presence lapse.
		if err := s.heartbeat(ctx); err != nil {
			return err
		}
		objs, more, err := newer(ctx, s.store, s.account, s.cursor)
		if err != nil || len(objs) == 0 {
			return err
		}
		// Another process may have taken the session over since the last
		// batch; it sends these itself.
		who, err := owner(ctx, s.store, s.session)
		if err != nil {
			return err
		}
		if who != s.connection {
			return ErrReplaced
		}
		sent, sendErr := s.cursor, error(nil)
		for _, obj := range objs {
			if sendErr = s.sendEvent(ctx, obj.Data); sendErr != nil {
				break
			}
			sent = obj.ID
		}
		if sent != s.cursor {
			// Recorded even when ctx has ended, so that the next
			// connection does not send again what this one did.
			if err := advance(context.WithoutCancel(ctx), s.store, s.session, s.connection, sent); err != nil {
				return err
			}
			s.cursor = sent
		}
		if sendErr != nil || !more {
			return sendErr
		}
	}
}

// heartbeat renews the presence that tells real-time authorizations a CLI
// is listening, when it is due; wall clock, since it is about this
// process.
func (s *stream) heartbeat(ctx context.Context) error {
	now := time.Now()
	if now.Sub(s.beaten) < heartbeat {
		return nil
	}
	if err := beat(ctx, s.store, s.account, s.session, now); err != nil {
		return err
	}
	s.beaten = now
	return nil
}

func (s *stream) sendEvent(ctx context.Context, payload []byte) error {
	// Signed at the moment it leaves, with the wall clock, as webhook
	// deliveries are: receivers check the time against their own clock.
	msgs, err := messages(payload, s.secret, time.Now())
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := s.send(ctx, m); err != nil {
			return fmt.Errorf("%w: %w", errSend, err)
		}
	}
	return nil
}

// newer returns, oldest first, up to batchSize events of the account newer
// than the event cursor, and whether there are more. With no cursor every
// event is newer, and all are returned.
func newer(ctx context.Context, st store.Store, account, cursor string) ([]store.Object, bool, error) {
	var objs []store.Object
	more := false
	err := st.View(ctx, func(rd store.Reader) error {
		objs, more = nil, false // a View may run this again
		q := store.Query{Account: account, Kind: event.Kind, Limit: batchSize}
		if cursor != "" {
			// Lists are in commit order within an account, so paging
			// towards newer events never steps over one that commits
			// after this read.
			q.EndingBefore = cursor
			page, err := rd.List(ctx, q)
			if errors.Is(err, store.ErrCursorNotFound) {
				return errCursorGone
			}
			if err != nil {
				return fmt.Errorf("list events newer than %s: %w", cursor, err)
			}
			objs, more = page.Objects, page.HasMore
			return nil
		}
		// Only a session that began before its account's first event gets
		// here, once: the walk is as long as what happened since.
		for {
			page, err := rd.List(ctx, q)
			if err != nil {
				return fmt.Errorf("list events: %w", err)
			}
			objs = append(objs, page.Objects...)
			if !page.HasMore || len(page.Objects) == 0 {
				return nil
			}
			q.StartingAfter = page.Objects[len(page.Objects)-1].ID
		}
	})
	if err != nil {
		return nil, false, err
	}
	slices.Reverse(objs)
	return objs, more, nil
}
