// Package duration formats ages and durations the way kubectl prints them in
// the AGE column ("45s", "3m20s", "5h", "2d3h", "400d").
package duration

import (
	"fmt"
	"time"
)

// HumanDuration renders d with two units where the first is small, one where
// it is large: 0–2m in seconds, <10m as XmYs, <3h in minutes, <8h as XhYm,
// <48h in hours, <8d as XdYh, <2y in days, <8y as XyYd, then years.
func HumanDuration(d time.Duration) string {
	if d < -time.Second {
		return "<invalid>"
	}
	if d < 0 {
		return "0s"
	}
	if s := int(d.Round(time.Second) / time.Second); s < 60*2 {
		return fmt.Sprintf("%ds", s)
	}
	minutes := int(d / time.Minute)
	if minutes < 10 {
		s := int(d/time.Second) % 60
		if s == 0 {
			return fmt.Sprintf("%dm", minutes)
		}
		return fmt.Sprintf("%dm%ds", minutes, s)
	}
	if minutes < 60*3 {
		return fmt.Sprintf("%dm", minutes)
	}
	hours := int(d / time.Hour)
	if hours < 8 {
		m := minutes % 60
		if m == 0 {
			return fmt.Sprintf("%dh", hours)
		}
		return fmt.Sprintf("%dh%dm", hours, m)
	}
	if hours < 48 {
		return fmt.Sprintf("%dh", hours)
	}
	if hours < 24*8 {
		h := hours % 24
		if h == 0 {
			return fmt.Sprintf("%dd", hours/24)
		}
		return fmt.Sprintf("%dd%dh", hours/24, h)
	}
	if hours < 24*365*2 {
		return fmt.Sprintf("%dd", hours/24)
	}
	if hours < 24*365*8 {
		dy := (hours / 24) % 365
		if dy == 0 {
			return fmt.Sprintf("%dy", hours/24/365)
		}
		return fmt.Sprintf("%dy%dd", hours/24/365, dy)
	}
	return fmt.Sprintf("%dy", hours/24/365)
}

// ShortHumanDuration renders d with one unit: seconds below 2m, minutes below
// 2h, hours below 48h, days below 2y, then years.
func ShortHumanDuration(d time.Duration) string {
	if d < -time.Second {
		return "<invalid>"
	}
	if d < 0 {
		return "0s"
	}
	if s := int(d.Round(time.Second) / time.Second); s < 60*2 {
		return fmt.Sprintf("%ds", s)
	}
	if m := int(d / time.Minute); m < 60*2 {
		return fmt.Sprintf("%dm", m)
	}
	if h := int(d / time.Hour); h < 48 {
		return fmt.Sprintf("%dh", h)
	}
	if h := int(d / time.Hour); h < 24*365*2 {
		return fmt.Sprintf("%dd", h/24)
	}
	return fmt.Sprintf("%dy", int(d/(24*365*time.Hour)))
}
