package event

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Stored kind and wording of webhook endpoints.
const (
	EndpointKind = "webhook_endpoint"
	EndpointNoun = "webhook endpoint"
)

// maxEndpoints is Stripe's limit of webhook endpoints per account (and
// mode; here every mode is its own account). It also keeps recording an
// event cheap: its subscribers are one page of one list.
const maxEndpoints = 16

// Endpoint is Stripe's webhook_endpoint object: a URL that is sent the
// events of the types it enables, signed with its secret.
type Endpoint struct {
	ID string `json:"id"`
	// Object is "webhook_endpoint".
	Object string `json:"object"`
	// APIVersion is kept as given. Events are rendered at the one version
	// this server implements whatever it says.
	APIVersion    *string          `json:"api_version"`
	Application   *string          `json:"application"`
	Created       int64            `json:"created"`
	Description   *string          `json:"description"`
	EnabledEvents []string         `json:"enabled_events"`
	Livemode      bool             `json:"livemode"`
	Metadata      issuing.Metadata `json:"metadata"`
	// Secret signs deliveries. It is stored, since every delivery needs it,
	// but shown only in the response that creates the endpoint.
	Secret string `json:"secret,omitempty"`
	Status string `json:"status"` // "enabled" or "disabled"
	URL    string `json:"url"`
}

// Wants tells whether the endpoint is to be sent an event of type typ now.
func (e *Endpoint) Wants(typ string) bool {
	return wants(e.Status, e.EnabledEvents, typ)
}

// wants is Wants on an endpoint's status and enabled events.
func wants(status string, enabled []string, typ string) bool {
	return status == "enabled" && (slices.Contains(enabled, "*") || slices.Contains(enabled, typ))
}

// EndpointParams are the create and update parameters. The OpenAPI
// document keeps each operation to its own (no disabled on create, no
// connect or api_version on update).
type EndpointParams struct {
	URL           *string   `json:"url"`
	EnabledEvents *[]string `json:"enabled_events"`
	APIVersion    *string   `json:"api_version"`
	Connect       *bool     `json:"connect"`
	Description   *string   `json:"description"`
	Disabled      *bool     `json:"disabled"`
	Metadata      any       `json:"metadata"`
}

// DeletedEndpoint is what deleting an endpoint returns.
type DeletedEndpoint struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Deleted bool   `json:"deleted"`
}

// CreateEndpoint adds an endpoint to the account. The result carries the
// secret, which no later response shows.
func CreateEndpoint(ctx context.Context, tx store.Tx, acct issuing.Account, now int64, p EndpointParams) (*Endpoint, error) {
	if p.Connect != nil && *p.Connect {
		return nil, issuing.Invalid("connect", "Connect webhook endpoints are not supported: localissuing has no connected accounts.")
	}
	page, err := tx.List(ctx, store.Query{Account: acct.ID, Kind: EndpointKind, Limit: maxEndpoints})
	if err != nil {
		return nil, fmt.Errorf("count webhook endpoints: %w", err)
	}
	if len(page.Objects) >= maxEndpoints {
		mode := map[bool]string{false: "test", true: "live"}[acct.Livemode]
		return nil, issuing.Invalid("url", "You have reached the maximum of %d %s webhook endpoints.", maxEndpoints, mode)
	}
	e := &Endpoint{
		ID:         issuing.NewID("we"),
		Object:     EndpointKind,
		APIVersion: p.APIVersion,
		Created:    now,
		Livemode:   acct.Livemode,
		Metadata:   issuing.Metadata{},
		Secret:     newSecret(),
		Status:     "enabled",
	}
	if err := e.apply(p); err != nil {
		return nil, err
	}
	if err := saveEndpoint(ctx, tx, acct.ID, e, true); err != nil {
		return nil, err
	}
	return e, nil
}

