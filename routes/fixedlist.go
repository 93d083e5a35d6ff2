package routes

import (
	"slices"

	"github.com/localissuing/localissuing/api"
	"github.com/localissuing/localissuing/issuing"
)

// Stripe's page sizes, as package api applies them to stored lists.
const (
	fixedDefaultLimit = 10
	fixedMaxLimit     = 100
)

// fixedList is Stripe's list envelope, for lists of a fixed collection
// held in memory rather than in the store.
type fixedList struct {
	Object  string `json:"object"`
	Data    []any  `json:"data"`
	HasMore bool   `json:"has_more"`
	URL     string `json:"url"`
}

// pageFixed pages items, given in list order, with the limit and cursor
// rules of stored lists: a cursor may name any item of the collection,
// whether keep selects it or not, and ending_before returns the page
// nearest the cursor, still in list order.
func pageFixed[T any](c *api.Call, url, noun string, items []T, id func(T) string, keep func(T) bool) (fixedList, error) {
	limit := fixedDefaultLimit
	if n, ok := c.Params["limit"].(int64); ok {
		if n < 1 || n > fixedMaxLimit {
			return fixedList{}, issuing.InvalidCode("parameter_invalid_integer", "limit",
				"Invalid limit: must be an integer between 1 and %d (got %d).", fixedMaxLimit, n)
		}
		limit = int(n)
	}
	after, _ := c.Params["starting_after"].(string)
	before, _ := c.Params["ending_before"].(string)
	if after != "" && before != "" {
		return fixedList{}, issuing.Invalid("ending_before",
			"You may only specify one of these parameters: starting_after, ending_before.")
	}
	position := func(cursor, param string) (int, error) {
		i := slices.IndexFunc(items, func(item T) bool { return id(item) == cursor })
		if i < 0 {
			return 0, issuing.NotFound(noun, cursor, param)
		}
		return i, nil
	}
	out := fixedList{Object: "list", Data: []any{}, URL: url}
	var window []T
	if before != "" {
		end, err := position(before, "ending_before")
		if err != nil {
			return fixedList{}, err
		}
		matching := filterItems(items[:end], keep)
		start := max(0, len(matching)-limit)
		window, out.HasMore = matching[start:], start > 0
	} else {
		begin := 0
		if after != "" {
			i, err := position(after, "starting_after")
			if err != nil {
				return fixedList{}, err
			}
			begin = i + 1
		}
		matching := filterItems(items[begin:], keep)
		n := min(limit, len(matching))
		window, out.HasMore = matching[:n], len(matching) > n
	}
	for _, item := range window {
		out.Data = append(out.Data, item)
	}
	return out, nil
}

func filterItems[T any](items []T, keep func(T) bool) []T {
	var out []T
	for _, item := range items {
		if keep(item) {
			out = append(out, item)
		}
	}
	return out
}
