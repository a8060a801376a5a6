package nftables

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

// TableName is the name of the proxy's table in both families.
const TableName = "keel"

// Map, set and chain names of the fixed part of the table.
const (
	MapServiceIPs          = "service-ips"
	MapServiceNodePorts    = "service-nodeports"
	MapNoEndpointServices  = "no-endpoint-services"
	MapNoEndpointNodePorts = "no-endpoint-nodeports"
	SetNodePortIPs         = "nodeport-ips"
	ChainServices          = "services"
	ChainMasquerading      = "masquerading"
	ChainMarkMasq          = "mark-for-masquerade"
	ChainEndpointsCheck    = "service-endpoints-check"
	ChainReject            = "reject-chain"
)

// Config holds the node-wide settings that shape the generated rules.
type Config struct {
	// Family is IPv4 (default, table "ip keel") or IPv6 ("ip6 keel").
	Family corev1.IPFamily
	// ClusterCIDR is the pod range; traffic to cluster IPs from outside it is masqueraded.
	ClusterCIDR netip.Prefix
	// MasqueradeAll masquerades all traffic to cluster IPs.
	MasqueradeAll bool
	// MasqueradeBit is the fwmark bit used to flag packets for SNAT (14 when zero).
	MasqueradeBit int
	// NodePortAddresses limits NodePorts to these ranges; empty means every local address.
	NodePortAddresses []netip.Prefix
	// CascadeBalancing picks endpoints with a chain of `numgen random mod
	// k == 0` rules instead of one anonymous verdict map per service. Each
	// anonymous map is a kernel set, and loading ten thousand of them is
	// several times slower; per-packet cost grows with the endpoints of the
	// one service only, never with the number of services.
	CascadeBalancing bool
}

type family struct {
	table, ip, addrType, loopback string
}

func (c *Config) family() family {
	if c.Family == corev1.IPv6Protocol {
		return family{table: "ip6 " + TableName, ip: "ip6", addrType: "ipv6_addr", loopback: "::1"}
	}
	return family{table: "ip " + TableName, ip: "ip", addrType: "ipv4_addr", loopback: "127.0.0.0/8"}
}

// element is one programmed map entry.
type element struct{ set, key string }

type svcState struct {
	chains   []string
	sets     []string
	elements []element
	rules    int
}

// Generator builds `nft -f` input and remembers what each service owns, so
// later syncs can replace only the chains and map elements that changed.
type Generator struct {
	cfg   Config
	fam   family
	mark  string
	state map[types.NamespacedName]*svcState
}

// NewGenerator returns a Generator with no programmed state.
func NewGenerator(cfg Config) *Generator {
	if cfg.Family == "" {
		cfg.Family = corev1.IPv4Protocol
	}
	bit := cfg.MasqueradeBit
	if bit == 0 {
		bit = 14
	}
	return &Generator{cfg: cfg, fam: cfg.family(), mark: fmt.Sprintf("%#x", 1<<bit), state: map[types.NamespacedName]*svcState{}}
}

// Output is one generated transaction.
type Output struct {
	// Data is `nft -f` input.
	Data []byte
	// Rules counts the rules and map elements in the resulting table.
	Rules int
	// ChangedChains counts the per-service chains rewritten.
	ChangedChains int
	state         map[types.NamespacedName]*svcState
}

// Commit records out as applied; call it only after nft succeeded.
func (g *Generator) Commit(out *Output) { g.state = out.state }

// Reset forgets the applied state so the next Generate is a full one.
func (g *Generator) Reset() { g.state = map[types.NamespacedName]*svcState{} }

type writer struct {
	fam                                        family
	full                                       bool
	delElems, defs, rules, addElems, deletions bytes.Buffer
}

func (w *writer) chain(name string) {
	w.defs.WriteString("add chain " + w.fam.table + " " + name + "\n")
}

func (w *writer) rule(chain string, parts ...string) {
	w.rules.WriteString("add rule " + w.fam.table + " " + chain)
	for _, p := range parts {
		w.rules.WriteByte(' ')
		w.rules.WriteString(p)
	}
	w.rules.WriteByte('\n')
}

