package model_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/keel/pkg/proxy/model"
	"keel.dev/keel/pkg/proxy/proxytest"
)

func spn(ns, name, port string, proto corev1.Protocol) model.ServicePortName {
	return model.ServicePortName{NamespacedName: types.NamespacedName{Namespace: ns, Name: name}, Port: port, Protocol: proto}
}

func endpointStrings(eps []model.Endpoint) []string {
	var out []string
	for _, ep := range eps {
		out = append(out, ep.String())
	}
	return out
}

func TestTrackerBuildsServicePorts(t *testing.T) {
	_, res := proxytest.Load(proxytest.Table())
	cases := []struct {
		name  string
		port  model.ServicePortName
		check func(t *testing.T, sp *model.ServicePort, eps []model.Endpoint)
	}{
		{name: "a ClusterIP service merges its endpoints sorted by address", port: spn("ns1", "web", "http", "TCP"),
			check: func(t *testing.T, sp *model.ServicePort, eps []model.Endpoint) {
				if sp.ClusterIP != netip.MustParseAddr("10.96.0.10") || sp.Port != 80 {
					t.Errorf("cluster IP %v port %d", sp.ClusterIP, sp.Port)
				}
				want := []string{"10.244.1.1:8080", "10.244.1.2:8080", "10.244.1.3:8080"}
				if diff := cmp.Diff(want, endpointStrings(eps)); diff != "" {
					t.Errorf("endpoints (-want +got):\n%s", diff)
				}
				if !eps[2].IsLocal || eps[0].IsLocal {
					t.Errorf("only the endpoint on %s is local: %+v", proxytest.NodeName, eps)
				}
			}},
		{name: "a LoadBalancer service with Local policy keeps ingress IPs and health check port", port: spn("ns2", "local", "http", "TCP"),
			check: func(t *testing.T, sp *model.ServicePort, _ []model.Endpoint) {
				if !sp.ExternalPolicyLocal || sp.HealthCheckNodePort != 32000 || sp.NodePort != 30084 {
					t.Errorf("got %+v", sp)
				}
				if len(sp.LoadBalancerIPs) != 1 || sp.LoadBalancerIPs[0].String() != "203.0.113.10" {
					t.Errorf("load balancer IPs = %v", sp.LoadBalancerIPs)
				}
			}},
		{name: "session affinity carries the configured timeout", port: spn("ns1", "sticky", "http", "TCP"),
			check: func(t *testing.T, sp *model.ServicePort, _ []model.Endpoint) {
				if !sp.SessionAffinity || sp.StickySeconds != 600 {
					t.Errorf("affinity %v timeout %d", sp.SessionAffinity, sp.StickySeconds)
				}
			}},
		{name: "terminating endpoints are kept with their conditions", port: spn("ns2", "draining", "http", "TCP"),
			check: func(t *testing.T, _ *model.ServicePort, eps []model.Endpoint) {
				usable := model.UsableEndpoints(eps, false)
				if diff := cmp.Diff([]string{"10.244.3.1:8080"}, endpointStrings(usable)); diff != "" {
					t.Errorf("usable endpoints (-want +got):\n%s", diff)
				}
			}},
		{name: "a slice address that does not parse is skipped but its neighbours stay", port: spn("ns3", "bad-addr", "http", "TCP"),
			check: func(t *testing.T, _ *model.ServicePort, eps []model.Endpoint) {
				if diff := cmp.Diff([]string{"10.244.4.3:8080"}, endpointStrings(eps)); diff != "" {
					t.Errorf("endpoints (-want +got):\n%s", diff)
				}
			}},
		{name: "a port missing from the slices has no endpoints", port: spn("ns3", "missing-port", "metrics", "TCP"),
			check: func(t *testing.T, _ *model.ServicePort, eps []model.Endpoint) {
				if len(eps) != 0 {
					t.Errorf("endpoints = %v, want none", eps)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sp := res.Services[tc.port]
			if sp == nil {
				t.Fatalf("no service port %s", tc.port)
			}
			tc.check(t, sp, res.Endpoints[tc.port])
		})
	}
}

func TestTrackerReportsMalformedInput(t *testing.T) {
	_, res := proxytest.Load(proxytest.Table())
	if _, ok := res.Services[spn("ns3", "bad-ip", "http", "TCP")]; ok {
		t.Errorf("service with an invalid cluster IP was programmed")
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{
		`Service ns3/bad-ip: invalid cluster IP "10.96.0.999"`,
		`Service ns3/missing-port: port "metrics" (TCP) not found in any EndpointSlice`,
		`EndpointSlice ns3/bad-addr-1: invalid endpoint address "not-an-ip"`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q; got:\n%s", want, joined)
		}
	}
	if got := len(res.Services); got != 12 {
		t.Errorf("programmed %d service ports, want 12 (all well-formed ones)", got)
	}
}

func TestTrackerChangeTracking(t *testing.T) {
	web := types.NamespacedName{Namespace: "ns1", Name: "web"}
	cases := []struct {
		name        string
		mutate      func(tr *model.Tracker, c proxytest.Case)
		wantChanged []types.NamespacedName
	}{
		{name: "a label-only service update changes nothing", mutate: func(tr *model.Tracker, c proxytest.Case) {
			n := c.Services[0].DeepCopy()
			n.Labels = map[string]string{"a": "b"}
			tr.OnServiceUpdate(c.Services[0], n)
		}},
		{name: "an endpoint becoming not ready changes only its service", mutate: func(tr *model.Tracker, c proxytest.Case) {
			n := c.Slices[0].DeepCopy()
			f := false
			n.Endpoints[0].Conditions.Ready = &f
			tr.OnEndpointSliceUpdate(c.Slices[0], n)
		}, wantChanged: []types.NamespacedName{web}},
		{name: "deleting a service reports it as changed", mutate: func(tr *model.Tracker, c proxytest.Case) {
			tr.OnServiceUpdate(c.Services[0], nil)
		}, wantChanged: []types.NamespacedName{web}},
		{name: "deleting an unrelated unlabeled slice changes nothing", mutate: func(tr *model.Tracker, c proxytest.Case) {
			tr.OnEndpointSliceUpdate(c.Slices[len(c.Slices)-1], nil)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := proxytest.Table()
			tr, _ := proxytest.Load(c)
			tc.mutate(tr, c)
			res := tr.Update()
			var got []types.NamespacedName
			for nn := range res.Changed {
				got = append(got, nn)
			}
			if diff := cmp.Diff(tc.wantChanged, got); diff != "" {
				t.Errorf("changed (-want +got):\n%s", diff)
			}
			if tr.Pending() {
				t.Errorf("tracker still pending after Update")
			}
		})
	}
}

func TestTrackerReportsStaleUDPState(t *testing.T) {
	udp := corev1.ProtocolUDP
	svc := proxytest.Service("ns", "dns", corev1.ServiceTypeClusterIP, "10.96.0.53", proxytest.Port("dns", udp, 53, 0))
	ports := []discoveryv1.EndpointPort{proxytest.SlicePort("dns", udp, 53)}
	tr := model.NewTracker(model.Config{NodeName: "n", Logger: proxytest.Discard()})
	tr.OnServiceUpdate(nil, svc)
	if res := tr.Update(); len(res.StaleUDPServices) != 0 {
		t.Fatalf("service without endpoints reported stale: %v", res.StaleUDPServices)
	}

	one := proxytest.Slice("ns", "dns", "dns-1", ports, proxytest.EP{IP: "10.244.0.1"}, proxytest.EP{IP: "10.244.0.2"})
	one.Annotations = map[string]string{model.TriggerTimeAnnotation: "2026-01-02T03:04:05Z"}
	tr.OnEndpointSliceUpdate(nil, one)
	res := tr.Update()
	if len(res.StaleUDPServices) != 1 || res.StaleUDPServices[0].ClusterIP.String() != "10.96.0.53" {
		t.Errorf("stale services = %v, want the dns service once it gained endpoints", res.StaleUDPServices)
	}
	wantTime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if ts := res.TriggerTimes[types.NamespacedName{Namespace: "ns", Name: "dns"}]; len(ts) != 1 || !ts[0].Equal(wantTime) {
		t.Errorf("trigger times = %v, want [%v]", ts, wantTime)
	}

	two := proxytest.Slice("ns", "dns", "dns-1", ports, proxytest.EP{IP: "10.244.0.2"})
	tr.OnEndpointSliceUpdate(one, two)
	res = tr.Update()
	if len(res.StaleUDPEndpoints) != 1 || res.StaleUDPEndpoints[0].Endpoint.String() != "10.244.0.1:53" {
		t.Errorf("stale endpoints = %+v, want 10.244.0.1:53", res.StaleUDPEndpoints)
	}
	if len(res.StaleUDPServices) != 0 {
		t.Errorf("service that kept endpoints reported stale: %v", res.StaleUDPServices)
	}
}

func TestUsableEndpoints(t *testing.T) {
	ep := func(ip string, ready, serving, term, local bool) model.Endpoint {
		return model.Endpoint{IP: netip.MustParseAddr(ip), Port: 80, Ready: ready, Serving: serving, Terminating: term, IsLocal: local}
	}
	all := []model.Endpoint{
		ep("10.0.0.1", true, true, false, false),
		ep("10.0.0.2", false, true, true, true),
		ep("10.0.0.3", false, false, true, true),
		ep("10.0.0.4", false, false, false, true),
	}
	cases := []struct {
		name      string
		eps       []model.Endpoint
		localOnly bool
		want      []string
	}{
		{name: "ready endpoints win over terminating ones", eps: all, want: []string{"10.0.0.1:80"}},
		{name: "local-only falls back to serving terminating local endpoints", eps: all, localOnly: true, want: []string{"10.0.0.2:80"}},
		{name: "nothing usable yields nothing", eps: all[3:], want: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, endpointStrings(model.UsableEndpoints(tc.eps, tc.localOnly))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
