package form

import (
	"fmt"
	"strings"
	"testing"
)

// cardCreateBody is what stripe-go sends for a typical virtual card with
// spending controls, shipping and metadata.
const cardCreateBody = "cardholder=ich_1Pgag5B7WZ01zgkWephORn8N&currency=usd&type=physical&status=active" +
	"&expand[0]=cardholder&expand[1]=number&expand[2]=cvc" +
	"&metadata[order_id]=6735&metadata[customer]=cus_9s6XKzkNRiz8i3" +
	"&spending_controls[spending_limits][0][amount]=5000" +
	"&spending_controls[spending_limits][0][interval]=daily" +
	"&spending_controls[spending_limits][1][amount]=100000" +
	"&spending_controls[spending_limits][1][interval]=monthly" +
	"&spending_controls[blocked_categories][0]=gambling" +
	"&spending_controls[blocked_categories][1]=betting_casino_gambling" +
	"&shipping[name]=Jenny+Rosen&shipping[service]=standard" +
	"&shipping[address][line1]=1234+Main+Street&shipping[address][city]=San+Francisco" +
	"&shipping[address][state]=CA&shipping[address][postal_code]=94111&shipping[address][country]=US"

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(cardCreateBody)))
	for b.Loop() {
		if _, err := Parse(cardCreateBody); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	v, err := Parse(cardCreateBody)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Encode(v)
	}
}

// BenchmarkParseHostile measures bodies built to be expensive within the
// limits: the most pairs, each as deep as allowed.
func BenchmarkParseHostile(b *testing.B) {
	var indexed strings.Builder
	for i := range maxPairs {
		fmt.Fprintf(&indexed, "a[%d][b][c][d][e][f][g][h][i][j]=1&", i%10)
	}
	bodies := []struct{ name, raw string }{
		{"deep indexed", indexed.String()},
		{"deep appended", strings.Repeat("a"+strings.Repeat("[]", maxDepth)+"=1&", maxPairs)},
		{"curl elements until the container limit", strings.Repeat("a[][b][c][d][e][f][g][h][i][j]=1&", maxPairs)},
		{"long keys", strings.Repeat(strings.Repeat("k", 990)+"[a][b]=1&", maxPairs)},
	}
	for _, body := range bodies {
		b.Run(body.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body.raw)))
			for b.Loop() {
				Parse(body.raw)
			}
		})
	}
}