// Generate builds a transaction. A nil changed map rebuilds the whole table;
// otherwise only the services in changed are replaced.
func (g *Generator) Generate(services model.ServiceMap, endpoints model.EndpointsMap,
	changed map[types.NamespacedName]struct{}) *Output {
	full := changed == nil
	w := &writer{fam: g.fam, full: full}
	newState := make(map[types.NamespacedName]*svcState, len(g.state))
	base := 0
	if full {
		base = g.writeBase(w)
	} else {
		for k, v := range g.state {
			newState[k] = v
		}
		keys := make([]types.NamespacedName, 0, len(changed))
		for k := range changed {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b types.NamespacedName) int {
			return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
		})
		for _, k := range keys {
			delete(newState, k)
			if old := g.state[k]; old != nil {
				for _, e := range old.elements {
					w.delElems.WriteString("delete element " + g.fam.table + " " + e.set + " { " + e.key + " }\n")
				}
			}
		}
		base = baseRules(g)
	}
	names := make([]model.ServicePortName, 0, len(services))
	for spn := range services {
		if _, ok := changed[spn.NamespacedName]; full || ok {
			names = append(names, spn)
		}
	}
	slices.SortFunc(names, func(a, b model.ServicePortName) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Port, b.Port), cmp.Compare(a.Protocol, b.Protocol))
	})
	out := &Output{}
	for _, spn := range names {
		st := newState[spn.NamespacedName]
		if st == nil {
			st = &svcState{}
			newState[spn.NamespacedName] = st
		}
		g.writeServicePort(w, services[spn], endpoints[spn], st)
	}
	if !full {
		current := map[string]bool{}
		for nn := range changed {
			if st := newState[nn]; st != nil {
				for _, c := range st.chains {
					current[c] = true
				}
				for _, s := range st.sets {
					current[s] = true
				}
			}
		}
		var staleChains, staleSets []string
		for nn := range changed {
			if old := g.state[nn]; old != nil {
				for _, c := range old.chains {
					if !current[c] {
						staleChains = append(staleChains, c)
					}
				}
				for _, s := range old.sets {
					if !current[s] {
						staleSets = append(staleSets, s)
					}
				}
			}
		}
		slices.Sort(staleChains)
		slices.Sort(staleSets)
		for _, c := range staleChains {
			w.deletions.WriteString("flush chain " + g.fam.table + " " + c + "\n")
		}
		for _, c := range staleChains {
			w.deletions.WriteString("delete chain " + g.fam.table + " " + c + "\n")
		}
		for _, s := range staleSets {
			w.deletions.WriteString("delete set " + g.fam.table + " " + s + "\n")
		}
	}
	out.Rules = base
	for nn, st := range newState {
		if len(st.chains) == 0 && len(st.elements) == 0 {
			delete(newState, nn)
			continue
		}
		out.Rules += st.rules + len(st.elements)
		if _, ok := changed[nn]; full || ok {
			out.ChangedChains += len(st.chains)
		}
	}
	var buf bytes.Buffer
	buf.Grow(w.delElems.Len() + w.defs.Len() + w.rules.Len() + w.addElems.Len() + w.deletions.Len())
	buf.Write(w.delElems.Bytes())
	buf.Write(w.defs.Bytes())
	buf.Write(w.rules.Bytes())
	buf.Write(w.addElems.Bytes())
	buf.Write(w.deletions.Bytes())
	out.Data = buf.Bytes()
	out.state = newState
	return out
}

// baseRules counts the rules writeBase emits, for partial syncs.
func baseRules(g *Generator) int {
	w := &writer{fam: g.fam}
	return g.writeBase(w)
}

