package cron

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is a parsed schedule.
type Schedule interface {
	// Next returns the first activation strictly after t, or the zero time
	// if there is none within five years.
	Next(t time.Time) time.Time
}

// bounds describes one field of a cron line.
type bounds struct {
	min, max uint
	names    map[string]uint
}

var (
	minutes = bounds{0, 59, nil}
	hours   = bounds{0, 23, nil}
	dom     = bounds{1, 31, nil}
	months  = bounds{1, 12, map[string]uint{
		"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	}}
	dow = bounds{0, 6, map[string]uint{
		"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
	}}
)

// starBit marks a field written as "*" or "?" (matters for the day rule).
const starBit = 1 << 63

// fieldSchedule matches times whose fields are set in the bit masks.
type fieldSchedule struct {
	minute, hour, dom, month, dow uint64
	loc                           *time.Location
}

// everySchedule fires at a fixed interval.
type everySchedule struct{ d time.Duration }

// Next implements Schedule.
func (e everySchedule) Next(t time.Time) time.Time {
	return t.Add(e.d - time.Duration(t.Nanosecond())*time.Nanosecond)
}

// ParseStandard parses a schedule: an optional "TZ=zone " or "CRON_TZ=zone "
// prefix, then a descriptor or exactly five fields.
func ParseStandard(spec string) (Schedule, error) {
	if spec == "" {
		return nil, fmt.Errorf("empty spec string")
	}
	loc := time.Local
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		i := strings.Index(spec, " ")
		eq := strings.Index(spec, "=")
		if i < 0 {
			i = len(spec)
		}
		var err error
		if loc, err = time.LoadLocation(spec[eq+1 : i]); err != nil {
			return nil, fmt.Errorf("provided bad location %s: %v", spec[eq+1:i], err)
		}
		spec = strings.TrimSpace(spec[i:])
	}
	if strings.HasPrefix(spec, "@") {
		return parseDescriptor(spec, loc)
	}
	fields := strings.Fields(spec)
	if len(fields) != 5 {
		return nil, fmt.Errorf("expected exactly 5 fields, found %d: %s", len(fields), fields)
	}
	s := &fieldSchedule{loc: loc}
	var err error
	for i, target := range []struct {
		mask *uint64
		b    bounds
	}{{&s.minute, minutes}, {&s.hour, hours}, {&s.dom, dom}, {&s.month, months}, {&s.dow, dow}} {
		if *target.mask, err = parseField(fields[i], target.b); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func parseDescriptor(d string, loc *time.Location) (Schedule, error) {
	all := func(b bounds) uint64 { return bitRange(b.min, b.max, 1) | starBit }
	s := &fieldSchedule{minute: 1 << 0, hour: 1 << 0, dom: 1 << 1, month: all(months), dow: all(dow), loc: loc}
	switch d {
	case "@yearly", "@annually":
		s.month = 1 << 1
	case "@monthly":
	case "@weekly":
		s.dom, s.dow = all(dom), 1<<0
	case "@daily", "@midnight":
		s.dom = all(dom)
	case "@hourly":
		s.dom, s.hour = all(dom), all(hours)
	default:
		if rest, ok := strings.CutPrefix(d, "@every "); ok {
			dur, err := time.ParseDuration(rest)
			if err != nil {
				return nil, fmt.Errorf("failed to parse duration %s: %s", d, err)
			}
			if dur < time.Second {
				dur = time.Second
			}
			return everySchedule{dur - time.Duration(dur.Nanoseconds())%time.Second}, nil
		}
		return nil, fmt.Errorf("unrecognized descriptor: %s", d)
	}
	return s, nil
}

// parseField parses a comma-separated list of ranges into a bit mask.
func parseField(field string, b bounds) (uint64, error) {
	var bits uint64
	for _, expr := range strings.Split(field, ",") {
		v, err := parseRange(expr, b)
		if err != nil {
			return 0, err
		}
		bits |= v
	}
	return bits, nil
}

// parseRange parses "*", "?", "n", "a-b" with an optional "/step".
func parseRange(expr string, b bounds) (uint64, error) {
	var start, end, step uint
	var extra uint64
	rangeAndStep := strings.Split(expr, "/")
	lowHigh := strings.Split(rangeAndStep[0], "-")
	single := len(lowHigh) == 1
	var err error
	if lowHigh[0] == "*" || lowHigh[0] == "?" {
		start, end, extra = b.min, b.max, starBit
	} else {
		if start, err = parseIntOrName(lowHigh[0], b.names); err != nil {
			return 0, err
		}
		switch len(lowHigh) {
		case 1:
			end = start
		case 2:
			if end, err = parseIntOrName(lowHigh[1], b.names); err != nil {
				return 0, err
			}
		default:
			return 0, fmt.Errorf("too many hyphens: %s", expr)
		}
	}
	switch len(rangeAndStep) {
	case 1:
		step = 1
	case 2:
		if step, err = parseUint(rangeAndStep[1]); err != nil {
			return 0, err
		}
		if single {
			end = b.max
		}
		if step > 1 {
			extra = 0
		}
	default:
		return 0, fmt.Errorf("too many slashes: %s", expr)
	}
	switch {
	case start < b.min:
		return 0, fmt.Errorf("beginning of range (%d) below minimum (%d): %s", start, b.min, expr)
	case end > b.max:
		return 0, fmt.Errorf("end of range (%d) above maximum (%d): %s", end, b.max, expr)
	case start > end:
		return 0, fmt.Errorf("beginning of range (%d) beyond end of range (%d): %s", start, end, expr)
	case step == 0:
		return 0, fmt.Errorf("step of range should be a positive number: %s", expr)
	}
	return bitRange(start, end, step) | extra, nil
}

func parseIntOrName(s string, names map[string]uint) (uint, error) {
	if names != nil {
		if v, ok := names[strings.ToLower(s)]; ok {
			return v, nil
		}
	}
	return parseUint(s)
}

func parseUint(s string) (uint, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("failed to parse int from %s: %s", s, err)
	}
	if n < 0 {
		return 0, fmt.Errorf("negative number (%d) not allowed: %s", n, s)
	}
	return uint(n), nil
}

func bitRange(min, max, step uint) uint64 {
	var bits uint64
	for i := min; i <= max; i += step {
		bits |= 1 << i
	}
	return bits
}

func has(mask uint64, v int) bool { return mask&(1<<uint(v)) != 0 }

// dayMatches applies cron's day rule: when either day field is a wildcard
// both must match, otherwise either may.
func (s *fieldSchedule) dayMatches(t time.Time) bool {
	d, w := has(s.dom, t.Day()), has(s.dow, int(t.Weekday()))
	if s.dom&starBit != 0 || s.dow&starBit != 0 {
		return d && w
	}
	return d || w
}

// Next implements Schedule.
func (s *fieldSchedule) Next(t time.Time) time.Time {
	orig := t.Location()
	t = t.In(s.loc).Add(time.Minute - time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond()))
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		switch {
		case !has(s.month, int(t.Month())):
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, s.loc)
		case !s.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, s.loc)
		case !has(s.hour, t.Hour()):
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, s.loc)
		case !has(s.minute, t.Minute()):
			t = t.Add(time.Minute)
		default:
			return t.In(orig)
		}
	}
	return time.Time{}
}
