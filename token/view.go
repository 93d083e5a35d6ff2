package token

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/localissuing/localissuing/document"
	"github.com/localissuing/localissuing/event"
	"github.com/localissuing/localissuing/issuing"
	"github.com/localissuing/localissuing/store"
)

// storedKey is a top-level member of a stored token.
type storedKey struct {
	name     string
	optional bool   // omitempty: encoding/json leaves it out when empty
	starts   []byte // how encoding/json starts the member: "name":
}

// storedKeys are the members of a stored token (a record) in the order
// encoding/json writes them: Token's fields, less its network_data, then
// the record's network_data, which is always written.
var storedKeys = func() []storedKey {
	var keys []storedKey
	t := reflect.TypeFor[Token]()
	for i := range t.NumField() {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "network_data" {
			continue // the record's own field, at the end
		}
		keys = append(keys, storedKey{name: name, optional: strings.Contains(opts, "omitempty")})
	}
	keys = append(keys, storedKey{name: "network_data"})
	for i := range keys {
		keys[i].starts = []byte(`"` + keys[i].name + `":`)
	}
	return keys
}()

// listCut returns a stored token as lists show it, without network data,
// cut from the stored text: the record's members before network_data are
// exactly what encoding a view of it writes. Decoding the record and
// encoding the view cost three quarters of a list's CPU time.
//
// It reports false when the members before network_data are not those
// storedKeys lists, in that order (a document this version did not
// write), which must then be decoded. What follows network_data, up to
// the closing brace, is left out unread: the record has nothing there, and
// decoding would drop it too.
func listCut(data []byte) (document.StoredCut, bool) {
	cut, ok := cutCompact(data)
	if !ok {
		cut, ok = cutMembers(data)
	}
	if !ok {
		return document.StoredCut{}, false
	}
	// Leave out from the comma before network_data to the closing brace.
	from := cut - 1
	for from > 0 && data[from] != ',' {
		from--
	}
	// What is left ends with the closing brace, the text's last byte but
	// whitespace.
	end := len(bytes.TrimRight(data, " \t\r\n"))
	if from <= 0 || end <= cut || data[end-1] != '}' {
		return document.StoredCut{}, false
	}
	return document.StoredCut{Text: data[:end], From: from, To: end - 1}, true
}

// listView is listCut's text as one piece, for the event's diff.
func listView(data []byte) (document.Stored, bool) {
	c, ok := listCut(data)
	if !ok {
		return nil, false
	}
	out := make([]byte, c.From+1)
	copy(out, data[:c.From])
	out[c.From] = '}'
	return out, true
}

// cutCompact is cutMembers for a token as encoding/json writes it, without
// whitespace: each member is looked for as it must start there, rather than
// read and its key compared, which cuts a token in two thirds of the time.
// It reports false, for cutMembers to read the text, when the text is laid
// out in any other way.
func cutCompact(data []byte) (int, bool) {
	if len(data) == 0 || data[0] != '{' {
		return 0, false
	}
	i := 1
	for k, key := range storedKeys {
		if !bytes.HasPrefix(data[i:], key.starts) {
			if key.optional {
				continue
			}
			return 0, false
		}
		if k == len(storedKeys)-1 {
			return i, true // network_data comes last
		}
		end := document.ValueEnd(data, i+len(key.starts))
		if end < 0 || end >= len(data) || data[end] != ',' {
			return 0, false
		}
		i = end + 1
	}
	return 0, false
}

// cutMembers returns where network_data starts in a stored token when the
// members before it are those storedKeys lists, in that order.
func cutMembers(data []byte) (int, bool) {
	k := 0
	cut, ok := document.MembersBefore(data, "network_data", func(m document.Member) bool {
		for k < len(storedKeys) && string(m.Key) != storedKeys[k].name {
			if !storedKeys[k].optional {
				return false
			}
			k++
		}
		if k == len(storedKeys)-1 {
			return false // network_data comes last
		}
		k++
		return true
	})
	for ok && k < len(storedKeys)-1 && storedKeys[k].optional {
		k++
	}
	return cut, ok && k == len(storedKeys)-1
}

// updateStored is Update done on the stored text of the token, when it has
// the layout listView reads: the status and network_updated_at members are
// replaced in place, which is what decoding the record, changing the two
// fields and encoding it again writes, at a fraction of the cost. It
// reports done false, having done nothing, when the text is not laid out
// so; Update then decodes the token.
func updateStored(ctx context.Context, tx store.Tx, acct issuing.Account, now time.Time, obj store.Object, status string, withNetworkData bool) (v any, done bool, err error) {
	before, ok := listView(obj.Data)
	if !ok {
		return nil, false, nil
	}
	var statusAt, updatedAt document.Member
	document.MembersBefore(obj.Data, "network_data", func(m document.Member) bool {
		switch string(m.Key) {
		case "status":
			statusAt = m
		case "network_updated_at":
			updatedAt = m
		}
		return true
	})
	old, ok := plainJSONString(statusAt.Value)
	if !ok || updatedAt.Value == nil || updatedAt.End > statusAt.End {
		return nil, false, nil // not the order storedKeys has
	}
	if err := checkClientChange(old, status); err != nil {
		return nil, true, err
	}
	data := obj.Data
	if old != status {
		quoted := document.AppendString(nil, status)
		valueAt := func(m document.Member) int { return m.End - len(m.Value) }
		data = make([]byte, 0, len(obj.Data)+len(quoted)+16)
		data = append(data, obj.Data[:valueAt(updatedAt)]...)
		data = strconv.AppendInt(data, now.Unix(), 10)
		data = append(data, obj.Data[updatedAt.End:valueAt(statusAt)]...)
		data = append(data, quoted...)
		data = append(data, obj.Data[statusAt.End:]...)
		obj.Data = data
		if err := tx.Replace(ctx, obj); err != nil {
			return nil, true, fmt.Errorf("store %s %s: %w", Noun, obj.ID, err)
		}
		after, ok := listView(data)
		if !ok {
			return nil, true, fmt.Errorf("token %s: updated document unreadable", obj.ID)
		}
		if err := event.Updated(ctx, tx, acct, now.Unix(), "issuing_token.updated",
			json.RawMessage(before), json.RawMessage(after)); err != nil {
			return nil, true, err
		}
		before = after
	}
	if withNetworkData && now.Unix() < obj.Created+networkDataWindow {
		r, err := decode(store.Object{ID: obj.ID, Data: data})
		if err != nil {
			return nil, true, err
		}
		return r.view(now.Unix(), true), true, nil
	}
	return before, true, nil
}

// plainJSONString returns the string a JSON string literal without escapes
// stands for.
func plainJSONString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' || bytes.IndexByte(v, '\\') >= 0 {
		return "", false
	}
	return string(v[1 : len(v)-1]), true
}
