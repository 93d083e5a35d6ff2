package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// errorBody is Stripe's error object.
type errorBody struct {
	Error errorFields `json:"error"`
}

type errorFields struct {
	Type    string `json:"type"`
	Code    string `json:"code,omitempty"`
	DocURL  string `json:"doc_url,omitempty"`
	Message string `json:"message"`
	Param   string `json:"param,omitempty"`
}

// statusAndType maps an error kind to Stripe's HTTP status and error type.
func statusAndType(k issuing.Kind) (int, string) {
	switch k {
	case issuing.KindInvalid:
		return http.StatusBadRequest, "invalid_request_error"
	case issuing.KindNotFound:
		return http.StatusNotFound, "invalid_request_error"
	case issuing.KindAuth:
		return http.StatusUnauthorized, "invalid_request_error"
	case issuing.KindForbidden:
		return http.StatusForbidden, "invalid_request_error"
	case issuing.KindConflict:
		return http.StatusConflict, "invalid_request_error"
	case issuing.KindIdempotency:
		return http.StatusBadRequest, "idempotency_error"
	case issuing.KindRateLimit:
		return http.StatusTooManyRequests, "invalid_request_error"
	case issuing.KindTooLarge:
		return http.StatusRequestEntityTooLarge, "invalid_request_error"
	default:
		return http.StatusInternalServerError, "api_error"
	}
}

// errorResponse turns any error into a status and Stripe error body. Errors
// that are not *issuing.Error are logged and reported without their text:
// internal details never reach a client. ctx is the request's.
func errorResponse(ctx context.Context, log *slog.Logger, requestID string, err error) (int, errorBody) {
	if errors.Is(err, store.ErrConflict) {
		// A transaction that lost to a concurrent one: nothing was
		// written, and the SDKs retry a lock_timeout.
		log.Warn("concurrent transactions collided", "request_id", requestID, "err", err)
		err = issuing.LockTimeout("objects")
	}
	e, ok := issuing.AsError(err)
	if !ok || e.Kind == issuing.KindInternal {
		if canceled(ctx, err) {
			// The client hung up (or the server is stopping) while its
			// request waited or ran: nothing is wrong here, and no one
			// reads the answer. Nothing was committed for it.
			log.Debug("request canceled", "request_id", requestID, "err", err)
		} else {
			log.Error("internal error", "request_id", requestID, "err", err)
		}
		return http.StatusInternalServerError, errorBody{Error: errorFields{
			Type:    "api_error",
			Message: "An unknown error occurred while processing the request (" + requestID + ").",
		}}
	}
	status, typ := statusAndType(e.Kind)
	f := errorFields{Type: typ, Code: e.Code, Message: e.Message, Param: e.Param}
	if e.Code != "" {
		f.DocURL = "https://stripe.com/docs/error-codes/" + strings.ReplaceAll(e.Code, "_", "-")
	}
	return status, errorBody{Error: f}
}

// canceled tells whether err is the request's context ending (its client
// hung up), rather than some other context's.
func canceled(ctx context.Context, err error) bool {
	return errors.Is(err, context.Canceled) && ctx.Err() != nil
}
