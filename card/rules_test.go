package card

import "testing"

func TestCardStatusChanges(t *testing.T) {
	statuses := []string{StatusActive, StatusInactive, StatusCanceled}
	allowed := map[[2]string]bool{
		{StatusActive, StatusActive}: true, {StatusActive, StatusInactive}: true, {StatusActive, StatusCanceled}: true,
		{StatusInactive, StatusInactive}: true, {StatusInactive, StatusActive}: true, {StatusInactive, StatusCanceled}: true,
		{StatusCanceled, StatusCanceled}: true,
	}
	for _, from := range statuses {
		for _, to := range statuses {
			err := checkStatusChange(from, to)
			if want := allowed[[2]string{from, to}]; (err == nil) != want {
				t.Errorf("%s -> %s: err = %v, want allowed=%v", from, to, err, want)
			}
		}
	}
}

func TestGeneratedNumbersPassLuhn(t *testing.T) {
	for i := 0; i < 200; i++ {
		n := newNumber()
		if len(n) != 16 || n[:len(testBIN)] != testBIN || !luhnValid(n) {
			t.Fatalf("number %q: want 16 digits starting %s passing Luhn", n, testBIN)
		}
	}
	tests := []struct {
		number string
		valid  bool
	}{
		{"4242424242424242", true},
		{"4000056655665556", true},
		{"4242424242424241", false},
		{"1", false},
	}
	for _, tc := range tests {
		if got := luhnValid(tc.number); got != tc.valid {
			t.Errorf("luhnValid(%s) = %v, want %v", tc.number, got, tc.valid)
		}
	}
}