// UpdateEndpoint changes an endpoint; the result has no secret.
func UpdateEndpoint(ctx context.Context, tx store.Tx, acct issuing.Account, id string, p EndpointParams) (*Endpoint, error) {
	e, err := endpointForUpdate(ctx, tx, acct.ID, id)
	if err != nil {
		return nil, err
	}
	if err := e.apply(p); err != nil {
		return nil, err
	}
	if err := saveEndpoint(ctx, tx, acct.ID, e, false); err != nil {
		return nil, err
	}
	return e.View(), nil
}

// DeleteEndpoint removes an endpoint. Deliveries still owed to it are
// dropped when their turn comes.
func DeleteEndpoint(ctx context.Context, tx store.Tx, acct issuing.Account, id string) (*DeletedEndpoint, error) {
	err := tx.Delete(ctx, acct.ID, EndpointKind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, issuing.NotFound(EndpointNoun, id, "webhook_endpoint")
	}
	if err != nil {
		return nil, fmt.Errorf("delete webhook endpoint %s: %w", id, err)
	}
	return &DeletedEndpoint{ID: id, Object: EndpointKind, Deleted: true}, nil
}

// DecodeEndpoint reads a stored endpoint, secret included.
func DecodeEndpoint(obj store.Object) (*Endpoint, error) {
	var e Endpoint
	if err := json.Unmarshal(obj.Data, &e); err != nil {
		return nil, fmt.Errorf("decode webhook endpoint %s: %w", obj.ID, err)
	}
	return &e, nil
}

// View returns the endpoint as retrieve, update and list show it: without
// its secret.
func (e *Endpoint) View() *Endpoint {
	v := *e
	v.Secret = ""
	return &v
}

func (e *Endpoint) apply(p EndpointParams) error {
	if p.URL != nil {
		if err := checkURL(*p.URL); err != nil {
			return err
		}
		e.URL = *p.URL
	}
	if p.EnabledEvents != nil {
		if len(*p.EnabledEvents) == 0 {
			return issuing.Invalid("enabled_events", "enabled_events must list at least one event type, or * for all of them.")
		}
		e.EnabledEvents = unique(*p.EnabledEvents)
	}
	if p.Description != nil {
		e.Description = p.Description
		if *p.Description == "" {
			e.Description = nil
		}
	}
	if p.Disabled != nil {
		e.Status = map[bool]string{false: "enabled", true: "disabled"}[*p.Disabled]
	}
	md, err := issuing.MergeMetadata(e.Metadata, p.Metadata)
	if err != nil {
		return err
	}
	e.Metadata = md
	return nil
}

// checkURL accepts absolute http and https URLs. Stripe wants https and a
// public host in live mode; a local server delivers to local receivers,
// so plain http and loopback hosts are fine in both modes.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return issuing.Invalid("url", "Invalid URL: %s. The URL must be absolute and start with http:// or https://.", raw)
	}
	return nil
}

// unique returns types without repeats, in their first order.
func unique(types []string) []string {
	out := make([]string, 0, len(types))
	for _, t := range types {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func newSecret() string { return "whsec_" + issuing.RandomString(32) }

func endpointForUpdate(ctx context.Context, tx store.Tx, account, id string) (*Endpoint, error) {
	obj, err := tx.GetForUpdate(ctx, account, EndpointKind, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, issuing.NotFound(EndpointNoun, id, "webhook_endpoint")
	}
	if err != nil {
		return nil, fmt.Errorf("load webhook endpoint %s: %w", id, err)
	}
	return DecodeEndpoint(obj)
}

func saveEndpoint(ctx context.Context, tx store.Tx, account string, e *Endpoint, insert bool) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode webhook endpoint %s: %w", e.ID, err)
	}
	obj := store.Object{Account: account, Kind: EndpointKind, ID: e.ID, Created: e.Created, Data: data}
	if insert {
		err = tx.Insert(ctx, &obj)
	} else {
		err = tx.Replace(ctx, obj)
	}
	if err != nil {
		return fmt.Errorf("store webhook endpoint %s: %w", e.ID, err)
	}
	return nil
}
