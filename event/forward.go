package event

import (
	"context"
	"errors"
	"fmt"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// forwardID is the id of the endpoint that --forward-to configures. It is
// fixed so that every start of the server finds the same endpoint, and
// with it the same secret, in the same database.
const forwardID = "we_localissuing_forward_to"

// Forward subscribes url to every event of every account, in both modes,
// and returns the secret that signs what it is sent. The endpoint is kept
// in the store: a later Forward on the same database keeps its secret,
// whatever the URL. An empty url disables the endpoint, so that a server
// started without --forward-to sends nothing to where an earlier one did.
func Forward(ctx context.Context, st store.Store, now int64, url string) (string, error) {
	if url != "" {
		if err := checkURL(url); err != nil {
			return "", fmt.Errorf("forward-to: %w", err)
		}
	}
	var secret string
	update := func(tx store.Tx) error {
		obj, err := tx.GetForUpdate(ctx, allAccounts, EndpointKind, forwardID)
		if errors.Is(err, store.ErrNotFound) {
			if url == "" {
				return nil
			}
			e := &Endpoint{ID: forwardID, Object: EndpointKind, Created: now, EnabledEvents: []string{"*"},
				Metadata: issuing.Metadata{}, Secret: newSecret(), Status: "enabled", URL: url}
			secret = e.Secret
			return saveEndpoint(ctx, tx, allAccounts, e, true)
		}
		if err != nil {
			return fmt.Errorf("load forward endpoint: %w", err)
		}
		e, err := DecodeEndpoint(obj)
		if err != nil {
			return err
		}
		e.Status = "enabled"
		if url == "" {
			e.Status = "disabled"
		} else {
			e.URL = url
		}
		secret = e.Secret
		return saveEndpoint(ctx, tx, allAccounts, e, false)
	}
	err := st.Update(ctx, update)
	if errors.Is(err, store.ErrDuplicate) {
		// Another process sharing the database created the endpoint at the
		// same moment: take the one it made.
		err = st.Update(ctx, update)
	}
	if err != nil {
		return "", fmt.Errorf("forward-to: %w", err)
	}
	if url == "" {
		return "", nil
	}
	return secret, nil
}
