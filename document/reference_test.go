package document

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// appendIndentByByte and skipStringByByte are AppendIndent and skipString
// as first written, reading strings one byte at a time: the references
// the faster versions must match on any input, malformed included.
func appendIndentByByte(dst, src []byte, depth int, unescapeHTML bool) []byte {
	needIndent := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			dst = appendNewline(dst, depth)
		}
		switch c {
		case '"':
			j := i + 1
			for {
				if j >= len(src) {
					return append(dst, src[i:]...)
				}
				if src[j] == '"' {
					break
				}
				if src[j] != '\\' {
					j++
					continue
				}
				if ch, ok := htmlEscape(src[j:]); ok && unescapeHTML {
					dst = append(append(dst, src[i:j]...), ch)
					j += 6
					i = j
					continue
				}
				j += 2
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			needIndent = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = appendNewline(dst, depth)
		case ':':
			dst = append(dst, ':', ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				dst = appendNewline(dst, depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func skipStringByByte(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// randomText returns text made of the bytes that matter to the readers
// here, runs of them long and short, in any order: mostly not JSON.
func randomText(r *rand.Rand) []byte {
	pieces := []string{`"`, `\`, `\"`, `\\`, `\u003c`, `\u003E`, `\u0026`, `\u00`, `{`, `}`, `[`, `]`, `,`, `:`,
		" ", "\n", "a", "12", "null", "é", "\x00", "\x80\xff", "\"\"\"\"\"\"\"\"", "\\\\\\\\\\\\\\\\\\",
		"abcdefgh", "ijklmnopqrstuvwxyz0123456789", `"intok_DKhJ11ny85BtITfRNvoEd5nt"`, `"x\"y\\"`}
	b := []byte{}
	for range r.IntN(40) {
		b = append(b, pieces[r.IntN(len(pieces))]...)
	}
	return b
}

func TestAppendIndentMatchesByByte(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := range 50000 {
		src := randomText(r)
		depth := r.IntN(4)
		for _, unescape := range []bool{false, true} {
			want := appendIndentByByte([]byte("x"), src, depth, unescape)
			if got := AppendIndent([]byte("x"), src, depth, unescape); !bytes.Equal(got, want) {
				t.Fatalf("text %d %q, depth %d, unescape %v:\ngot  %q\nwant %q", n, src, depth, unescape, got, want)
			}
		}
	}
}

func TestSkipStringMatchesByByte(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 50000 {
		src := randomText(r)
		for i := range src {
			if src[i] != '"' {
				continue
			}
			if got, want := skipString(src, i), skipStringByByte(src, i); got != want {
				t.Fatalf("text %d %q at %d: got %d, want %d", n, src, i, got, want)
			}
		}
	}
}

func TestStringSpecial(t *testing.T) {
	for _, tc := range []struct {
		data string
		from int
		want int
	}{
		{``, 0, 0},
		{`abc`, 0, 3},
		{`abc"`, 0, 3},
		{`abcdefgh"`, 0, 8},
		{`abcdefg\`, 0, 7},
		{`"abcdefgh`, 1, 9},
		{`abcdefghijklmno"`, 0, 15},
		{`abcdefghijklmno"`, 15, 15},
		{`abcdefghijklmno"`, 16, 16},
		{"\x80\xff\x22", 0, 2},
		{"\x21\x23\x5b\x5d\xa2\xdc\x01\x00\"", 0, 8}, // neighbours of '"' and '\\'
		{`ab\cdefgh"`, 0, 2},
		{`abcd"efg\hijk`, 5, 8},
		{`abc`, 7, 7},
	} {
		if got := stringSpecial([]byte(tc.data), tc.from); got != tc.want {
			t.Errorf("stringSpecial(%q, %d) = %d, want %d", tc.data, tc.from, got, tc.want)
		}
	}
}
