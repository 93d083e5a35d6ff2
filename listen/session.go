// Package listen makes `stripe listen` work against localissuing, offline.
//
// Pointed at a local --api-base, the Stripe CLI first asks for a session
// (POST /v1/stripecli/sessions) and then opens the websocket that the
// answer names. The server pushes every event of the key's account recorded
// since the session began down that websocket, each signed with the
// session's secret, and the CLI forwards them to --forward-to; filtering by
// --events happens in the CLI.
//
// Sessions live in the store, and so does the last event sent on each
// (its cursor): events are read from the store rather than handed over in
// memory, so that a CLI connected to one process receives the events that
// every process sharing the database records, and a CLI that reconnects
// (it does so every ReconnectDelay seconds, and after a restart of the
// server) resumes where it left off, on whichever process it reaches.
//
// session.go holds the rules of sessions and their secrets, stream.go what
// is sent on a websocket, and hub.go the websocket endpoint itself.
package listen

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Stored kinds.
const (
	// SessionKind is the kind of sessions, one per `stripe listen` run.
	SessionKind = "stripecli_session"
	// DeviceKind is the kind of the per-device records that keep a
	// device's signing secret.
	DeviceKind = "stripecli_device"
)

// sessionsAccount is the account under which sessions are stored. The
// websocket names its session by id alone, without a key, so sessions
// cannot live in the accounts they serve; no API key hashes to this name,
// so no client can see them.
const sessionsAccount = "stripecli"

// The websocket features the CLI asks for in websocket_features[].
const (
	featureWebhooks    = "webhooks"     // events, what stripe listen is for
	featureV2Events    = "v2_events"    // thin events; localissuing has none
	featureRequestLogs = "request_logs" // stripe logs tail
)

// authorizedFeature is what the CLI is told the websocket serves; it
// passes it back in the websocket URL (?websocket_feature=…).
const authorizedFeature = "webhook-payloads"

// ReconnectDelay is the reconnect_delay of every session, in seconds: the
// CLI replaces its websocket connection this often, and resumes from the
// session's cursor each time.
const ReconnectDelay = 60

// idleExpiry is how long a session may go without a connection before a
// new session of the same device deletes it. The CLI reconnects every
// ReconnectDelay seconds, so a session that is in use never gets near it.
const idleExpiry = 24 * time.Hour

// expireBatch bounds the sessions one new session deletes.
const expireBatch = 100

// SessionParams are the form fields the CLI sends. The forwarding URLs are
// accepted and not used, since the CLI forwards by itself, and so are the
// filters, which are those of request logs.
type SessionParams struct {
	DeviceName              string   `json:"device_name"`
	WebsocketFeatures       []string `json:"websocket_features"`
	Filters                 string   `json:"filters"`
	ForwardToURL            string   `json:"forward_to_url"`
	ForwardConnectToURL     string   `json:"forward_connect_to_url"`
	ForwardThinToURL        string   `json:"forward_thin_to_url"`
	ForwardThinConnectToURL string   `json:"forward_thin_connect_to_url"`
}

// Grant is the answer to a session request: what the CLI reads to connect.
type Grant struct {
	WebsocketURL               string `json:"websocket_url"`
	WebsocketID                string `json:"websocket_id"`
	WebsocketAuthorizedFeature string `json:"websocket_authorized_feature"`
	Secret                     string `json:"secret"`
	ReconnectDelay             int    `json:"reconnect_delay"`
	// DisplayConnectFilterWarning would have the CLI warn that a Connect
	// filter does not apply; there are no Connect accounts here.
	DisplayConnectFilterWarning bool `json:"display_connect_filter_warning"`
	// DefaultVersion and LatestVersion are what the CLI prints as "You
	// are using Stripe API Version […]".
	DefaultVersion string `json:"default_version"`
	LatestVersion  string `json:"latest_version"`
}

// Session is a stored session.
type Session struct {
	ID       string `json:"id"` // the websocket id
	Account  string `json:"account"`
	Livemode bool   `json:"livemode"`
	Device   string `json:"device"` // the id of the device record
	Secret   string `json:"secret"`
	Created  int64  `json:"created"`
	// LastSeen is when a connection last began (Unix seconds).
	LastSeen int64 `json:"last_seen"`
	// Cursor is the id of the last event sent, or, before any was sent,
	// the account's newest event when the session began. It is empty when
	// the account had no event then: every event of the account is new.
	Cursor string `json:"cursor"`
	// Connection names the websocket connection streaming the session
	// now. A connection that finds another one here has been replaced
	// (by a reconnect that reached another process) and stops.
	Connection string `json:"connection"`
}

