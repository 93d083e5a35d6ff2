package realtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"

	"github.com/localissuing/localissuing/authorization"
	"github.com/localissuing/localissuing/issuing"
)

// apiVersion is the shape of a Stripe-Version value, e.g.
// 2026-08-26.dahlia.
var apiVersion = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$`)

// read turns a reply into an answer. decided is false when the reply is
// an acknowledgement without a decision (the deprecated flow, where the
// decision comes through the approve and decline calls): the answer is
// then the fallback to apply should none come.
//
// A decision is read as Stripe documents it: a 200 with a Stripe-Version
// header and a JSON body {"approved": bool, "amount": int, "metadata":
// {…}}. An answer that breaks the rules is a webhook_error, and the
// fallback decides, with reason_message saying what was wrong so that the
// endpoint's author can see it.
func (a *Asker) read(r reply, pending authorization.PendingRequest) (answer authorization.Answer, decided bool) {
	switch {
	case r.timedOut:
		return a.fallbackAnswer(authorization.ReasonWebhookTimeout, r.failure), true
	case r.failure != "":
		return a.fallbackAnswer(authorization.ReasonWebhookError, r.failure), true
	case r.status < 200 || r.status > 299:
		return a.fallbackAnswer(authorization.ReasonWebhookError, fmt.Sprintf(
			"The endpoint answered %d %s instead of 200 with a decision.", r.status, http.StatusText(r.status))), true
	}
	var body map[string]json.RawMessage
	isJSON := json.Unmarshal(r.body, &body) == nil
	_, hasDecision := body["approved"]
	if r.version == "" {
		why := "The endpoint responded without a decision"
		if hasDecision {
			why = "The endpoint's response had a decision in its body but no Stripe-Version header, without which " +
				"the body is not read"
		}
		return a.fallbackAnswer(authorization.ReasonWebhookTimeout, fmt.Sprintf(
			"%s, and the authorization was not approved or declined through the API within %s.", why, a.timeout)), false
	}
	if !apiVersion.MatchString(r.version) {
		return a.fallbackAnswer(authorization.ReasonWebhookError, fmt.Sprintf(
			"The response's Stripe-Version header %q is not an API version such as %s.", r.version, issuing.APIVersion)), true
	}
	if !isJSON {
		return a.fallbackAnswer(authorization.ReasonWebhookError,
			"The response body is not a JSON object; the decision is {\"approved\": true} or {\"approved\": false}."), true
	}
	d, problem := decision(body, pending)
	if problem != "" {
		return a.fallbackAnswer(authorization.ReasonWebhookError, problem), true
	}
	return d, true
}

// decision reads the fields of a JSON answer; problem says what is wrong
// with it, if anything.
func decision(body map[string]json.RawMessage, pending authorization.PendingRequest) (d authorization.Answer, problem string) {
	raw, ok := body["approved"]
	if !ok {
		return d, "The response body has no \"approved\" field; the decision is {\"approved\": true} or {\"approved\": false}."
	}
	if err := json.Unmarshal(raw, &d.Approved); err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return d, fmt.Sprintf("\"approved\" must be true or false, not %s.", raw)
	}
	d.Reason = authorization.ReasonWebhookDeclined
	if d.Approved {
		d.Reason = authorization.ReasonWebhookApproved
	}
	if raw, ok := body["amount"]; ok && d.Approved && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		var amount int64
		switch {
		case json.Unmarshal(raw, &amount) != nil:
			return d, fmt.Sprintf("\"amount\" must be an integer in the smallest currency unit, not %s.", raw)
		case !pending.IsAmountControllable:
			return d, "\"amount\" was given, but the pending request's is_amount_controllable is false: approve it without an amount."
		case amount <= 0:
			return d, fmt.Sprintf("\"amount\" must be positive (got %d); decline the request instead.", amount)
		case amount > pending.Amount:
			return d, fmt.Sprintf("\"amount\" %d is more than the %d requested.", amount, pending.Amount)
		}
		d.Amount = &amount
	}
	if raw, ok := body["metadata"]; ok {
		var md any
		if err := json.Unmarshal(raw, &md); err != nil {
			return d, fmt.Sprintf("\"metadata\" is not valid: %v.", err)
		}
		if _, err := issuing.MergeMetadata(nil, md); err != nil {
			return d, fmt.Sprintf("\"metadata\" is not valid: %v", err)
		}
		d.Metadata = md
	}
	return d, ""
}

// fallbackAnswer is the account's default decision for a request the
// endpoint did not answer usably, with why.
func (a *Asker) fallbackAnswer(reason, why string) authorization.Answer {
	verb := "declined"
	if a.fallback {
		verb = "approved"
	}
	return authorization.Answer{Approved: a.fallback, Reason: reason,
		Message: why + " The account's default for unanswered requests " + verb + " it."}
}
