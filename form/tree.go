package form

import (
	"slices"

	"github.com/localissuing/localissuing/issuing"
)

type nodeKind uint8

const (
	leafNode     nodeKind = iota // a string value
	hashNode                     // a[b]
	indexedNode                  // a[0]: indices are sorted and compacted at the end
	appendedNode                 // a[]
)

// describe names a kind the way an error message needs it.
func (k nodeKind) describe() string {
	switch k {
	case hashNode:
		return "a hash"
	case indexedNode:
		return "an array with numeric indices"
	case appendedNode:
		return "an array with []"
	}
	return "a plain value"
}

// node is the tree while it is being built. It remembers more than the
// result does (whether an array was indexed or appended, and the indices
// themselves) because conflicts and index order can only be judged later.
type node struct {
	kind    nodeKind
	value   string
	fields  map[string]*node
	indexed map[int]*node
	items   []*node
}

func newNode(kind nodeKind) *node {
	n := &node{kind: kind}
	switch kind {
	case hashNode:
		n.fields = make(map[string]*node)
	case indexedNode:
		n.indexed = make(map[int]*node)
	}
	return n
}

// kindAddressedBy is the kind of container that seg indexes into.
func kindAddressedBy(seg segment) nodeKind {
	switch seg.kind {
	case segmentIndex:
		return indexedNode
	case segmentAppend:
		return appendedNode
	}
	return hashNode
}

// builder holds the tree while Parse fills it in.
type builder struct {
	root       *node
	containers int // hashes and arrays created so far, held to maxContainers
}

func newBuilder() *builder { return &builder{root: newNode(hashNode)} }

// insert stores value at the path segs, creating containers on the way.
// Repeating a leaf overwrites it (last one wins); using one path as two
// different kinds of thing is an error.
func (b *builder) insert(key string, segs []segment, value string) error {
	parent := b.root
	for i, seg := range segs {
		want := leafNode
		if i+1 < len(segs) {
			want = kindAddressedBy(segs[i+1])
		}
		var child *node
		switch seg.kind {
		case segmentAppend:
			child = parent.lastElementFor(want, segs[i+1:])
			if child == nil {
				child = b.newChild(want)
				parent.items = append(parent.items, child)
			}
		case segmentIndex:
			child = parent.indexed[seg.index]
			if child == nil {
				child = b.newChild(want)
				parent.indexed[seg.index] = child
			}
		default:
			child = parent.fields[seg.name]
			if child == nil {
				child = b.newChild(want)
				parent.fields[seg.name] = child
			}
		}
		if child.kind != want {
			return conflict(key, key[:seg.end], child.kind, want)
		}
		if want == leafNode {
			child.value = value
			return nil
		}
		if b.containers > maxContainers {
			return issuing.Invalid(forMessage(key),
				"Too many nested parameters: at most %d hashes and arrays are allowed", maxContainers)
		}
		parent = child
	}
	return nil
}

func (b *builder) newChild(kind nodeKind) *node {
	if kind != leafNode {
		b.containers++
	}
	return newNode(kind)
}

// lastElementFor returns the element of an appended array that the rest of
// a key (a[][b]=… has rest [b]) goes into, or nil when a new element must
// start. Curl-style arrays of objects are written a[][b]=1&a[][c]=2&a[][b]=3,
// so, as in Rack, the key goes into the last element unless that element
// already holds the same path or is a different kind of thing.
func (n *node) lastElementFor(want nodeKind, rest []segment) *node {
	if want == leafNode || len(n.items) == 0 {
		return nil
	}
	last := n.items[len(n.items)-1]
	if last.kind != want || last.holds(rest) {
		return nil
	}
	return last
}

// holds reports whether the path rest is already set under n. A path with
// [] in it is never set: [] always adds.
func (n *node) holds(rest []segment) bool {
	for _, seg := range rest {
		switch {
		case seg.kind == segmentAppend:
			return false
		case seg.kind == segmentIndex && n.kind == indexedNode:
			n = n.indexed[seg.index]
		case seg.kind == segmentName && n.kind == hashNode:
			n = n.fields[seg.name]
		default:
			return false
		}
		if n == nil {
			return false
		}
	}
	return true
}

func conflict(key, prefix string, have, want nodeKind) error {
	noun := "value"
	switch want {
	case hashNode:
		noun = "hash"
	case indexedNode, appendedNode:
		noun = "array"
	}
	return issuing.Invalid(forMessage(key), "Invalid %s: %s (also sent as %s)",
		noun, forMessage(prefix), have.describe())
}

// result turns the built tree into plain values: string, map[string]any and
// []any, with indexed arrays sorted by index and compacted.
func (n *node) result() any {
	switch n.kind {
	case hashNode:
		out := make(map[string]any, len(n.fields))
		for name, child := range n.fields {
			out[name] = child.result()
		}
		return out
	case indexedNode:
		indices := make([]int, 0, len(n.indexed))
		for i := range n.indexed {
			indices = append(indices, i)
		}
		slices.Sort(indices)
		out := make([]any, len(indices))
		for i, index := range indices {
			out[i] = n.indexed[index].result()
		}
		return out
	case appendedNode:
		out := make([]any, len(n.items))
		for i, child := range n.items {
			out[i] = child.result()
		}
		return out
	}
	return n.value
}
