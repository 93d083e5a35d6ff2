package api

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/localissuing/localissuing/form"
	"github.com/localissuing/localissuing/issuing"
)

// maxBodyBytes bounds a request body; Stripe's own limit is of this order
// and no Issuing call comes near it.
const maxBodyBytes = 1 << 20

// Call is one API request after authentication and validation: what a
// resource's handler needs, free of HTTP details.
type Call struct {
	Ctx     context.Context
	Account issuing.Account
	// Params holds the validated parameters with JSON types (int64, bool,
	// string, map[string]any, []any), as spec.Op.Validate returns them.
	Params map[string]any
	// Expand lists the expand[] paths, already checked against the schema.
	Expand         []string
	Now            time.Time
	RequestID      string
	IdempotencyKey string

	// raw is the decoded form before validation, for idempotency
	// fingerprints.
	raw      map[string]any
	req      *http.Request
	urlPath  string
	enqueued atomic.Bool // set by writes that owe webhook deliveries
	// whenEmpty, set by a ListFunc, checks the list's filters when the
	// page comes out empty (see WhenEmpty).
	whenEmpty func() error
}

// WhenEmpty has a ListFunc check its filters only if the page is empty
// (or its cursor is not found), typically that the object they name
// exists: objects listed under it prove it does, and the check then
// costs nothing.
func (c *Call) WhenEmpty(check func() error) { c.whenEmpty = check }

// PathValue returns a path parameter of the route, e.g. "card".
func (c *Call) PathValue(name string) string { return c.req.PathValue(name) }

// Decode copies Params into dst, a struct with json tags, so handlers work
// with typed values. Validation has already ensured the types match.
func (c *Call) Decode(dst any) error {
	b, err := json.Marshal(c.Params)
	if err != nil {
		return fmt.Errorf("encode params: %w", err)
	}
	if err := json.Unmarshal(b, dst); err != nil {
		return fmt.Errorf("decode params into %T: %w", dst, err)
	}
	return nil
}

// Has tells whether the request carried the top-level parameter name.
func (c *Call) Has(name string) bool {
	_, ok := c.Params[name]
	return ok
}

// Expands tells whether path was asked for with expand[].
func (c *Call) Expands(path string) bool { return slices.Contains(c.Expand, path) }

// RequireTestMode fails for live-mode keys: test helpers simulate the
// outside world and exist only in test mode.
func (c *Call) RequireTestMode() error {
	if c.Account.Livemode {
		return issuing.Invalid("", "This endpoint is only available in test mode: use a test-mode secret key (sk_test_…).")
	}
	return nil
}

// readParams decodes the query string and, for POST, the form body into one
// tree. Stripe takes parameters in the query string of a POST too, which curl
// users rely on; body values win on conflict.
func readParams(r *http.Request) (map[string]any, error) {
	params, err := form.Parse(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if r.Method != http.MethodPost {
		return params, nil
	}
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	if len(body) == 0 {
		return params, nil
	}
	fromBody, err := form.Parse(string(body))
	if err != nil {
		return nil, err
	}
	if len(params) == 0 {
		return fromBody, nil
	}
	for k, v := range fromBody {
		params[k] = v
	}
	return params, nil
}

const formContentType = "application/x-www-form-urlencoded"

func readBody(r *http.Request) ([]byte, error) {
	// The SDKs send exactly formContentType, which needs no parsing (a
	// map for the media type's parameters, and lowercasing).
	if ct := r.Header.Get("Content-Type"); ct != "" && ct != formContentType {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != formContentType {
			return nil, issuing.Invalid("", "Invalid request: the Content-Type %q is not supported. "+
				"Send parameters as application/x-www-form-urlencoded.", ct)
		}
	}
	var src io.Reader = r.Body
	switch r.Header.Get("Content-Encoding") {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(io.LimitReader(r.Body, maxBodyBytes))
		if err != nil {
			return nil, issuing.Invalid("", "Invalid request: the body is not valid gzip.")
		}
		defer zr.Close()
		src = zr
	default:
		return nil, issuing.Invalid("", "Invalid request: the Content-Encoding %q is not supported.", r.Header.Get("Content-Encoding"))
	}
	body, err := io.ReadAll(io.LimitReader(src, maxBodyBytes+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, tooLarge()
		}
		return nil, issuing.Invalid("", "Invalid request: the body could not be read.")
	}
	if len(body) > maxBodyBytes {
		return nil, tooLarge()
	}
	return body, nil
}

func tooLarge() error {
	return &issuing.Error{Kind: issuing.KindTooLarge, Message: fmt.Sprintf(
		"Request body too large: the limit is %d bytes.", maxBodyBytes)}
}