// device keeps one device's signing secret, so that every session of one
// key and device name signs with the same secret and `stripe listen
// --print-secret` prints the one that `stripe listen` will use.
type device struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Secret string `json:"secret"`
}

// ErrUnknownSession means no session has the websocket id. The CLI asks
// for a new session when it is told so.
var ErrUnknownSession = errors.New("listen: unknown websocket id")

// ErrReplaced means another connection took the session over.
var ErrReplaced = errors.New("listen: the session is streamed by another connection")

// CreateSession starts a session for the account: its events recorded from
// now on are to be sent on the websocket at websocketURL.
func CreateSession(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, websocketURL string, p SessionParams) (*Grant, error) {
	if err := checkFeatures(p.WebsocketFeatures); err != nil {
		return nil, err
	}
	dev, err := deviceFor(ctx, tx, acct, now, p.DeviceName)
	if err != nil {
		return nil, err
	}
	if err := expireIdle(ctx, tx, dev.ID, now); err != nil {
		return nil, err
	}
	cursor, err := newestEvent(ctx, tx, acct.ID)
	if err != nil {
		return nil, err
	}
	s := &Session{
		ID:       issuing.NewID("cliws"),
		Account:  acct.ID,
		Livemode: acct.Livemode,
		Device:   dev.ID,
		Secret:   dev.Secret,
		Created:  now.Unix(),
		LastSeen: now.Unix(),
		Cursor:   cursor,
	}
	if err := saveSession(ctx, tx, s, true); err != nil {
		return nil, err
	}
	return &Grant{
		WebsocketURL:               websocketURL,
		WebsocketID:                s.ID,
		WebsocketAuthorizedFeature: authorizedFeature,
		Secret:                     s.Secret,
		ReconnectDelay:             ReconnectDelay,
		DefaultVersion:             issuing.APIVersion,
		LatestVersion:              issuing.APIVersion,
	}, nil
}

// checkFeatures accepts sessions that carry events. Thin (v2) events alone
// would never carry anything, and request logs are not recorded: both are
// refused, saying so, rather than left to wait in silence.
func checkFeatures(features []string) error {
	switch {
	case slices.Contains(features, featureRequestLogs):
		return issuing.Invalid("websocket_features", "localissuing does not stream request logs, so `stripe logs tail` "+
			"is not available; every change is recorded as an event instead: use `stripe listen`, or list GET /v1/events.")
	case len(features) > 0 && !slices.Contains(features, featureWebhooks):
		return issuing.Invalid("websocket_features", "localissuing records snapshot events only and has no thin (v2) events "+
			"to send: listen without --all-thin.")
	}
	return nil
}

// deviceFor returns the device record of the account and device name,
// creating it with a new secret the first time.
func deviceFor(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, name string) (*device, error) {
	id := deviceID(acct.ID, name)
	obj, err := tx.Get(ctx, acct.ID, DeviceKind, id)
	if err == nil {
		var d device
		if err := json.Unmarshal(obj.Data, &d); err != nil {
			return nil, fmt.Errorf("decode stripe cli device %s: %w", id, err)
		}
		return &d, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("load stripe cli device %s: %w", id, err)
	}
	d := &device{ID: id, Name: name, Secret: "whsec_" + issuing.RandomString(32)}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode stripe cli device %s: %w", id, err)
	}
	err = tx.Insert(ctx, &store.Object{Account: acct.ID, Kind: DeviceKind, ID: id, Created: now.Unix(), Data: data})
	if errors.Is(err, store.ErrDuplicate) {
		// Two first sessions of one device raced; the other one made the
		// record. The CLI retries a failed session request at once.
		return nil, &issuing.Error{Kind: issuing.KindConflict, Message: "Another session of this device is being " +
			"created at the same moment; try again."}
	}
	if err != nil {
		return nil, fmt.Errorf("store stripe cli device %s: %w", id, err)
	}
	return d, nil
}

// deviceID derives the id of a device record: ids are unique across the
// whole store, so the account is part of it, and device names can hold
// any character, so both are hashed.
func deviceID(account, name string) string {
	sum := sha256.Sum256([]byte(account + "\x00" + name))
	return "clidev_" + hex.EncodeToString(sum[:16])
}

