package iptables

import (
	"bytes"
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/proxy/model"
)

// Chain names owned by the proxy.
const (
	ChainServices         = "KEEL-SERVICES"
	ChainExternalServices = "KEEL-EXTERNAL-SERVICES"
	ChainNodePorts        = "KEEL-NODEPORTS"
	ChainPostrouting      = "KEEL-POSTROUTING"
	ChainMarkMasq         = "KEEL-MARK-MASQ"
	ChainFirewall         = "KEEL-FIREWALL"
	ChainForward          = "KEEL-FORWARD"
	chainPrefix           = "KEEL-"
)

// Config holds the node-wide settings that shape the generated rules.
type Config struct {
	// Family is IPv4 (default) or IPv6.
	Family corev1.IPFamily
	// ClusterCIDR is the pod range; traffic to cluster IPs from outside it is masqueraded.
	ClusterCIDR netip.Prefix
	// MasqueradeAll masquerades all traffic to cluster IPs.
	MasqueradeAll bool
	// MasqueradeBit is the fwmark bit used to flag packets for SNAT (14 when zero).
	MasqueradeBit int
	// NodePortAddresses limits NodePorts to these ranges; empty means every local address.
	NodePortAddresses []netip.Prefix
}

func (c *Config) mark() string {
	bit := c.MasqueradeBit
	if bit == 0 {
		bit = 14
	}
	return fmt.Sprintf("%#x", 1<<bit)
}

func (c *Config) hostMask() string {
	if c.Family == corev1.IPv6Protocol {
		return "/128"
	}
	return "/32"
}

// Generator builds iptables-restore input and remembers the per-service
// chains it wrote, so later syncs can rewrite only what changed.
type Generator struct {
	cfg   Config
	mark  string
	state map[types.NamespacedName]*svcState
	names map[model.ServicePortName]*portChains
}

// portChains caches the hashed per-port chain names.
type portChains struct{ svc, svl, ext string }

func (g *Generator) portChains(spn model.ServicePortName) *portChains {
	if pc := g.names[spn]; pc != nil {
		return pc
	}
	pc := &portChains{svc: chainName("SVC", spn), svl: chainName("SVL", spn), ext: chainName("EXT", spn)}
	g.names[spn] = pc
	return pc
}

type svcState struct {
	chains []string
	nat    int
}

// NewGenerator returns a Generator with no programmed state.
func NewGenerator(cfg Config) *Generator {
	if cfg.Family == "" {
		cfg.Family = corev1.IPv4Protocol
	}
	return &Generator{cfg: cfg, mark: cfg.mark(), state: map[types.NamespacedName]*svcState{},
		names: map[model.ServicePortName]*portChains{}}
}

// Output is one generated transaction.
type Output struct {
	// Data is iptables-restore --noflush input.
	Data []byte
	// NATRules and FilterRules count the rules in the resulting tables.
	NATRules, FilterRules int
	// ChangedChains counts the per-service chains rewritten.
	ChangedChains int
	state         map[types.NamespacedName]*svcState
}

// Commit records out as applied; call it only after the restore succeeded.
func (g *Generator) Commit(out *Output) { g.state = out.state }

// Reset forgets the applied state so the next Generate is a full one.
func (g *Generator) Reset() { g.state = map[types.NamespacedName]*svcState{} }

// writer accumulates the sections of one transaction.
type writer struct {
	natChains, natRules, filterChains, filterRules, deletes bytes.Buffer
	nat, filter                                             int
}

func (w *writer) chain(buf *bytes.Buffer, name string) {
	buf.WriteString(":" + name + " - [0:0]\n")
}

func (w *writer) rule(buf *bytes.Buffer, parts ...string) {
	buf.WriteString("-A")
	for _, p := range parts {
		buf.WriteByte(' ')
		buf.WriteString(p)
	}
	buf.WriteByte('\n')
}

func comment(c string) string { return `-m comment --comment "` + c + `"` }

func protoMatch(p corev1.Protocol) string {
	l := strings.ToLower(string(p))
	return "-m " + l + " -p " + l
}

