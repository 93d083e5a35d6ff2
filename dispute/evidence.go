package dispute

import (
	"maps"

	"github.com/localissuing/localissuing/issuing"
)

// DefaultReason is the reason of a dispute created without one.
const DefaultReason = "other"

// evidenceFields lists, for each dispute reason, the evidence the object
// shows for it (TestEvidenceFieldsMatchSpec checks them against the OpenAPI
// document).
var evidenceFields = map[string][]string{
	"canceled": {"additional_documentation", "canceled_at", "cancellation_policy_provided", "cancellation_reason",
		"expected_at", "explanation", "product_description", "product_type", "return_status", "returned_at"},
	"duplicate": {"additional_documentation", "card_statement", "cash_receipt", "check_image", "explanation",
		"original_transaction"},
	"fraudulent": {"additional_documentation", "explanation"},
	"merchandise_not_as_described": {"additional_documentation", "explanation", "received_at", "return_description",
		"return_status", "returned_at"},
	"no_valid_authorization":   {"additional_documentation", "explanation"},
	"not_received":             {"additional_documentation", "expected_at", "explanation", "product_description", "product_type"},
	"other":                    {"additional_documentation", "explanation", "product_description", "product_type"},
	"service_not_as_described": {"additional_documentation", "canceled_at", "cancellation_reason", "explanation", "received_at"},
}

// evidence is a dispute's evidence as given: the reason, and for each
// reason that evidence was given for, the fields that have a value.
type evidence struct {
	Reason string                    `json:"reason"`
	Given  map[string]map[string]any `json:"given"`
}

// merge applies a validated evidence parameter: reason replaces the
// reason, a hash sets the fields it names, "" in place of a field unsets
// it, and "" in place of a reason's hash drops all of that reason's
// evidence. The schema has already checked every name and type.
func (e *evidence) merge(param map[string]any) {
	given := make(map[string]map[string]any, len(e.Given))
	for reason, fields := range e.Given {
		given[reason] = maps.Clone(fields)
	}
	for key, v := range param {
		if key == "reason" {
			e.Reason, _ = v.(string)
			continue
		}
		fields, isHash := v.(map[string]any)
		if !isHash {
			delete(given, key)
			continue
		}
		if given[key] == nil {
			given[key] = map[string]any{}
		}
		for name, value := range fields {
			if s, ok := value.(string); ok && s == "" {
				delete(given[key], name)
				continue
			}
			given[key][name] = value
		}
	}
	e.Given = given
}

// render shows the evidence as the object does: the reason, and a hash for
// the current reason and for every other reason evidence was given for,
// each with every field of that reason, null where nothing was given.
func (e evidence) render() map[string]any {
	out := map[string]any{"reason": e.Reason}
	for reason, fields := range evidenceFields {
		given, ok := e.Given[reason]
		if !ok && reason != e.Reason {
			continue
		}
		hash := make(map[string]any, len(fields))
		for _, f := range fields {
			hash[f] = given[f] // nil, rendered null, when not given
		}
		out[reason] = hash
	}
	return out
}

// checkSubmittable is the minimum a network needs to hear a dispute: some
// evidence for its reason.
func (e evidence) checkSubmittable() error {
	if len(e.Given[e.Reason]) == 0 {
		return issuing.Invalid("evidence["+e.Reason+"]", "To submit a dispute for reason %s, first give at least one piece of "+
			"evidence[%s] (an explanation, for example).", e.Reason, e.Reason)
	}
	return nil
}