// writeBase recreates the table with its fixed chains, maps and rules and
// returns the number of rules written.
func (g *Generator) writeBase(w *writer) int {
	t, ip := g.fam.table, g.fam.ip
	w.defs.WriteString("add table " + t + "\ndelete table " + t + "\nadd table " + t + "\n")
	hooks := []struct{ name, spec string }{
		{"nat-prerouting", "type nat hook prerouting priority dstnat ; policy accept ;"},
		{"nat-output", "type nat hook output priority -100 ; policy accept ;"},
		{"nat-postrouting", "type nat hook postrouting priority srcnat ; policy accept ;"},
		{"filter-input", "type filter hook input priority -110 ; policy accept ;"},
		{"filter-forward", "type filter hook forward priority -110 ; policy accept ;"},
		{"filter-output", "type filter hook output priority -110 ; policy accept ;"},
	}
	for _, h := range hooks {
		w.defs.WriteString("add chain " + t + " " + h.name + " { " + h.spec + " }\n")
	}
	for _, c := range []string{ChainServices, ChainMasquerading, ChainMarkMasq, ChainEndpointsCheck, ChainReject} {
		w.chain(c)
	}
	addr := g.fam.addrType
	w.defs.WriteString("add map " + t + " " + MapServiceIPs + " { type " + addr + " . inet_proto . inet_service : verdict ; }\n")
	w.defs.WriteString("add map " + t + " " + MapServiceNodePorts + " { type inet_proto . inet_service : verdict ; }\n")
	w.defs.WriteString("add map " + t + " " + MapNoEndpointServices + " { type " + addr + " . inet_proto . inet_service : verdict ; }\n")
	w.defs.WriteString("add map " + t + " " + MapNoEndpointNodePorts + " { type inet_proto . inet_service : verdict ; }\n")
	nodePortMatch := "fib daddr type local " + ip + " daddr != " + g.fam.loopback
	var npAddrs []string
	for _, p := range g.cfg.NodePortAddresses {
		if p.Addr().Is4() == (g.cfg.Family == corev1.IPv4Protocol) {
			npAddrs = append(npAddrs, p.Masked().String())
		}
	}
	if len(g.cfg.NodePortAddresses) > 0 {
		w.defs.WriteString("add set " + t + " " + SetNodePortIPs + " { type " + addr + " ; flags interval ; }\n")
		if len(npAddrs) > 0 {
			w.addElems.WriteString("add element " + t + " " + SetNodePortIPs + " { " + strings.Join(npAddrs, ", ") + " }\n")
		}
		nodePortMatch = "fib daddr type local " + ip + " daddr @" + SetNodePortIPs
	}
	n := 0
	r := func(chain string, parts ...string) { w.rule(chain, parts...); n++ }
	r("nat-prerouting", "jump "+ChainServices)
	r("nat-output", "jump "+ChainServices)
	r("nat-postrouting", "jump "+ChainMasquerading)
	for _, c := range []string{"filter-input", "filter-forward", "filter-output"} {
		r(c, "ct state new jump "+ChainEndpointsCheck)
	}
	r(ChainMasquerading, "meta mark & "+g.mark+" == 0 return")
	r(ChainMasquerading, "meta mark set meta mark ^ "+g.mark)
	r(ChainMasquerading, "masquerade fully-random")
	r(ChainMarkMasq, "meta mark set meta mark | "+g.mark)
	r(ChainServices, ip+" daddr . meta l4proto . th dport vmap @"+MapServiceIPs)
	r(ChainServices, nodePortMatch, "meta l4proto . th dport vmap @"+MapServiceNodePorts)
	r(ChainEndpointsCheck, ip+" daddr . meta l4proto . th dport vmap @"+MapNoEndpointServices)
	r(ChainEndpointsCheck, nodePortMatch, "meta l4proto . th dport vmap @"+MapNoEndpointNodePorts)
	r(ChainReject, "reject")
	return n
}

// chainSuffix is the readable part of per-service chain names.
func chainSuffix(spn model.ServicePortName) string {
	return spn.Namespace + "/" + spn.Name + "/" + strings.ToLower(string(spn.Protocol)) + "/" + spn.Port
}

func chainName(kind string, spn model.ServicePortName) string {
	return kind + "-" + model.Hash(spn.String(), string(spn.Protocol))[:8] + "-" + chainSuffix(spn)
}

func endpointName(kind string, spn model.ServicePortName, ep model.Endpoint, extra ...string) string {
	h := model.Hash(append([]string{spn.String(), string(spn.Protocol), ep.String()}, extra...)...)[:8]
	// nft identifiers cannot hold ':', so IPv6 addresses use '.' instead.
	ip := strings.ReplaceAll(ep.IP.String(), ":", ".")
	return kind + "-" + h + "-" + chainSuffix(spn) + "__" + ip + "/" + strconv.Itoa(int(ep.Port))
}

