package api

import (
	"errors"
	"fmt"

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
	var p listParams
	if err := c.Decode(&p); err != nil {
		return listPage{}, err
	}
	q := store.Query{Account: c.Account.ID, Kind: kind, Limit: defaultLimit,
		StartingAfter: p.StartingAfter, EndingBefore: p.EndingBefore}
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > maxLimit {
			return listPage{}, issuing.InvalidCode("parameter_invalid_integer", "limit",
				"Invalid limit: must be an integer between 1 and %d (got %d).", maxLimit, *p.Limit)
		}
		q.Limit = int(*p.Limit)
	}
	if q.StartingAfter != "" && q.EndingBefore != "" {
		return listPage{}, issuing.Invalid("ending_before",
			"You may only specify one of these parameters: starting_after, ending_before.")
	}
	var err error
	if q.Created, err = CreatedRange(p.Created); err != nil {
		return listPage{}, err
	}
	if err := fn(c, rd, &q); err != nil {
		return listPage{}, err
	}
	page, err := rd.List(c.Ctx, q)
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
