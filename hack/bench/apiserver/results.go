package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"
)

// results are the figures of one run.
type results struct {
	encoding string
	rows     []row
	rss      string
}

type row struct {
	name, note string
	p50, p99   time.Duration
	n          int
}

func (r *results) add(name, note string, lat []time.Duration) {
	s := slices.Clone(lat)
	slices.Sort(s)
	r.rows = append(r.rows, row{name: name, note: note, p50: percentile(s, 50), p99: percentile(s, 99), n: len(s)})
}

// percentile returns the p-th percentile of sorted (nearest rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(i, len(sorted))-1)]
}

func (r *results) print(w io.Writer) {
	fmt.Fprintf(w, "\nKeel apiserver load (embedded etcd, HTTPS/HTTP2, %s bodies)\n\n", r.encoding)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PHASE\tRESULT\tSAMPLES\tP50\tP99")
	for _, x := range r.rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", x.name, x.note, x.n, ms(x.p50), ms(x.p99))
	}
	tw.Flush()
	if r.rss != "" {
		fmt.Fprintln(w, "\n"+r.rss)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }
