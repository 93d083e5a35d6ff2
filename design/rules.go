package design

import (
	"slices"
	"strings"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/physicalbundle"
)

// reviewAction is a test helper that plays Stripe's review of a design: the
// status it sets, the statuses it may start from, and the event that says
// so.
type reviewAction struct {
	to    string
	from  []string
	event string
}

// reviewActions are the review test helpers. Stripe does not say which
// statuses each may start from; this table is the one place that decides.
// A rejected design stays rejected: a new design is the way forward.
var reviewActions = map[string]reviewAction{
	"activate":   {to: StatusActive, from: []string{StatusReview, StatusInactive}, event: "issuing_personalization_design.activated"},
	"deactivate": {to: StatusInactive, from: []string{StatusActive, StatusReview}, event: "issuing_personalization_design.deactivated"},
	"reject":     {to: StatusRejected, from: []string{StatusReview, StatusActive}, event: "issuing_personalization_design.rejected"},
}

// checkReview tells whether the review action may apply to a design in
// status from, and why not when it may not.
func checkReview(id, action, from string) error {
	rule := reviewActions[action]
	if slices.Contains(rule.from, from) {
		return nil
	}
	why := "it can only be " + pastTense[action] + " from " + strings.Join(rule.from, " or ")
	switch {
	case from == rule.to:
		why = "it is " + from + " already"
	case from == StatusRejected:
		why = "rejected is final; create a new design instead"
	}
	return issuing.Invalid("", "Cannot %s personalization design %s: its status is %s, and %s.", action, id, from, why)
}

var pastTense = map[string]string{"activate": "activated", "deactivate": "deactivated", "reject": "rejected"}

// cardStatuses are the design statuses cards may be created or updated
// with: a design in review still prints once activated, while inactive and
// rejected designs print nothing.
var cardStatuses = []string{StatusReview, StatusActive}

// checkForCards tells whether cards may use a design in status.
func checkForCards(id, status, param string) error {
	if slices.Contains(cardStatuses, status) {
		return nil
	}
	return issuing.Invalid(param, "Personalization design %s is %s: cards can only use a design that is in review or active.", id, status)
}

// checkBundle enforces what a physical bundle asks of the designs on it:
// it must be active, and a feature it requires must be there and one it
// does not support must not.
func checkBundle(b *physicalbundle.Bundle, d *Design) error {
	if b.Status != physicalbundle.StatusActive {
		return issuing.Invalid("physical_bundle", "Physical bundle %s is %s: designs can only use an active physical bundle.", b.ID, b.Status)
	}
	features := []struct {
		param, level string
		present      bool
	}{
		{"card_logo", b.Features.CardLogo, d.CardLogo != nil},
		{"carrier_text", b.Features.CarrierText, !d.CarrierText.empty()},
	}
	for _, f := range features {
		switch {
		case f.level == physicalbundle.Required && !f.present:
			return issuing.InvalidCode("parameter_missing", f.param, "Physical bundle %s requires a %s: set %s.", b.ID, f.param, f.param)
		case f.level == physicalbundle.Unsupported && f.present:
			return issuing.Invalid(f.param, "Physical bundle %s does not support a %s: remove %s or choose another bundle.", b.ID, f.param, f.param)
		}
	}
	return nil
}

// checkRejectionReasons insists on at least one reason: a rejection with
// none tells the user nothing to fix.
func checkRejectionReasons(r RejectionReasons) error {
	if len(r.CardLogo) == 0 && len(r.CarrierText) == 0 {
		return issuing.InvalidCode("parameter_missing", "rejection_reasons",
			"Give at least one reason: rejection_reasons[card_logo][] or rejection_reasons[carrier_text][].")
	}
	return nil
}
