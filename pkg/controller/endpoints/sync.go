package endpoints

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/util/intstr"
)

// Annotations and labels the controller writes.
const (
	AnnotationTriggerTime  = "endpoints.kubernetes.io/last-change-trigger-time"
	AnnotationOverCapacity = "endpoints.kubernetes.io/over-capacity"
	LabelHeadless          = "service.kubernetes.io/headless"
	// MaxAddresses caps the addresses kept in one Endpoints object.
	MaxAddresses = 1000
)

func (c *Controller) sync(ctx context.Context, key string) error {
	ns, name, _ := strings.Cut(key, "/")
	if ns == "default" && name == "kubernetes" {
		return nil
	}
	svc, err := c.services.Get(ns, name)
	if apierrors.IsNotFound(err) {
		err := c.client.CoreV1().Endpoints(ns).Delete(ctx, name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("delete endpoints %s: %w", key, err)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if svc.Spec.Selector == nil {
		return nil
	}
	pods, err := c.pods.Namespace(ns).List(labels.SelectorFromSet(svc.Spec.Selector))
	if err != nil {
		return fmt.Errorf("list pods of service %s: %w", key, err)
	}
	subsets, truncated := buildSubsets(svc, pods)

	wantLabels := map[string]string{}
	maps.Copy(wantLabels, svc.Labels)
	if svc.Spec.ClusterIP == corev1.ClusterIPNone {
		wantLabels[LabelHeadless] = ""
	}
	cur, err := c.endpoints.Get(ns, name)
	exists := err == nil
	if err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	if exists && reflect.DeepEqual(normalize(cur.Subsets), subsets) && maps.Equal(cur.Labels, wantLabels) &&
		(cur.Annotations[AnnotationOverCapacity] == "truncated") == truncated {
		return nil
	}
	ep := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	if exists {
		ep = cur.DeepCopy()
	}
	ep.Labels = wantLabels
	if ep.Annotations == nil {
		ep.Annotations = map[string]string{}
	}
	ep.Annotations[AnnotationTriggerTime] = c.clock.Now().UTC().Format(time.RFC3339Nano)
	delete(ep.Annotations, AnnotationOverCapacity)
	if truncated {
		ep.Annotations[AnnotationOverCapacity] = "truncated"
	}
	ep.Subsets = subsets
	if exists {
		_, err = c.client.CoreV1().Endpoints(ns).Update(ctx, ep, metav1.UpdateOptions{})
	} else {
		_, err = c.client.CoreV1().Endpoints(ns).Create(ctx, ep, metav1.CreateOptions{})
	}
	if err != nil {
		return fmt.Errorf("write endpoints %s: %w", key, err)
	}
	return nil
}

// normalize treats nil and empty subsets alike.
func normalize(s []corev1.EndpointSubset) []corev1.EndpointSubset {
	if len(s) == 0 {
		return nil
	}
	return s
}

// podIPv4 returns the pod's first IPv4 address, or "".
func podIPv4(p *corev1.Pod) string {
	ips := []string{p.Status.PodIP}
	for _, ip := range p.Status.PodIPs {
		ips = append(ips, ip.IP)
	}
	for _, s := range ips {
		if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
			return s
		}
	}
	return ""
}

// resolvePort finds the pod's port for a service port.
func resolvePort(sp *corev1.ServicePort, p *corev1.Pod) (int32, bool) {
	tp := sp.TargetPort
	if tp.Type == intstr.String && tp.StrVal != "" {
		for _, ctr := range p.Spec.Containers {
			for _, cp := range ctr.Ports {
				if cp.Name == tp.StrVal && protocol(cp.Protocol) == protocol(sp.Protocol) {
					return cp.ContainerPort, true
				}
			}
		}
		return 0, false
	}
	if tp.Type == intstr.Int && tp.IntVal != 0 {
		return tp.IntVal, true
	}
	return sp.Port, true
}

func protocol(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

type subsetBuild struct {
	ports           []corev1.EndpointPort
	ready, notReady []corev1.EndpointAddress
}

// buildSubsets groups the service's pods by resolved ports; it reports
// whether addresses were dropped to stay under MaxAddresses.
func buildSubsets(svc *corev1.Service, pods []*corev1.Pod) ([]corev1.EndpointSubset, bool) {
	groups := map[string]*subsetBuild{}
	total := 0
	for _, p := range pods {
		ip := podIPv4(p)
		if ip == "" || corev1.IsPodTerminal(p) || (p.DeletionTimestamp != nil && !svc.Spec.PublishNotReadyAddresses) {
			continue
		}
		addr := corev1.EndpointAddress{IP: ip,
			TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: p.Namespace, Name: p.Name, UID: p.UID}}
		if p.Spec.NodeName != "" {
			n := p.Spec.NodeName
			addr.NodeName = &n
		}
		if p.Spec.Hostname != "" && p.Spec.Subdomain == svc.Name {
			addr.Hostname = p.Spec.Hostname
		}
		var ports []corev1.EndpointPort
		for i := range svc.Spec.Ports {
			sp := &svc.Spec.Ports[i]
			if n, ok := resolvePort(sp, p); ok {
				ports = append(ports, corev1.EndpointPort{Name: sp.Name, Port: n, Protocol: protocol(sp.Protocol), AppProtocol: sp.AppProtocol})
			}
		}
		if len(svc.Spec.Ports) > 0 && len(ports) == 0 {
			continue
		}
		sort.Slice(ports, func(i, j int) bool { return ports[i].Name < ports[j].Name })
		k := fmt.Sprint(ports)
		g := groups[k]
		if g == nil {
			g = &subsetBuild{ports: ports}
			groups[k] = g
		}
		if svc.Spec.PublishNotReadyAddresses || corev1.IsPodReady(p) {
			g.ready = append(g.ready, addr)
		} else {
			g.notReady = append(g.notReady, addr)
		}
		total++
	}
	truncated := total > MaxAddresses
	budget := MaxAddresses
	var out []corev1.EndpointSubset
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		g := groups[k]
		byIP := func(a []corev1.EndpointAddress) {
			sort.Slice(a, func(i, j int) bool { return a[i].IP < a[j].IP })
		}
		byIP(g.ready)
		byIP(g.notReady)
		out = append(out, corev1.EndpointSubset{Ports: g.ports, Addresses: g.ready, NotReadyAddresses: g.notReady})
	}
	if truncated {
		// Keep ready addresses first, then not-ready ones, up to the budget.
		for i := range out {
			n := min(len(out[i].Addresses), budget)
			out[i].Addresses, budget = out[i].Addresses[:n], budget-n
		}
		for i := range out {
			n := min(len(out[i].NotReadyAddresses), budget)
			out[i].NotReadyAddresses, budget = out[i].NotReadyAddresses[:n], budget-n
		}
		out = slices.DeleteFunc(out, func(s corev1.EndpointSubset) bool {
			return len(s.Addresses) == 0 && len(s.NotReadyAddresses) == 0
		})
	}
	for i := range out {
		if len(out[i].Addresses) == 0 {
			out[i].Addresses = nil
		}
		if len(out[i].NotReadyAddresses) == 0 {
			out[i].NotReadyAddresses = nil
		}
	}
	return normalize(out), truncated
}
