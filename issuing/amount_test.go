package issuing

import "testing"

func TestProrate(t *testing.T) {
	tests := []struct {
		total, part, whole, want int64
	}{
		{1000, 500, 500, 1000},
		{1000, 250, 500, 500},
		{1000, 1, 3, 333},
		{1000, 2, 3, 667},
		{-1000, 1, 2, -500},
		{999, 1, 2, 500},
		{700, 0, 700, 0},
		{700, 100, 0, 700},
	}
	for _, tc := range tests {
		if got := Prorate(tc.total, tc.part, tc.whole); got != tc.want {
			t.Errorf("Prorate(%d, %d, %d) = %d, want %d", tc.total, tc.part, tc.whole, got, tc.want)
		}
	}
}
