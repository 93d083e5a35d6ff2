package spec

import "strings"

// Op is one operation of the API, as the document describes it.
type Op struct {
	Method string // "GET", "POST" or "DELETE"
	Path   string // the path template, e.g. "/v1/issuing/tokens/{token}"
	ID     string // the operationId, e.g. "GetIssuingTokensToken"

	params   *node  // the query parameters or the form body, as one object
	response string // schema name of the 200 response (or of its list items)
	list     bool
}

// Lookup finds the operation for a method and a path template written
// exactly as in the document ("/v1/issuing/cards/{card}"). The method is
// matched without regard to case. It reports false when there is no such
// operation or the embedded document could not be loaded (see Load).
func Lookup(method, pathTemplate string) (*Op, bool) {
	reg, err := get()
	if err != nil {
		return nil, false
	}
	op, ok := reg.ops[opKey(strings.ToUpper(method), pathTemplate)]
	return op, ok
}

// Ops returns every operation of the document, sorted by path and then by
// method, so that a router can check it serves each one. The slice is the
// caller's; the operations are shared and must not be modified. It is empty
// when the embedded document could not be loaded (see Load).
func Ops() []*Op {
	reg, err := get()
	if err != nil {
		return nil
	}
	out := make([]*Op, len(reg.list))
	copy(out, reg.list)
	return out
}

// ResponseSchema names the schema of the operation's 200 response. For a
// list operation it is the schema of the items and list is true: the
// response is {"object": "list", "data": [items], "has_more", "url"}. For a
// DELETE it is the deleted-object schema (e.g. "deleted_webhook_endpoint").
func (op *Op) ResponseSchema() (name string, list bool) {
	return op.response, op.list
}
