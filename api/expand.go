package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/spec"
	"github.com/localissuing/localissuing/store"
)

// maxExpandDepth is Stripe's limit on the levels of one expand path.
const maxExpandDepth = 4

// expandPaths reads and checks the expand[] parameter against the schema of
// the operation's response, so a path that names no expandable field is a
// 400 before anything runs.
func expandPaths(op *spec.Op, params map[string]any) ([]string, error) {
	raw, _ := params["expand"].([]any)
	if len(raw) == 0 {
		return nil, nil
	}
	schema, list := op.ResponseSchema()
	paths := make([]string, 0, len(raw))
	for _, r := range raw {
		path, _ := r.(string)
		segs := strings.Split(path, ".")
		if list {
			if segs[0] != "data" || len(segs) < 2 {
				return nil, cannotExpand(segs[0])
			}
			segs = segs[1:]
		}
		if len(segs) > maxExpandDepth {
			return nil, issuing.Invalid("expand", "You cannot expand more than %d levels of a property (%s).", maxExpandDepth, path)
		}
		if err := checkExpandPath(schema, segs); err != nil {
			return nil, err
		}
		paths = append(paths, strings.Join(segs, "."))
	}
	return paths, nil
}

func checkExpandPath(schema string, segs []string) error {
	for i, seg := range segs {
		last := i == len(segs)-1
		if target, ok := spec.Expandable(schema, seg); ok {
			if target == "" && !last {
				return cannotExpand(strings.Join(segs[:i+2], "."))
			}
			schema = target
			continue
		}
		// Paths may pass through embedded objects (a card's cardholder)
		// on their way to an expandable field.
		next, ok := spec.FieldSchema(schema, seg)
		if !ok || last {
			return cannotExpand(strings.Join(segs[:i+1], "."))
		}
		schema = next
	}
	return nil
}

func cannotExpand(path string) error {
	return issuing.Invalid("expand", "This property cannot be expanded (%s).", path)
}

// encode renders a handler's result, applying the call's expansions. Only
// ids become objects here; includable fields (a card's number, a token's
// network_data) are the handler's to fill, since only it knows when they
// may be shown.
func (s *Server) encode(c *Call, rd store.Reader, op *spec.Op, v any) ([]byte, error) {
	return s.appendEncoded(nil, c, rd, op, v)
}

// appendEncoded is encode appending to dst.
func (s *Server) appendEncoded(dst []byte, c *Call, rd store.Reader, op *spec.Op, v any) ([]byte, error) {
	if len(c.Expand) == 0 {
		return appendMarshal(dst, v)
	}
	tree, err := toTree(v)
	if err != nil {
		return nil, err
	}
	schema, list := op.ResponseSchema()
	for _, path := range c.Expand {
		segs := strings.Split(path, ".")
		if list {
			m, _ := tree.(map[string]any)
			items, _ := m["data"].([]any)
			for _, item := range items {
				if err := s.expandInto(c.Ctx, rd, c.Account.ID, item, schema, segs); err != nil {
					return nil, err
				}
			}
			continue
		}
		if err := s.expandInto(c.Ctx, rd, c.Account.ID, tree, schema, segs); err != nil {
			return nil, err
		}
	}
	return appendMarshal(dst, tree)
}

func (s *Server) expandInto(ctx context.Context, rd store.Reader, account string, node any, schema string, segs []string) error {
	obj, ok := node.(map[string]any)
	if !ok || len(segs) == 0 {
		return nil
	}
	seg := segs[0]
	target, expandable := spec.Expandable(schema, seg)
	if expandable && target == "" {
		return nil
	}
	if expandable {
		if id, isID := obj[seg].(string); isID {
			if _, known := s.kinds[target]; !known {
				return nil // nothing stored of that kind (files, balance transactions): leave the id
			}
			v, err := s.Load(ctx, rd, account, target, id, "expand")
			if err != nil {
				return err
			}
			if obj[seg], err = toTree(v); err != nil {
				return err
			}
		}
		return s.expandInto(ctx, rd, account, obj[seg], target, segs[1:])
	}
	next, _ := spec.FieldSchema(schema, seg)
	if items, isList := obj[seg].([]any); isList {
		for _, item := range items {
			if err := s.expandInto(ctx, rd, account, item, next, segs[1:]); err != nil {
				return err
			}
		}
		return nil
	}
	return s.expandInto(ctx, rd, account, obj[seg], next, segs[1:])
}

// toTree converts a value to its generic JSON form, keeping numbers exact.
func toTree(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode for expansion: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("decode for expansion: %w", err)
	}
	return tree, nil
}
