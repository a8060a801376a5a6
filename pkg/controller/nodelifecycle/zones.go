package nodelifecycle

import (
	"log/slog"
	"time"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/labels"
)

// ZoneState is the health of one zone, from the share of its nodes that
// are not Ready.
type ZoneState string

// Zone states, as Kubernetes names them.
const (
	// ZoneNormal: evict at the primary rate.
	ZoneNormal ZoneState = "Normal"
	// ZonePartialDisruption: at least the unhealthy-zone threshold of the
	// zone's nodes (and more than two) are not Ready; evict at the
	// secondary rate, or not at all in a small cluster.
	ZonePartialDisruption ZoneState = "PartialDisruption"
	// ZoneFullDisruption: no node of the zone is Ready. When every zone is
	// in this state the controller assumes it is cut off itself, stops
	// NoExecute tainting and removes the taints it added.
	ZoneFullDisruption ZoneState = "FullDisruption"
)

// zoneEntry is the zone and readiness of one node.
type zoneEntry struct {
	zone  string
	ready bool
}

// zoneStateOf classifies a zone with ready and notReady nodes.
func zoneStateOf(ready, notReady int, threshold float64) ZoneState {
	switch {
	case ready == 0 && notReady > 0:
		return ZoneFullDisruption
	case notReady > 2 && float64(notReady)/float64(ready+notReady) >= threshold:
		return ZonePartialDisruption
	}
	return ZoneNormal
}

func isReady(n *corev1.Node) bool {
	_, c := nodeCondition(n, corev1.NodeReady)
	return c != nil && c.Status == corev1.ConditionTrue
}

// trackNode records node's readiness (nil node: deleted) and recomputes
// the zone states; it must be called with c.mu held. It returns whether
// every zone is fully disrupted.
func (c *Controller) trackNode(name string, node *corev1.Node, now time.Time) bool {
	if c.zoneNodes == nil {
		c.zoneNodes = map[string]zoneEntry{}
		all, _ := c.nodes.List(labels.Everything())
		for _, n := range all {
			c.zoneNodes[n.Name] = zoneEntry{zone: zoneOf(n), ready: isReady(n)}
		}
	}
	if node == nil {
		delete(c.zoneNodes, name)
	} else {
		c.zoneNodes[name] = zoneEntry{zone: zoneOf(node), ready: isReady(node)}
	}
	type counts struct{ ready, notReady int }
	per := map[string]*counts{}
	for n, e := range c.zoneNodes {
		ct := per[e.zone]
		if ct == nil {
			ct = &counts{}
			per[e.zone] = ct
		}
		// A node silent past the grace period is not Ready even if no sync
		// has marked it yet: judge the zone on everything known now.
		if h := c.health[n]; e.ready && (h == nil || !now.After(h.probeTime.Add(c.opts.GracePeriod))) {
			ct.ready++
		} else {
			ct.notReady++
		}
	}
	states := make(map[string]ZoneState, len(per))
	sizes := make(map[string]int, len(per))
	all := len(per) > 0
	for z, ct := range per {
		st := zoneStateOf(ct.ready, ct.notReady, c.opts.UnhealthyZoneThreshold)
		states[z], sizes[z] = st, ct.ready+ct.notReady
		if prev, ok := c.zoneStates[z]; ok && prev != st {
			slog.Default().Info("zone state changed", "controller", "nodelifecycle", "zone", displayZone(z), "state", st)
		}
		all = all && st == ZoneFullDisruption
	}
	if all != c.allDisrupted {
		if all {
			slog.Default().Warn("no node is Ready: pausing NoExecute tainting and eviction", "controller", "nodelifecycle")
		} else {
			slog.Default().Info("nodes are Ready again: resuming NoExecute tainting", "controller", "nodelifecycle")
			// Give every node a fresh grace period before judging it again.
			for _, h := range c.health {
				h.probeTime = now
			}
		}
	}
	c.zoneStates, c.zoneSizes, c.allDisrupted = states, sizes, all
	return all
}

// zoneRate is the NoExecute tainting rate (per second) of zone now.
func (c *Controller) zoneRate(zone string) float64 {
	switch c.zoneStates[zone] {
	case ZonePartialDisruption:
		if c.zoneSizes[zone] <= c.opts.LargeClusterSizeThreshold {
			return 0
		}
		return c.opts.SecondaryEvictionRate
	default:
		// Normal, and a fully disrupted zone while others are healthy:
		// that zone is likely really down, so its pods move at full rate.
		return c.opts.EvictionRate
	}
}

// ZoneStates returns the last computed state of every zone, keyed by
// "region:\x00:zone" as the zone labels give it.
func (c *Controller) ZoneStates() map[string]ZoneState {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]ZoneState, len(c.zoneStates))
	for z, s := range c.zoneStates {
		out[z] = s
	}
	return out
}

// displayZone renders a zone key for logs.
func displayZone(key string) string {
	if key == ":\x00:" {
		return "(no zone)"
	}
	return key
}
