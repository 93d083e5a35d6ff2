package issuing

import (
	"errors"
	"fmt"
)

// Kind classifies an Error; the HTTP layer turns each kind into a status code.
type Kind int

// The kinds of failure a caller can be told about.
const (
	KindInvalid     Kind = iota + 1 // 400 invalid_request_error
	KindNotFound                    // 404 invalid_request_error, code resource_missing
	KindAuth                        // 401 invalid_request_error
	KindForbidden                   // 403 invalid_request_error
	KindConflict                    // 409 invalid_request_error, e.g. idempotency_key_in_use
	KindIdempotency                 // 400 idempotency_error
	KindRateLimit                   // 429 invalid_request_error
	KindTooLarge                    // 413 invalid_request_error
	KindInternal                    // 500 api_error
)

// Error is a failure that a client is meant to read: it carries the fields
// of Stripe's error object. Anything that is not an *Error reaching the HTTP
// layer is reported as a generic api_error without its text.
type Error struct {
	Kind    Kind
	Code    string // e.g. "parameter_unknown", "resource_missing"; may be empty
	Param   string // the parameter at fault in bracket notation; may be empty
	Message string
}

func (e *Error) Error() string {
	if e.Param != "" {
		return fmt.Sprintf("%s (param %s)", e.Message, e.Param)
	}
	return e.Message
}

// Invalid reports a bad parameter or a request the current state forbids.
func Invalid(param, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Param: param, Message: fmt.Sprintf(format, args...)}
}

// InvalidCode is Invalid with a Stripe error code.
func InvalidCode(code, param, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Code: code, Param: param, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports a missing object. noun is Stripe's wording for the
// object ("issuing card"); param names the parameter that referenced it.
func NotFound(noun, id, param string) *Error {
	return &Error{Kind: KindNotFound, Code: "resource_missing", Param: param,
		Message: fmt.Sprintf("No such %s: '%s'", noun, id)}
}

// AsError returns the *Error inside err, if there is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}
