package metrics

import (
	"strings"
	"testing"
)

func TestWriteText(t *testing.T) {
	r := &Registry{}
	c := r.NewCounter("syncs_total", "Syncs by result.\nSecond line.", "controller", "result")
	g := r.NewGauge("leader", "Leader.")
	c.Inc("route", "success")
	c.Add(2, "route", "success")
	c.Inc("node", `we"ird`)
	g.Set(1)
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := `# HELP syncs_total Syncs by result.\nSecond line.
# TYPE syncs_total counter
syncs_total{controller="node",result="we\"ird"} 1
syncs_total{controller="route",result="success"} 3
# HELP leader Leader.
# TYPE leader gauge
leader 1
`
	if b.String() != want {
		t.Errorf("exposition:\n%s\nwant:\n%s", b.String(), want)
	}
	if got := c.Value("route", "success"); got != 3 {
		t.Errorf("Value = %v, want 3", got)
	}
}
