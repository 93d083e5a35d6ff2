package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// Stripe's page sizes.
const (
	defaultLimit = 10
	maxLimit     = 100
)

// listPage is Stripe's list envelope.
type listPage struct {
	Object  string `json:"object"`
	Data    []any  `json:"data"`
	HasMore bool   `json:"has_more"`
	URL     string `json:"url"`
}

// ListParams are the parameters every list operation shares.
type listParams struct {
	Limit         *int64 `json:"limit"`
	StartingAfter string `json:"starting_after"`
	EndingBefore  string `json:"ending_before"`
	Created       any    `json:"created"`
}

func (s *Server) list(c *Call, rd store.Reader, url, kind string, fn ListFunc) (listPage, error) {
	k, ok := s.kinds[kind]
	if !ok {
		return listPage{}, fmt.Errorf("list %s: kind not registered", kind)
	}
	p, limit, err := pageParams(c)
	if err != nil {
		return listPage{}, err
	}
	q := store.Query{Account: c.Account.ID, Kind: kind, Limit: limit,
		StartingAfter: p.StartingAfter, EndingBefore: p.EndingBefore}
	if q.Created, err = CreatedRange(p.Created); err != nil {
		return listPage{}, err
	}
	if err := fn(c, rd, &q); err != nil {
		return listPage{}, err
	}
	page, err := rd.List(c.Ctx, q)
	if c.whenEmpty != nil && (errors.Is(err, store.ErrCursorNotFound) || err == nil && len(page.Objects) == 0) {
		if err := c.whenEmpty(); err != nil {
			return listPage{}, err
		}
	}
	if errors.Is(err, store.ErrCursorNotFound) {
		param, id := "starting_after", q.StartingAfter
		if q.EndingBefore != "" {
			param, id = "ending_before", q.EndingBefore
		}
		return listPage{}, issuing.NotFound(k.Noun, id, param)
	}
	if err != nil {
		return listPage{}, fmt.Errorf("list %s: %w", kind, err)
	}
	out := listPage{Object: "list", Data: make([]any, 0, len(page.Objects)), HasMore: page.HasMore, URL: url}
	for _, obj := range page.Objects {
		v, err := k.Render(c.Ctx, rd, obj)
		if err != nil {
			return listPage{}, err
		}
		out.Data = append(out.Data, v)
	}
	return out, nil
}

// pageParams reads and checks the parameters every list shares, and
// returns the page size asked for.
func pageParams(c *Call) (listParams, int, error) {
	p, err := readListParams(c)
	if err != nil {
		return p, 0, err
	}
	limit := defaultLimit
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > maxLimit {
			return p, 0, issuing.InvalidCode("parameter_invalid_integer", "limit",
				"Invalid limit: must be an integer between 1 and %d (got %d).", maxLimit, *p.Limit)
		}
		limit = int(*p.Limit)
	}
	if p.StartingAfter != "" && p.EndingBefore != "" {
		return p, 0, issuing.Invalid("ending_before",
			"You may only specify one of these parameters: starting_after, ending_before.")
	}
	return p, limit, nil
}

// PageOf serves a list of a fixed collection held in memory rather than in
// the store, items given in list order, with the rules of stored lists: a
// cursor may name any item of the collection, whether keep selects it or
// not, and ending_before returns the page nearest the cursor, still in
// list order. noun names the items in errors.
func PageOf[T any](c *Call, url, noun string, items []T, id func(T) string, keep func(T) bool) (any, error) {
	p, limit, err := pageParams(c)
	if err != nil {
		return nil, err
	}
	position := func(cursor, param string) (int, error) {
		i := slices.IndexFunc(items, func(item T) bool { return id(item) == cursor })
		if i < 0 {
			return 0, issuing.NotFound(noun, cursor, param)
		}
		return i, nil
	}
	var matching []T
	out := listPage{Object: "list", Data: []any{}, URL: url}
	if p.EndingBefore != "" {
		end, err := position(p.EndingBefore, "ending_before")
		if err != nil {
			return nil, err
		}
		matching = slices.DeleteFunc(slices.Clone(items[:end]), func(item T) bool { return !keep(item) })
		start := max(0, len(matching)-limit)
		matching, out.HasMore = matching[start:], start > 0
	} else {
		begin := 0
		if p.StartingAfter != "" {
			i, err := position(p.StartingAfter, "starting_after")
			if err != nil {
				return nil, err
			}
			begin = i + 1
		}
		matching = slices.DeleteFunc(slices.Clone(items[begin:]), func(item T) bool { return !keep(item) })
		n := min(limit, len(matching))
		matching, out.HasMore = matching[:n], len(matching) > n
	}
	for _, item := range matching {
		out.Data = append(out.Data, item)
	}
	return out, nil
}

// readListParams reads the parameters every list shares. The validated
// parameters hold them with their JSON types already: limit an int64, the
// cursors strings. Only created, whose numbers CreatedRange reads as
// encoding/json decodes them, goes through Call.Decode, as would any
// value of another type.
func readListParams(c *Call) (listParams, error) {
	var p listParams
	_, created := c.Params["created"]
	limit, limitOK := c.Params["limit"].(int64)
	after, afterOK := c.Params["starting_after"].(string)
	before, beforeOK := c.Params["ending_before"].(string)
	_, hasLimit := c.Params["limit"]
	_, hasAfter := c.Params["starting_after"]
	_, hasBefore := c.Params["ending_before"]
	if created || hasLimit != limitOK || hasAfter != afterOK || hasBefore != beforeOK {
		err := c.Decode(&p)
		return p, err
	}
	if limitOK {
		p.Limit = &limit
	}
	p.StartingAfter, p.EndingBefore = after, before
	return p, nil
}

// CreatedRange turns a validated `created` filter (an exact second or a
// {gt,gte,lt,lte} object) into a store range.
func CreatedRange(v any) (store.Range, error) {
	var r store.Range
	switch c := v.(type) {
	case nil:
	case float64:
		n := int64(c)
		r.Gte, r.Lte = &n, &n
	case map[string]any:
		for name, dst := range map[string]**int64{"gt": &r.Gt, "gte": &r.Gte, "lt": &r.Lt, "lte": &r.Lte} {
			if f, ok := c[name].(float64); ok {
				n := int64(f)
				*dst = &n
			}
		}
	default:
		return r, issuing.Invalid("created", "Invalid created filter: pass an integer or created[gt|gte|lt|lte].")
	}
	return r, nil
}

// appendIndent appends p to b as marshal encodes it when every item is
// stored JSON (json.RawMessage, document.Stored or document.StoredCut) and
// the URL needs no escaping; otherwise it reports false and p is encoded
// as any value is.
func (p listPage) appendIndent(b []byte) ([]byte, bool) {
	if !plainString(p.URL) {
		return nil, false
	}
	n := 128 + len(p.URL)
	for _, v := range p.Data {
		switch v := v.(type) {
		case json.RawMessage:
			n += len(v)*3/2 + 16
		case document.Stored:
			n += len(v)*3/2 + 16
		case document.StoredCut:
			n += len(v.Text)*3/2 + 16
		default:
			return nil, false
		}
	}
	b = slices.Grow(b, n)
	b = append(b, "{\n  \"object\": \"list\",\n  \"data\": ["...)
	for i, v := range p.Data {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    "...)
		switch v := v.(type) {
		case json.RawMessage:
			b = document.AppendIndent(b, v, 2, false)
		case document.Stored:
			b = document.AppendIndent(b, v, 2, true)
		case document.StoredCut:
			b = v.AppendIndent(b, 2)
		}
	}
	if len(p.Data) > 0 {
		b = append(b, "\n  "...)
	}
	b = append(b, "],\n  \"has_more\": "...)
	b = strconv.AppendBool(b, p.HasMore)
	b = append(b, ",\n  \"url\": \""...)
	b = append(b, p.URL...)
	return append(b, "\"\n}\n"...), true
}

// plainString tells whether encoding/json writes s as it is between
// quotes: printable ASCII without quotes or backslashes.
func plainString(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
