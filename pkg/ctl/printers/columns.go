package printers

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Column layout of kubectl's tab writer: cells are at least minWidth wide
// including padding, and padding spaces separate columns.
const (
	minWidth = 6
	padding  = 3
)

// ColumnWriter aligns rows of cells into columns. It remembers the widths
// it has printed so that rows streamed later (watch) stay aligned.
type ColumnWriter struct {
	Out    io.Writer
	widths []int
}

// Write prints rows, growing the remembered widths as needed.
func (w *ColumnWriter) Write(rows [][]string) error {
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 {
				continue
			}
			for len(w.widths) <= i {
				w.widths = append(w.widths, 0)
			}
			n := len([]rune(c)) + padding
			if n < minWidth {
				n = minWidth
			}
			if n > w.widths[i] {
				w.widths[i] = n
			}
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", w.widths[i]-len([]rune(c))))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w.Out, b.String())
	return err
}

// HumanDuration formats a duration the way kubectl prints ages: 5s, 3m20s,
// 4h, 2d3h, 1y30d.
func HumanDuration(d time.Duration) string {
	if d < -time.Second {
		return "<invalid>"
	}
	if d < 0 {
		return "0s"
	}
	s := int(d / time.Second)
	m := int(d / time.Minute)
	h := int(d / time.Hour)
	switch {
	case s < 120:
		return fmt.Sprintf("%ds", s)
	case m < 10:
		if s%60 == 0 {
			return fmt.Sprintf("%dm", m)
		}
		return fmt.Sprintf("%dm%ds", m, s%60)
	case m < 180:
		return fmt.Sprintf("%dm", m)
	case h < 8:
		if m%60 == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m%60)
	case h < 48:
		return fmt.Sprintf("%dh", h)
	case h < 24*8:
		if h%24 == 0 {
			return fmt.Sprintf("%dd", h/24)
		}
		return fmt.Sprintf("%dd%dh", h/24, h%24)
	case h < 24*365*2:
		return fmt.Sprintf("%dd", h/24)
	case h < 24*365*8:
		days := h/24 - (h/24/365)*365
		if days == 0 {
			return fmt.Sprintf("%dy", h/24/365)
		}
		return fmt.Sprintf("%dy%dd", h/24/365, days)
	}
	return fmt.Sprintf("%dy", h/24/365)
}

// Age formats the age of an RFC 3339 timestamp relative to now.
func Age(ts string, now time.Time) string {
	if ts == "" {
		return "<unknown>"
	}
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return "<unknown>"
	}
	return HumanDuration(now.Sub(t))
}
