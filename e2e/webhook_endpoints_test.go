package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v85"
)

func TestWebhookEndpointLifecycleWithSDK(t *testing.T) {
	e := newEnv(t)
	sc := e.sdk(e.Key)
	ctx := context.Background()

	created, err := sc.V1WebhookEndpoints.Create(ctx, &stripe.WebhookEndpointCreateParams{
		URL:           stripe.String("https://example.test/hooks?x=1"),
		EnabledEvents: stripe.StringSlice([]string{"issuing_card.created", "issuing_card.updated", "issuing_card.created"}),
		Description:   stripe.String("card events"),
		APIVersion:    stripe.String("2026-08-26.dahlia"),
		Metadata:      map[string]string{"team": "cards"},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(created.ID, "we_") || !strings.HasPrefix(created.Secret, "whsec_") || created.Status != "enabled" ||
		created.URL != "https://example.test/hooks?x=1" || created.Description != "card events" || created.Livemode ||
		created.APIVersion != "2026-08-26.dahlia" || created.Metadata["team"] != "cards" ||
		strings.Join(created.EnabledEvents, ",") != "issuing_card.created,issuing_card.updated" {
		t.Fatalf("created %+v", created)
	}

	// The secret is shown once.
	got, err := sc.V1WebhookEndpoints.Retrieve(ctx, created.ID, nil)
	if err != nil || got.Secret != "" || got.URL != created.URL {
		t.Fatalf("retrieve: %v %+v", err, got)
	}

	up, err := sc.V1WebhookEndpoints.Update(ctx, created.ID, &stripe.WebhookEndpointUpdateParams{
		Disabled:      stripe.Bool(true),
		Description:   stripe.String(""),
		EnabledEvents: stripe.StringSlice([]string{"*"}),
		URL:           stripe.String("http://127.0.0.1:9/hook"),
		Metadata:      map[string]string{"team": "", "owner": "jenny"},
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if up.Status != "disabled" || up.Description != "" || up.Secret != "" || up.URL != "http://127.0.0.1:9/hook" ||
		len(up.EnabledEvents) != 1 || up.EnabledEvents[0] != "*" || len(up.Metadata) != 1 || up.Metadata["owner"] != "jenny" {
		t.Errorf("updated %+v", up)
	}
	r := e.do("GET", "/v1/webhook_endpoints/"+created.ID, e.Key, "")
	if !strings.Contains(string(r.Body), `"description": null`) || strings.Contains(string(r.Body), "whsec_") {
		t.Errorf("retrieve after update: %s", r.Body)
	}
	if up, err = sc.V1WebhookEndpoints.Update(ctx, created.ID, &stripe.WebhookEndpointUpdateParams{Disabled: stripe.Bool(false)}); err != nil || up.Status != "enabled" {
		t.Errorf("enable: %v %+v", err, up)
	}

	// Lists page newest first; other accounts see nothing of them.
	var ids []string
	for i := range 4 {
		ids = append([]string{newEndpoint(t, e, e.Key, fmt.Sprintf("http://127.0.0.1:9/%d", i), "*").ID}, ids...)
	}
	ids = append(ids, created.ID)
	var listed []string
	for we, err := range sc.V1WebhookEndpoints.List(ctx, &stripe.WebhookEndpointListParams{
		ListParams: stripe.ListParams{Limit: stripe.Int64(2)}}).All(ctx) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		if we.Secret != "" {
			t.Errorf("list shows a secret")
		}
		listed = append(listed, we.ID)
	}
	if strings.Join(listed, ",") != strings.Join(ids, ",") {
		t.Errorf("listed %v, want %v", listed, ids)
	}
	other := e.sdk("sk_test_" + strings.Repeat("o", 24))
	_, err = other.V1WebhookEndpoints.Retrieve(ctx, created.ID, nil)
	assertStripeError(t, err, 404, "invalid_request_error", "id")
	_, err = other.V1WebhookEndpoints.Delete(ctx, created.ID, nil)
	assertStripeError(t, err, 404, "invalid_request_error", "webhook_endpoint")

	del, err := sc.V1WebhookEndpoints.Delete(ctx, created.ID, nil)
	if err != nil || !del.Deleted || del.ID != created.ID {
		t.Fatalf("delete: %v %+v", err, del)
	}
	r = e.do("DELETE", "/v1/webhook_endpoints/"+ids[0], e.Key, "")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"deleted": true`) || !strings.Contains(string(r.Body), `"object": "webhook_endpoint"`) {
		t.Errorf("raw delete: %d %s", r.Status, r.Body)
	}
	_, err = sc.V1WebhookEndpoints.Retrieve(ctx, created.ID, nil)
	assertStripeError(t, err, 404, "invalid_request_error", "id")
	_, err = sc.V1WebhookEndpoints.Delete(ctx, created.ID, nil)
	assertStripeError(t, err, 404, "invalid_request_error", "webhook_endpoint")
}

func TestWebhookEndpointRejects(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, form, param string
	}{
		{"no url", "enabled_events[]=*", "url"},
		{"no events", "url=http://127.0.0.1:9/", "enabled_events"},
		{"relative url", "url=/hooks&enabled_events[]=*", "url"},
		{"ftp url", "url=ftp://example.test/&enabled_events[]=*", "url"},
		{"connect", "url=http://127.0.0.1:9/&enabled_events[]=*&connect=true", "connect"},
		{"disabled on create", "url=http://127.0.0.1:9/&enabled_events[]=*&disabled=true", "disabled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/v1/webhook_endpoints", e.Key, tc.form)
			var se stripeErr
			decode(t, r.Body, &se)
			if r.Status != 400 || se.Error.Param != tc.param {
				t.Errorf("%d %s, want 400 about %s", r.Status, r.Body, tc.param)
			}
		})
	}
	// Stripe's limit of endpoints per account.
	for i := range 16 {
		newEndpoint(t, e, e.Key, fmt.Sprintf("http://127.0.0.1:9/%d", i), "*")
	}
	if r := e.do("POST", "/v1/webhook_endpoints", e.Key, "url=http://127.0.0.1:9/&enabled_events[]=*"); r.Status != 400 {
		t.Errorf("17th endpoint: %d %s", r.Status, r.Body)
	}
}
