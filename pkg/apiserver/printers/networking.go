package printers

import (
	"fmt"
	"slices"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	networkingv1 "keel.dev/api/networking/v1"
)

func networking(resource string) schema.GroupResource {
	return schema.GroupResource{Group: "networking.k8s.io", Resource: resource}
}

func addNetworkingHandlers(p *Printers) {
	add(p, networking("ingresses"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Class", "The ingress class name."),
		str("Hosts", "Hosts of the rules (three at most)."),
		str("Address", "Load-balancer addresses of the ingress."),
		str("Ports", "Ports the ingress serves: 80, and 443 with TLS."),
		ageColumn,
	}, printIngress)
	add(p, networking("ingressclasses"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Controller", "The controller that implements the class."),
		str("Parameters", "The parameters object, as Kind.group/name."),
		ageColumn,
	}, func(p *Printers, ic *networkingv1.IngressClass) ([]any, error) {
		params := "<none>"
		if ref := ic.Spec.Parameters; ref != nil {
			params = ref.Kind
			if ref.APIGroup != nil {
				params += "." + *ref.APIGroup
			}
			params += "/" + ref.Name
		}
		return []any{ic.Name, ic.Spec.Controller, params, p.since(ic.CreationTimestamp)}, nil
	})
	add(p, networking("networkpolicies"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Pod-Selector", "Labels of the pods the policy applies to."),
		ageColumn,
	}, func(p *Printers, np *networkingv1.NetworkPolicy) ([]any, error) {
		return []any{np.Name, metav1.FormatLabelSelector(&np.Spec.PodSelector), p.since(np.CreationTimestamp)}, nil
	})
	// Kubernetes sends an Age cell for IP addresses without an Age column;
	// kubectl ignores the extra cell. Reproduced as is.
	add(p, networking("ipaddresses"), []metav1.TableColumnDefinition{
		nameColumn,
		str("ParentRef", "The object the address is allocated to."),
	}, func(p *Printers, ip *networkingv1.IPAddress) ([]any, error) {
		parent := "<none>"
		if ref := ip.Spec.ParentRef; ref != nil {
			parent = strings.ToLower(schema.GroupResource{Group: ref.Group, Resource: ref.Resource}.String())
			if ref.Namespace != "" {
				parent += "/" + ref.Namespace
			}
			parent += "/" + ref.Name
		}
		return []any{ip.Name, parent, p.since(ip.CreationTimestamp)}, nil
	})
	add(p, networking("servicecidrs"), []metav1.TableColumnDefinition{
		nameColumn,
		str("CIDRs", "The ranges service IPs are allocated from."),
		ageColumn,
	}, func(p *Printers, sc *networkingv1.ServiceCIDR) ([]any, error) {
		return []any{sc.Name, strings.Join(sc.Spec.CIDRs, ","), p.since(sc.CreationTimestamp)}, nil
	})
}

func printIngress(p *Printers, in *networkingv1.Ingress) ([]any, error) {
	class := "<none>"
	if in.Spec.IngressClassName != nil {
		class = *in.Spec.IngressClassName
	}
	const max = 3
	var hosts []string
	more := false
	for _, r := range in.Spec.Rules {
		if len(hosts) == max {
			more = true
		}
		if !more && r.Host != "" {
			hosts = append(hosts, r.Host)
		}
	}
	hostStr := "*"
	if len(hosts) > 0 {
		hostStr = strings.Join(hosts, ",")
		if more {
			hostStr = fmt.Sprintf("%s + %d more...", hostStr, len(in.Spec.Rules)-max)
		}
	}
	var addrs []string
	for _, lb := range in.Status.LoadBalancer.Ingress {
		if lb.IP != "" {
			addrs = append(addrs, lb.IP)
		} else if lb.Hostname != "" {
			addrs = append(addrs, lb.Hostname)
		}
	}
	slices.Sort(addrs)
	addrs = slices.Compact(addrs)
	ports := "80"
	if len(in.Spec.TLS) > 0 {
		ports = "80, 443"
	}
	return []any{in.Name, class, hostStr, strings.Join(addrs, ","), ports, p.since(in.CreationTimestamp)}, nil
}
