package realtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/webhook"
)

// maxAnswer bounds what is read of an endpoint's response: an answer is a
// few hundred bytes, metadata included.
const maxAnswer = 64 << 10

// client posts questions. Redirects are not followed, as Stripe does not.
type client struct {
	http    *http.Client
	timeout time.Duration
}

func newClient(timeout time.Duration) *client {
	return &client{timeout: timeout, http: &http.Client{
		Transport:     http.DefaultTransport.(*http.Transport).Clone(),
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// reply is what came back from one question.
type reply struct {
	status   int    // 0 when no response arrived
	version  string // the Stripe-Version header of the response
	body     []byte
	failure  string // why no response arrived
	timedOut bool
}

// post sends body to target signed with secret, as Stripe sends a
// real-time request: like any webhook, and asking for JSON back.
func (c *client) post(ctx context.Context, target, secret string, body []byte) reply {
	req, err := webhook.NewRequest(ctx, target, secret, body)
	if err != nil {
		return reply{failure: fmt.Sprintf("The request could not be made: %v.", err)}
	}
	req.Header.Set("Accept", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) && uerr.Timeout() {
			return reply{timedOut: true, failure: fmt.Sprintf("No response within %s.", c.timeout)}
		}
		if uerr != nil {
			err = uerr.Err
		}
		return reply{failure: fmt.Sprintf("The request failed: %v.", err)}
	}
	defer res.Body.Close()
	r := reply{status: res.StatusCode, version: res.Header.Get("Stripe-Version")}
	r.body, err = io.ReadAll(io.LimitReader(res.Body, maxAnswer+1))
	var uerr *url.Error
	switch {
	case errors.As(err, &uerr) && uerr.Timeout() || errors.Is(err, context.DeadlineExceeded):
		return reply{timedOut: true, failure: fmt.Sprintf("The response did not end within %s.", c.timeout)}
	case err != nil:
		return reply{status: r.status, failure: fmt.Sprintf("Reading the response failed: %v.", err)}
	case len(r.body) > maxAnswer:
		r.body = r.body[:maxAnswer]
	}
	return r
}

// outcome describes the reply for the event's attempt history. There are
// no retries: a question has one chance.
func (r reply) outcome(at time.Time, took time.Duration, url string) event.Outcome {
	o := event.Outcome{Result: event.ResultSucceeded, At: at, Duration: took, URL: url, StatusCode: r.status,
		Response: webhook.Printable(r.body, 1<<10)}
	switch {
	case r.failure != "":
		o.Result, o.Error = event.ResultFailed, r.failure
	case r.status < 200 || r.status > 299:
		o.Result = event.ResultFailed
		o.Error = fmt.Sprintf("The endpoint answered %d %s; a real-time answer is a 200.", r.status, http.StatusText(r.status))
	}
	return o
}
