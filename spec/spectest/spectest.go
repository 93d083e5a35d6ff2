// Package spectest checks, in tests, that what localissuing sends back is
// what the OpenAPI document promises, so that a handler drifting from
// Stripe's response shapes fails a test rather than a client.
//
// It validates with kin-openapi, a full OpenAPI implementation, which is
// too heavy for the server's run time but independent of package spec's own
// reading of the document: the two cross-check each other. On top of the
// schema it enforces two conventions of Stripe's responses that the schema
// cannot say: a nullable property is always present (null when it has no
// value), and an object carries no property that its schema does not list.
//
// The document is loaded once per test binary, on first use.
package spectest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/localissuing/localissuing/spec"
)

var (
	loadOnce sync.Once
	loaded   *openapi3.T
	loadErr  error
)

// Document returns the embedded OpenAPI document as loaded by kin-openapi,
// loading it on first use.
func Document() (*openapi3.T, error) {
	loadOnce.Do(func() {
		loader := openapi3.NewLoader()
		loaded, loadErr = loader.LoadFromData(spec.Document())
		if loadErr != nil {
			loadErr = fmt.Errorf("spectest: load the embedded OpenAPI document: %w", loadErr)
		}
	})
	return loaded, loadErr
}

// ValidateDocument checks the embedded document against the OpenAPI 3.0
// rules (kin-openapi's T.Validate).
func ValidateDocument() error {
	doc, err := Document()
	if err != nil {
		return err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return fmt.Errorf("spectest: the embedded OpenAPI document is invalid: %w", err)
	}
	return nil
}

// ValidateResponse fails t unless body is a valid response of the operation
// (method and path template as in the document) with that HTTP status.
// Statuses of 400 and above are checked against the operation's default
// response, Stripe's error object; others against the response for that
// status. The body must satisfy the schema (kin-openapi's VisitJSON), carry
// every nullable property (except those a schema's x-includableFields
// annotation names, which are absent unless expanded), and carry no property
// its schema does not list wherever the schema lists properties and says
// nothing of additional ones. Setup problems (unknown operation or status,
// a body that is not JSON) stop the test with t.Fatalf; mismatches are
// reported with t.Errorf.
func ValidateResponse(t testing.TB, method, pathTemplate string, status int, body []byte) {
	t.Helper()
	schema, err := responseSchema(method, pathTemplate, status)
	if err != nil {
		t.Fatalf("%v", err)
		return
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		t.Fatalf("%s %s %d: the body is not JSON: %v\n%s", method, pathTemplate, status, err, body)
		return
	}
	if err := schema.VisitJSON(value, openapi3.MultiErrors()); err != nil {
		t.Errorf("%s %s %d: the body does not match the schema: %v\n%s", method, pathTemplate, status, err, body)
	}
	var problems []string
	checkConventions(schema, value, "", &problems)
	if len(problems) > 0 {
		sort.Strings(problems)
		t.Errorf("%s %s %d: the body breaks Stripe's conventions:\n  %s\n%s",
			method, pathTemplate, status, strings.Join(problems, "\n  "), body)
	}
}

// responseSchema finds the schema a response must match.
func responseSchema(method, pathTemplate string, status int) (*openapi3.Schema, error) {
	doc, err := Document()
	if err != nil {
		return nil, err
	}
	item := doc.Paths.Value(pathTemplate)
	if item == nil {
		return nil, fmt.Errorf("spectest: the document has no path %s", pathTemplate)
	}
	op := item.GetOperation(strings.ToUpper(method))
	if op == nil || op.Responses == nil {
		return nil, fmt.Errorf("spectest: the document has no operation %s %s", method, pathTemplate)
	}
	var resp *openapi3.ResponseRef
	if status >= 400 {
		resp = op.Responses.Default()
	} else {
		resp = op.Responses.Status(status)
	}
	if resp == nil || resp.Value == nil {
		return nil, fmt.Errorf("spectest: %s %s has no response for status %d", method, pathTemplate, status)
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil, fmt.Errorf("spectest: %s %s %d has no application/json schema", method, pathTemplate, status)
	}
	return media.Schema.Value, nil
}