// Generate builds a transaction for the given state. existing lists KEEL-
// chains known to be in the nat table (from iptables-save) for a full sync;
// when changed is nil, every service is rewritten.
func (g *Generator) Generate(services model.ServiceMap, endpoints model.EndpointsMap,
	changed map[types.NamespacedName]struct{}, existing []string) *Output {
	full := changed == nil
	w := &writer{}
	newState := make(map[types.NamespacedName]*svcState, len(g.state))
	if !full {
		for k, v := range g.state {
			newState[k] = v
		}
		for k := range changed {
			delete(newState, k)
		}
	}
	for _, c := range []string{ChainServices, ChainExternalServices, ChainNodePorts, ChainFirewall, ChainForward} {
		w.chain(&w.filterChains, c)
	}
	for _, c := range []string{ChainServices, ChainNodePorts, ChainPostrouting, ChainMarkMasq} {
		w.chain(&w.natChains, c)
	}
	g.writeBase(w)

	names := make([]model.ServicePortName, 0, len(services))
	for spn := range services {
		names = append(names, spn)
	}
	slices.SortFunc(names, func(a, b model.ServicePortName) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Port, b.Port), cmp.Compare(a.Protocol, b.Protocol))
	})
	out := &Output{}
	for _, spn := range names {
		nn := spn.NamespacedName
		rewrite := full
		if !full {
			_, rewrite = changed[nn]
		}
		st := newState[nn]
		if st == nil {
			st = &svcState{}
			newState[nn] = st
		}
		g.writeServicePort(w, services[spn], endpoints[spn], st, rewrite)
	}
	g.writeNodePortJumps(w)
	if full && len(g.names) > len(services) {
		for spn := range g.names {
			if _, ok := services[spn]; !ok {
				delete(g.names, spn)
			}
		}
	}
	// Count rules of untouched services and collect all current chains.
	current := map[string]bool{}
	for nn, st := range newState {
		if len(st.chains) == 0 && st.nat == 0 {
			delete(newState, nn)
			continue
		}
		_, isChanged := changed[nn]
		if full || isChanged {
			for _, c := range st.chains {
				current[c] = true
			}
		} else {
			w.nat += st.nat
		}
	}
	// Stale chains: from the previous state on partial syncs, from iptables-save on full ones.
	var stale []string
	if full {
		for _, c := range existing {
			if strings.HasPrefix(c, chainPrefix) && !current[c] && !isBaseChain(c) {
				stale = append(stale, c)
			}
		}
	} else {
		for nn := range changed {
			if old := g.state[nn]; old != nil {
				for _, c := range old.chains {
					if !current[c] {
						stale = append(stale, c)
					}
				}
			}
		}
	}
	slices.Sort(stale)
	stale = slices.Compact(stale)
	for _, c := range stale {
		w.chain(&w.natChains, c)
		w.deletes.WriteString("-X " + c + "\n")
	}
	var buf bytes.Buffer
	buf.Grow(w.filterChains.Len() + w.filterRules.Len() + w.natChains.Len() + w.natRules.Len() + w.deletes.Len() + 32)
	buf.WriteString("*filter\n")
	buf.Write(w.filterChains.Bytes())
	buf.Write(w.filterRules.Bytes())
	buf.WriteString("COMMIT\n*nat\n")
	buf.Write(w.natChains.Bytes())
	buf.Write(w.natRules.Bytes())
	buf.Write(w.deletes.Bytes())
	buf.WriteString("COMMIT\n")
	out.Data = buf.Bytes()
	out.NATRules, out.FilterRules = w.nat, w.filter
	out.state = newState
	for nn := range changed {
		if st := newState[nn]; st != nil {
			out.ChangedChains += len(st.chains)
		}
	}
	if full {
		for _, st := range newState {
			out.ChangedChains += len(st.chains)
		}
	}
	return out
}

func isBaseChain(c string) bool {
	switch c {
	case ChainServices, ChainExternalServices, ChainNodePorts, ChainPostrouting, ChainMarkMasq, ChainFirewall, ChainForward:
		return true
	}
	return false
}