// writeServicePort writes the chains, sets and map elements of one port.
func (g *Generator) writeServicePort(w *writer, sp *model.ServicePort, eps []model.Endpoint, st *svcState) {
	t, ip := g.fam.table, g.fam.ip
	proto := strings.ToLower(string(sp.Protocol))
	port := strconv.Itoa(int(sp.Port))
	cluster := model.UsableEndpoints(eps, false)
	local := model.UsableEndpoints(eps, true)
	svcChain := chainName("service", sp.Name)
	localChain := chainName("local", sp.Name)
	extChain := chainName("external", sp.Name)

	internalChain, internalEps := svcChain, cluster
	if sp.InternalPolicyLocal {
		internalChain, internalEps = localChain, local
	}
	externalEps := cluster
	if sp.ExternalPolicyLocal {
		externalEps = local
	}
	usesSVC := len(cluster) > 0 && (!sp.InternalPolicyLocal || (sp.ExternallyAccessible() && len(externalEps) > 0))
	usesLocal := len(local) > 0 && (sp.InternalPolicyLocal || (sp.ExternallyAccessible() && sp.ExternalPolicyLocal))
	usesExt := sp.ExternallyAccessible() && len(externalEps) > 0

	elem := func(set, key, verdict string) {
		w.addElems.WriteString("add element " + t + " " + set + " { " + key + " : " + verdict + " }\n")
		st.elements = append(st.elements, element{set: set, key: key})
	}
	noEndpoints := func(localOnly bool) string {
		if len(cluster) == 0 || !localOnly {
			return "goto " + ChainReject
		}
		return "drop"
	}
	key := func(a netip.Addr) string { return a.String() + " . " + proto + " . " + port }
	if len(internalEps) > 0 {
		elem(MapServiceIPs, key(sp.ClusterIP), "goto "+internalChain)
	} else {
		elem(MapNoEndpointServices, key(sp.ClusterIP), noEndpoints(sp.InternalPolicyLocal))
	}
	for _, a := range append(slices.Clone(sp.ExternalIPs), sp.LoadBalancerIPs...) {
		if len(externalEps) > 0 {
			elem(MapServiceIPs, key(a), "goto "+extChain)
		} else {
			elem(MapNoEndpointServices, key(a), noEndpoints(sp.ExternalPolicyLocal))
		}
	}
	if sp.NodePort > 0 {
		npKey := proto + " . " + strconv.Itoa(int(sp.NodePort))
		if len(externalEps) > 0 {
			elem(MapServiceNodePorts, npKey, "goto "+extChain)
		} else {
			elem(MapNoEndpointNodePorts, npKey, noEndpoints(sp.ExternalPolicyLocal))
		}
	}

	define := func(c string) {
		w.chain(c)
		if !w.full {
			w.rules.WriteString("flush chain " + t + " " + c + "\n")
		}
		st.chains = append(st.chains, c)
	}
	rule := func(c string, parts ...string) { w.rule(c, parts...); st.rules++ }
	affinitySet := func(ep model.Endpoint) string {
		return endpointName("affinity", sp.Name, ep, strconv.Itoa(int(sp.StickySeconds)))
	}
	balance := func(c string, list []model.Endpoint) {
		if sp.SessionAffinity {
			for _, ep := range list {
				rule(c, ip+" saddr @"+affinitySet(ep), "goto "+endpointName("endpoint", sp.Name, ep))
			}
		}
		if g.cfg.CascadeBalancing {
			for i, ep := range list {
				target := "goto " + endpointName("endpoint", sp.Name, ep)
				if left := len(list) - i; left > 1 {
					rule(c, "numgen random mod "+strconv.Itoa(left)+" == 0", target)
				} else {
					rule(c, target)
				}
			}
			return
		}
		var vm strings.Builder
		for i, ep := range list {
			if i > 0 {
				vm.WriteString(" , ")
			}
			fmt.Fprintf(&vm, "%d : goto %s", i, endpointName("endpoint", sp.Name, ep))
		}
		rule(c, "numgen random mod "+strconv.Itoa(len(list))+" vmap { "+vm.String()+" }")
	}
	if usesSVC {
		define(svcChain)
		dst := ip + " daddr " + sp.ClusterIP.String() + " " + proto + " dport " + port
		switch {
		case g.cfg.MasqueradeAll:
			rule(svcChain, dst, "jump "+ChainMarkMasq)
		case g.cfg.ClusterCIDR.IsValid():
			rule(svcChain, dst, ip+" saddr != "+g.cfg.ClusterCIDR.String(), "jump "+ChainMarkMasq)
		}
		balance(svcChain, cluster)
	}
	if usesLocal {
		define(localChain)
		balance(localChain, local)
	}
	if usesExt {
		define(extChain)
		if sp.ExternalPolicyLocal {
			if g.cfg.ClusterCIDR.IsValid() {
				rule(extChain, ip+" saddr "+g.cfg.ClusterCIDR.String(), "goto "+svcChain)
			}
			rule(extChain, "fib saddr type local", "jump "+ChainMarkMasq)
			rule(extChain, "fib saddr type local", "goto "+svcChain)
			rule(extChain, "goto "+localChain)
		} else {
			rule(extChain, "jump "+ChainMarkMasq)
			rule(extChain, "goto "+svcChain)
		}
	}
	var targets []model.Endpoint
	if usesSVC {
		targets = append(targets, cluster...)
	}
	if usesLocal {
		targets = append(targets, local...)
	}
	done := map[string]bool{}
	for _, ep := range targets {
		c := endpointName("endpoint", sp.Name, ep)
		if done[c] {
			continue
		}
		done[c] = true
		define(c)
		rule(c, ip+" saddr "+ep.IP.String(), "jump "+ChainMarkMasq)
		if sp.SessionAffinity {
			set := affinitySet(ep)
			w.defs.WriteString("add set " + t + " " + set + " { type " + g.fam.addrType +
				" ; flags dynamic,timeout ; timeout " + strconv.Itoa(int(sp.StickySeconds)) + "s ; }\n")
			st.sets = append(st.sets, set)
			rule(c, "update @"+set+" { "+ip+" saddr }")
		}
		rule(c, "meta l4proto "+proto, "dnat to "+ep.String())
	}
}
