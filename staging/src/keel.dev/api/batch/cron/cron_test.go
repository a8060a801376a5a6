package cron

import (
	"testing"
	"time"
)

func TestParseStandardErrors(t *testing.T) {
	tests := []struct {
		name, spec, want string
	}{
		{"an empty schedule is rejected", "", "empty spec string"},
		{"four fields are too few", "* * * *", "expected exactly 5 fields, found 4: [* * * *]"},
		{"a minute of 60 is out of range", "60 * * * *", "end of range (60) above maximum (59): 60"},
		{"a day of month of 0 is below the minimum", "0 0 0 * *", "beginning of range (0) below minimum (1): 0"},
		{"a reversed range is rejected", "5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"},
		{"a zero step is rejected", "*/0 * * * *", "step of range should be a positive number: */0"},
		{"a word is not a number", "x * * * *", `failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax`},
		{"an unknown descriptor is rejected", "@fortnightly", "unrecognized descriptor: @fortnightly"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseStandard(tt.spec)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("ParseStandard(%q) error = %v, want %q", tt.spec, err, tt.want)
			}
		})
	}
}

func TestNext(t *testing.T) {
	base := time.Date(2024, time.January, 31, 10, 7, 30, 0, time.UTC)
	tests := []struct {
		name, spec string
		want       time.Time
	}{
		{"every minute fires at the next minute", "* * * * *", time.Date(2024, 1, 31, 10, 8, 0, 0, time.UTC)},
		{"every fifteen minutes fires at quarter past", "*/15 * * * *", time.Date(2024, 1, 31, 10, 15, 0, 0, time.UTC)},
		{"hourly fires at the top of the hour", "@hourly", time.Date(2024, 1, 31, 11, 0, 0, 0, time.UTC)},
		{"daily fires at midnight", "@daily", time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"a month name is accepted", "0 9 1 mar *", time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)},
		{"a weekday name restricts the day", "30 8 * * mon", time.Date(2024, 2, 5, 8, 30, 0, 0, time.UTC)},
		{"day of month and weekday combine with or", "0 0 15 * sat", time.Date(2024, 2, 3, 0, 0, 0, 0, time.UTC)},
		{"the 31st skips short months", "0 0 31 * *", time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)},
		{"yearly fires on the first of January", "@yearly", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"every ninety seconds adds the interval", "@every 90s", base.Add(90 * time.Second)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseStandard("TZ=UTC " + tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Next(base); !got.Equal(tt.want) {
				t.Fatalf("Next = %v, want %v", got, tt.want)
			}
		})
	}
}