// writeBase writes the fixed rules of the top-level chains.
func (g *Generator) writeBase(w *writer) {
	m := g.mark
	w.rule(&w.natRules, ChainPostrouting, "-m mark ! --mark "+m+"/"+m, "-j RETURN")
	w.rule(&w.natRules, ChainPostrouting, "-j MARK --xor-mark "+m)
	w.rule(&w.natRules, ChainPostrouting, comment("keel service traffic requiring SNAT"), "-j MASQUERADE --random-fully")
	w.rule(&w.natRules, ChainMarkMasq, "-j MARK --or-mark "+m)
	w.nat += 4
	w.rule(&w.filterRules, ChainForward, "-m conntrack --ctstate INVALID -j DROP")
	w.rule(&w.filterRules, ChainForward, comment("keel forwarding rules"), "-m mark --mark "+m+"/"+m, "-j ACCEPT")
	w.rule(&w.filterRules, ChainForward, comment("keel forwarding conntrack rule"), "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
	w.filter += 3
}

// writeNodePortJumps ends KEEL-SERVICES with the jump to KEEL-NODEPORTS.
func (g *Generator) writeNodePortJumps(w *writer) {
	const c = "keel service nodeports; NOTE: this must be the last rule in this chain"
	if len(g.cfg.NodePortAddresses) == 0 {
		w.rule(&w.natRules, ChainServices, comment(c), "-m addrtype --dst-type LOCAL", "-j "+ChainNodePorts)
		w.nat++
		return
	}
	for _, p := range g.cfg.NodePortAddresses {
		if p.Addr().Is4() != (g.cfg.Family == corev1.IPv4Protocol) {
			continue
		}
		w.rule(&w.natRules, ChainServices, comment(c), "-d "+p.Masked().String(), "-j "+ChainNodePorts)
		w.nat++
	}
}

// chainName builds KEEL-<kind>-<hash> from the service port name and extra parts.
func chainName(kind string, spn model.ServicePortName, extra ...string) string {
	return chainPrefix + kind + "-" + model.Hash(append([]string{spn.String(), string(spn.Protocol)}, extra...)...)
}

// writeServicePort writes the rules of one service port. Jumps from the
// top-level chains are always written; the per-service chains only when
// rewrite is set.
func (g *Generator) writeServicePort(w *writer, sp *model.ServicePort, eps []model.Endpoint, st *svcState, rewrite bool) {
	spn := sp.Name.String()
	proto := protoMatch(sp.Protocol)
	port := strconv.Itoa(int(sp.Port))
	host := g.cfg.hostMask()
	cluster := model.UsableEndpoints(eps, false)
	local := model.UsableEndpoints(eps, true)
	pc := g.portChains(sp.Name)
	svcChain, svlChain, extChain := pc.svc, pc.svl, pc.ext

	internalChain, internalEps := svcChain, cluster
	if sp.InternalPolicyLocal {
		internalChain, internalEps = svlChain, local
	}
	externalEps := cluster
	if sp.ExternalPolicyLocal {
		externalEps = local
	}
	usesSVC := len(cluster) > 0 && (!sp.InternalPolicyLocal || (sp.ExternallyAccessible() && len(externalEps) > 0))
	usesSVL := len(local) > 0 && (sp.InternalPolicyLocal || (sp.ExternallyAccessible() && sp.ExternalPolicyLocal))
	usesEXT := sp.ExternallyAccessible() && len(externalEps) > 0

	// noEndpoints picks REJECT when the service has no endpoints at all and
	// DROP when only the local ones are missing.
	noEndpoints := func(localOnly bool) (string, string) {
		if len(cluster) == 0 || !localOnly {
			return spn + " has no endpoints", "-j REJECT"
		}
		return spn + " has no local endpoints", "-j DROP"
	}
	ipDst := "-d " + sp.ClusterIP.String() + host
	if len(internalEps) > 0 {
		w.rule(&w.natRules, ChainServices, comment(spn+" cluster IP"), proto, ipDst, "--dport "+port, "-j "+internalChain)
		w.nat++
	} else {
		c, target := noEndpoints(sp.InternalPolicyLocal)
		w.rule(&w.filterRules, ChainServices, comment(c), proto, ipDst, "--dport "+port, target)
		w.filter++
	}
	external := func(kind string, ip netip.Addr) {
		dst := "-d " + ip.String() + host
		if len(externalEps) > 0 {
			w.rule(&w.natRules, ChainServices, comment(spn+" "+kind), proto, dst, "--dport "+port, "-j "+extChain)
			w.nat++
			return
		}
		c, target := noEndpoints(sp.ExternalPolicyLocal)
		w.rule(&w.filterRules, ChainExternalServices, comment(c), proto, dst, "--dport "+port, target)
		w.filter++
	}
	for _, ip := range sp.ExternalIPs {
		external("external IP", ip)
	}
	for _, ip := range sp.LoadBalancerIPs {
		external("loadbalancer IP", ip)
	}
	if sp.NodePort > 0 {
		np := "--dport " + strconv.Itoa(int(sp.NodePort))
		if len(externalEps) > 0 {
			w.rule(&w.natRules, ChainNodePorts, comment(spn), proto, np, "-j "+extChain)
			w.nat++
		} else {
			c, target := noEndpoints(sp.ExternalPolicyLocal)
			w.rule(&w.filterRules, ChainExternalServices, comment(c), "-m addrtype --dst-type LOCAL", proto, np, target)
			w.filter++
		}
	}
	if sp.HealthCheckNodePort > 0 {
		w.rule(&w.filterRules, ChainNodePorts, comment(spn+" health check node port"), "-m tcp -p tcp",
			"--dport "+strconv.Itoa(int(sp.HealthCheckNodePort)), "-j ACCEPT")
		w.filter++
	}
	if !rewrite {
		return
	}

	start := w.nat
	rules := &w.natRules
	sepDone := map[string]bool{}
	writeSEPs := func(list []model.Endpoint) {
		for _, ep := range list {
			sep := chainName("SEP", sp.Name, ep.String())
			if sepDone[sep] {
				continue
			}
			sepDone[sep] = true
			w.chain(&w.natChains, sep)
			st.chains = append(st.chains, sep)
			w.rule(rules, sep, comment(spn), "-s "+ep.IP.String()+host, "-j "+ChainMarkMasq)
			if sp.SessionAffinity {
				w.rule(rules, sep, comment(spn), "-m recent --name "+sep+" --set", proto, "-j DNAT --to-destination "+ep.String())
			} else {
				w.rule(rules, sep, comment(spn), proto, "-j DNAT --to-destination "+ep.String())
			}
			w.nat += 2
		}
	}
	writeBalancing := func(chain string, list []model.Endpoint) {
		if sp.SessionAffinity {
			for _, ep := range list {
				sep := chainName("SEP", sp.Name, ep.String())
				w.rule(rules, chain, comment(spn+" -> "+ep.String()), "-m recent --name "+sep,
					"--rcheck --seconds "+strconv.Itoa(int(sp.StickySeconds))+" --reap", "-j "+sep)
				w.nat++
			}
		}
		for i, ep := range list {
			sep := chainName("SEP", sp.Name, ep.String())
			if n := len(list) - i; n > 1 {
				w.rule(rules, chain, comment(spn+" -> "+ep.String()),
					fmt.Sprintf("-m statistic --mode random --probability %0.10f", 1.0/float64(n)), "-j "+sep)
			} else {
				w.rule(rules, chain, comment(spn+" -> "+ep.String()), "-j "+sep)
			}
			w.nat++
		}
	}
	if usesSVC {
		w.chain(&w.natChains, svcChain)
		st.chains = append(st.chains, svcChain)
		switch {
		case g.cfg.MasqueradeAll:
			w.rule(rules, svcChain, comment(spn+" cluster IP"), proto, ipDst, "--dport "+port, "-j "+ChainMarkMasq)
			w.nat++
		case g.cfg.ClusterCIDR.IsValid():
			w.rule(rules, svcChain, comment(spn+" cluster IP"), proto, ipDst, "--dport "+port,
				"! -s "+g.cfg.ClusterCIDR.String(), "-j "+ChainMarkMasq)
			w.nat++
		}
		writeBalancing(svcChain, cluster)
	}
	if usesSVL {
		w.chain(&w.natChains, svlChain)
		st.chains = append(st.chains, svlChain)
		writeBalancing(svlChain, local)
	}
	if usesEXT {
		w.chain(&w.natChains, extChain)
		st.chains = append(st.chains, extChain)
		if sp.ExternalPolicyLocal {
			if g.cfg.ClusterCIDR.IsValid() {
				w.rule(rules, extChain, comment("pod traffic for "+spn+" external destinations"),
					"-s "+g.cfg.ClusterCIDR.String(), "-j "+svcChain)
				w.nat++
			}
			w.rule(rules, extChain, comment("masquerade LOCAL traffic for "+spn+" external destinations"),
				"-m addrtype --src-type LOCAL", "-j "+ChainMarkMasq)
			w.rule(rules, extChain, comment("route LOCAL traffic for "+spn+" external destinations"),
				"-m addrtype --src-type LOCAL", "-j "+svcChain)
			w.rule(rules, extChain, "-j "+svlChain)
			w.nat += 3
		} else {
			w.rule(rules, extChain, comment("masquerade traffic for "+spn+" external destinations"), "-j "+ChainMarkMasq)
			w.rule(rules, extChain, "-j "+svcChain)
			w.nat += 2
		}
	}
	if usesSVC {
		writeSEPs(cluster)
	}
	if usesSVL {
		writeSEPs(local)
	}
	st.nat += w.nat - start
}
