package settlement

import (
	"testing"

	"github.com/localissuing/localissuing/issuing"
)

func TestDeriveAmounts(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	tests := []struct {
		name                     string
		net                      int64
		transaction, interchange *int64
		want                     amounts
		wantParam                string // "" means accepted
	}{
		{"the fixture's figures", 3575, n(3656), n(44), amounts{transaction: 3656, interchangeFees: 44, networkFees: 37, net: 3575}, ""},
		{"only the net total", 1000, nil, nil, amounts{transaction: 1000, net: 1000}, ""},
		{"net and interchange", 1000, nil, n(30), amounts{transaction: 1030, interchangeFees: 30, net: 1000}, ""},
		{"net and transaction", 1000, n(1012), nil, amounts{transaction: 1012, networkFees: 12, net: 1000}, ""},
		{"nothing at all", 0, nil, nil, amounts{}, ""},
		{"fees would be negative", 1000, n(1000), n(10), amounts{}, "net_total_amount"},
		{"negative interchange", 1000, nil, n(-1), amounts{}, "interchange_fees_amount"},
		{"negative transaction amount", -10, n(-5), nil, amounts{}, "transaction_amount"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := deriveAmounts(tc.net, tc.transaction, tc.interchange)
			if tc.wantParam != "" {
				if e, ok := issuing.AsError(err); !ok || e.Param != tc.wantParam || e.Kind != issuing.KindInvalid {
					t.Fatalf("err = %v, want 400 on %s", err, tc.wantParam)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
			if got.net != got.transaction-got.interchangeFees-got.networkFees {
				t.Errorf("%+v breaks net = transaction - interchange - network fees", got)
			}
		})
	}
}

func TestCompleteOnlyFromPending(t *testing.T) {
	tests := []struct {
		from string
		ok   bool
	}{
		{StatusPending, true},
		{StatusComplete, false},
	}
	for _, tc := range tests {
		err := checkComplete("ise_x", tc.from)
		if (err == nil) != tc.ok {
			t.Errorf("complete from %s: err = %v, want ok=%v", tc.from, err, tc.ok)
		}
		if e, ok := issuing.AsError(err); err != nil && (!ok || e.Kind != issuing.KindInvalid || e.Message == "") {
			t.Errorf("complete from %s: refusal %v, want a 400 saying why", tc.from, err)
		}
	}
}

func TestBINAndCurrency(t *testing.T) {
	bins := []struct {
		bin string
		ok  bool
	}{
		{"424242", true}, {"42424242", true}, {"4242", false}, {"4242424", false}, {"42424a", false}, {"", false},
	}
	for _, tc := range bins {
		if err := checkBIN(tc.bin); (err == nil) != tc.ok {
			t.Errorf("bin %q: err = %v, want ok=%v", tc.bin, err, tc.ok)
		}
	}
	currencies := []struct {
		in, want string
		ok       bool
	}{
		{"usd", "usd", true}, {"EUR", "eur", true}, {"us", "", false}, {"us1", "", false}, {"dollars", "", false},
	}
	for _, tc := range currencies {
		got, err := normalizeCurrency(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("currency %q: %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