// expireIdle deletes the device's sessions that no connection has used for
// idleExpiry, so that repeated runs of the CLI do not pile sessions up.
func expireIdle(ctx context.Context, tx store.Tx, deviceID string, now time.Time) error {
	cutoff := now.Add(-idleExpiry).Unix()
	page, err := tx.List(ctx, store.Query{Account: sessionsAccount, Kind: SessionKind, Parent: deviceID, Limit: expireBatch,
		Equal: []store.Field{{Name: "last_seen", Value: store.Range{Lt: &cutoff}}}})
	if err != nil {
		return fmt.Errorf("list idle stripe cli sessions: %w", err)
	}
	for _, obj := range page.Objects {
		if err := tx.Delete(ctx, sessionsAccount, SessionKind, obj.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("delete idle stripe cli session %s: %w", obj.ID, err)
		}
	}
	return nil
}

// newestEvent returns the id of the account's newest event, or "" if it has
// none.
func newestEvent(ctx context.Context, rd store.Reader, account string) (string, error) {
	page, err := rd.List(ctx, store.Query{Account: account, Kind: event.Kind, Limit: 1})
	if err != nil {
		return "", fmt.Errorf("find the newest event: %w", err)
	}
	if len(page.Objects) == 0 {
		return "", nil
	}
	return page.Objects[0].ID, nil
}

// Connect makes connection the one that streams the session and returns
// the session as it stands, cursor included. A connection streaming it
// elsewhere stops at its next event.
func Connect(ctx context.Context, st store.Store, id, connection string, now time.Time) (*Session, error) {
	var s *Session
	err := st.Update(ctx, func(tx store.Tx) error {
		var err error
		if s, err = loadSession(ctx, tx, id, true); err != nil {
			return err
		}
		s.Connection, s.LastSeen = connection, now.Unix()
		return saveSession(ctx, tx, s, false)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Lookup returns the session with the websocket id, or ErrUnknownSession.
func Lookup(ctx context.Context, st store.Store, id string) (*Session, error) {
	var s *Session
	err := st.View(ctx, func(rd store.Reader) error {
		var err error
		s, err = loadSession(ctx, rd, id, false)
		return err
	})
	return s, err
}

// advance records that events up to cursor were sent by connection. It
// returns ErrReplaced when another connection has taken the session over,
// and ErrUnknownSession when the session expired meanwhile.
func advance(ctx context.Context, st store.Store, id, connection, cursor string) error {
	return st.Update(ctx, func(tx store.Tx) error {
		s, err := loadSession(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if s.Connection != connection {
			return ErrReplaced
		}
		s.Cursor = cursor
		return saveSession(ctx, tx, s, false)
	})
}

// owner returns the connection that streams the session now.
func owner(ctx context.Context, st store.Store, id string) (string, error) {
	s, err := Lookup(ctx, st, id)
	if err != nil {
		return "", err
	}
	return s.Connection, nil
}

func loadSession(ctx context.Context, rd store.Reader, id string, forUpdate bool) (*Session, error) {
	var obj store.Object
	var err error
	if tx, ok := rd.(store.Tx); ok && forUpdate {
		obj, err = tx.GetForUpdate(ctx, sessionsAccount, SessionKind, id)
	} else {
		obj, err = rd.Get(ctx, sessionsAccount, SessionKind, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrUnknownSession
	}
	if err != nil {
		return nil, fmt.Errorf("load stripe cli session %s: %w", id, err)
	}
	var s Session
	if err := json.Unmarshal(obj.Data, &s); err != nil {
		return nil, fmt.Errorf("decode stripe cli session %s: %w", id, err)
	}
	return &s, nil
}

func saveSession(ctx context.Context, tx store.Tx, s *Session, insert bool) error {
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode stripe cli session %s: %w", s.ID, err)
	}
	obj := store.Object{Account: sessionsAccount, Kind: SessionKind, ID: s.ID, Created: s.Created, Parent: s.Device, Data: data}
	if insert {
		err = tx.Insert(ctx, &obj)
	} else {
		err = tx.Replace(ctx, obj)
	}
	if err != nil {
		return fmt.Errorf("store stripe cli session %s: %w", s.ID, err)
	}
	return nil
}
