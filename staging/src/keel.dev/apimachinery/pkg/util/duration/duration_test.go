package duration

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{-2 * time.Second, "<invalid>"},
		{-500 * time.Millisecond, "0s"},
		{0, "0s"},
		{59 * time.Second, "59s"},
		{119 * time.Second, "119s"},
		{2 * time.Minute, "2m"},
		{3*time.Minute + 20*time.Second, "3m20s"},
		{10 * time.Minute, "10m"},
		{179 * time.Minute, "179m"},
		{3 * time.Hour, "3h"},
		{3*time.Hour + 5*time.Minute, "3h5m"},
		{8 * time.Hour, "8h"},
		{47 * time.Hour, "47h"},
		{48 * time.Hour, "2d"},
		{51 * time.Hour, "2d3h"},
		{8 * 24 * time.Hour, "8d"},
		{400 * 24 * time.Hour, "400d"},
		{730 * 24 * time.Hour, "2y"},
		{735 * 24 * time.Hour, "2y5d"},
		{9 * 365 * 24 * time.Hour, "9y"},
	}
	for _, c := range cases {
		t.Run(c.d.String(), func(t *testing.T) {
			if got := HumanDuration(c.d); got != c.want {
				t.Fatalf("HumanDuration(%v) = %q, want %q", c.d, got, c.want)
			}
		})
	}
}

func TestShortHumanDuration(t *testing.T) {
	cases := map[time.Duration]string{
		30 * time.Second: "30s",
		5 * time.Minute:  "5m",
		3 * time.Hour:    "3h",
		72 * time.Hour:   "3d",
		-5 * time.Second: "<invalid>",
	}
	for d, want := range cases {
		if got := ShortHumanDuration(d); got != want {
			t.Errorf("ShortHumanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
