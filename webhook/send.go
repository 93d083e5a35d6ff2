package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// The headers of a delivery that are not the signature, as Stripe sends
// them. Whatever else carries events to receivers (stripe listen) sends
// them too.
const (
	ContentType = "application/json; charset=utf-8"
	UserAgent   = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
)

// Bounds on what is read of an endpoint's answer: the start is kept for
// the attempt history, where it often says what went wrong; a little more
// is read so that the connection can be reused, and the rest is dropped
// with the connection. A receiver cannot make the dispatcher hold more.
const (
	keepResponse  = 1 << 10
	drainResponse = 64 << 10
)

// reply is what came back from one POST.
type reply struct {
	status   int    // 0 when no response arrived
	err      string // why the attempt failed; empty on a 2xx
	response string // the start of the body
}

// newClient returns the HTTP client of a dispatcher. Redirects are not
// followed, as Stripe does not: a 3xx is a failed attempt that shows where
// the endpoint points.
func newClient(timeout time.Duration, conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = conns
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// post sends body to target, signed at the moment it leaves. The signature
// carries the wall-clock time even when the server runs on a simulated
// clock: receivers check it against their own wall clock (stripe-go
// refuses signatures older than five minutes), and a retry is signed anew.
func post(ctx context.Context, client *http.Client, target, secret string, body []byte) reply {
	req, err := NewRequest(ctx, target, secret, body)
	if err != nil {
		return reply{err: fmt.Sprintf("The request could not be made: %v", err)}
	}
	res, err := client.Do(req)
	if err != nil {
		return reply{err: describe(err, client.Timeout)}
	}
	defer res.Body.Close()
	kept, _ := io.ReadAll(io.LimitReader(res.Body, keepResponse))
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, drainResponse))
	r := reply{status: res.StatusCode, response: Printable(kept, keepResponse)}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		r.err = fmt.Sprintf("The endpoint answered %d %s; only a 2xx status acknowledges an event.",
			res.StatusCode, http.StatusText(res.StatusCode))
	}
	return r
}

// NewRequest returns the POST of body to target as Stripe sends a webhook,
// signed with secret at the moment it is made.
func NewRequest(ctx context.Context, target, secret string, body []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set("Stripe-Signature", Signature(secret, time.Now(), body))
	return req, nil
}

// describe says why no response arrived, without the request line Go puts
// in front ("Post \"http://…\": …"), which the attempt shows anyway.
func describe(err error, timeout time.Duration) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		if uerr.Timeout() {
			return fmt.Sprintf("Timed out: no response within %s.", timeout)
		}
		err = uerr.Err
	}
	return err.Error()
}

// Printable returns the start of b, at most max bytes, as text, or "" for
// bytes that are not UTF-8 text. A character cut in two at max (or by
// whoever read b) is dropped rather than spoiling the rest.
func Printable(b []byte, max int) string {
	if len(b) >= max {
		b = b[:max]
		for i := 0; i < utf8.UTFMax-1 && len(b) > 0 && !utf8.Valid(b); i++ {
			b = b[:len(b)-1]
		}
	}
	if !utf8.Valid(b) {
		return ""
	}
	return strings.TrimSpace(string(b))
}
