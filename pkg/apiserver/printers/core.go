package printers

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime/schema"

	corev1 "keel.dev/api/core/v1"
)

// Node role labels kubectl reads the Roles column from.
const (
	nodeRolePrefix = "node-role.kubernetes.io/"
	nodeRoleLabel  = "kubernetes.io/role"
)

func core(resource string) schema.GroupResource { return schema.GroupResource{Resource: resource} }

func addCoreHandlers(p *Printers) {
	addPodHandlers(p)
	add(p, core("namespaces"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Status", "The namespace's lifecycle phase."),
		ageColumn,
	}, func(p *Printers, ns *corev1.Namespace) ([]any, error) {
		return []any{ns.Name, string(ns.Status.Phase), p.since(ns.CreationTimestamp)}, nil
	})
	add(p, core("nodes"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Status", "The node's Ready condition, and whether scheduling is disabled."),
		str("Roles", "Roles from the node's node-role.kubernetes.io/ labels."),
		ageColumn,
		str("Version", "The kubelet version the node reports."),
		wide(str("Internal-IP", "The node's first internal IP address.")),
		wide(str("External-IP", "The node's first external IP address.")),
		wide(str("OS-Image", "The operating system image the node reports.")),
		wide(str("Kernel-Version", "The kernel version the node reports.")),
		wide(str("Container-Runtime", "The container runtime name and version the node reports.")),
	}, printNode)
	add(p, core("services"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Type", "How the service is exposed."),
		str("Cluster-IP", "The service's primary cluster IP."),
		str("External-IP", "Addresses that reach the service from outside the cluster."),
		str("Port(s)", "The service's ports, with node ports when allocated."),
		ageColumn,
		wide(str("Selector", "Labels of the pods that back the service.")),
	}, printService)
	add(p, core("endpoints"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Endpoints", "Ready addresses with their ports."),
		ageColumn,
	}, func(p *Printers, e *corev1.Endpoints) ([]any, error) {
		return []any{e.Name, formatEndpoints(e), p.since(e.CreationTimestamp)}, nil
	})
	add(p, core("configmaps"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Data", "Number of data and binaryData entries."),
		ageColumn,
	}, func(p *Printers, cm *corev1.ConfigMap) ([]any, error) {
		return []any{cm.Name, int64(len(cm.Data) + len(cm.BinaryData)), p.since(cm.CreationTimestamp)}, nil
	})
	add(p, core("secrets"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Type", "The kind of secret."),
		str("Data", "Number of data entries."),
		ageColumn,
	}, func(p *Printers, s *corev1.Secret) ([]any, error) {
		return []any{s.Name, string(s.Type), int64(len(s.Data)), p.since(s.CreationTimestamp)}, nil
	})
	add(p, core("serviceaccounts"), []metav1.TableColumnDefinition{
		nameColumn,
		str("Secrets", "Number of secrets the service account lists."),
		ageColumn,
	}, func(p *Printers, sa *corev1.ServiceAccount) ([]any, error) {
		return []any{sa.Name, int64(len(sa.Secrets)), p.since(sa.CreationTimestamp)}, nil
	})
	add(p, core("events"), eventColumns, func(p *Printers, e *corev1.Event) ([]any, error) {
		return p.eventRow(e), nil
	})
}

func printNode(p *Printers, n *corev1.Node) ([]any, error) {
	var status []string
	for _, c := range n.Status.Conditions {
		if c.Type != corev1.NodeReady {
			continue
		}
		if c.Status == corev1.ConditionTrue {
			status = []string{string(c.Type)}
		} else {
			status = []string{"Not" + string(c.Type)}
		}
	}
	if len(status) == 0 {
		status = append(status, "Unknown")
	}
	if n.Spec.Unschedulable {
		status = append(status, "SchedulingDisabled")
	}
	var roles []string
	for k, v := range n.Labels {
		switch {
		case strings.HasPrefix(k, nodeRolePrefix):
			if r := strings.TrimPrefix(k, nodeRolePrefix); r != "" {
				roles = append(roles, r)
			}
		case k == nodeRoleLabel && v != "":
			roles = append(roles, v)
		}
	}
	slices.Sort(roles)
	roles = slices.Compact(roles)
	info := n.Status.NodeInfo
	return []any{
		n.Name, strings.Join(status, ","), orNone(strings.Join(roles, ",")), p.since(n.CreationTimestamp), info.KubeletVersion,
		nodeAddress(n, corev1.NodeInternalIP), nodeAddress(n, corev1.NodeExternalIP),
		orUnknown(info.OSImage), orUnknown(info.KernelVersion), orUnknown(info.ContainerRuntimeVersion),
	}, nil
}

func nodeAddress(n *corev1.Node, t corev1.NodeAddressType) string {
	for _, a := range n.Status.Addresses {
		if a.Type == t {
			return a.Address
		}
	}
	return "<none>"
}

func orUnknown(s string) string {
	if s == "" {
		return "<unknown>"
	}
	return s
}

func printService(p *Printers, s *corev1.Service) ([]any, error) {
	clusterIP := "<none>"
	if len(s.Spec.ClusterIPs) > 0 {
		clusterIP = s.Spec.ClusterIPs[0]
	}
	ports := make([]string, len(s.Spec.Ports))
	for i, sp := range s.Spec.Ports {
		if sp.NodePort > 0 {
			ports[i] = fmt.Sprintf("%d:%d/%s", sp.Port, sp.NodePort, sp.Protocol)
		} else {
			ports[i] = fmt.Sprintf("%d/%s", sp.Port, sp.Protocol)
		}
	}
	return []any{
		s.Name, string(s.Spec.Type), clusterIP, serviceExternalIP(s), orNone(strings.Join(ports, ",")),
		p.since(s.CreationTimestamp), labels.FormatLabels(s.Spec.Selector),
	}, nil
}

func serviceExternalIP(s *corev1.Service) string {
	switch s.Spec.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		return orNone(strings.Join(s.Spec.ExternalIPs, ","))
	case corev1.ServiceTypeLoadBalancer:
		var addrs []string
		for _, in := range s.Status.LoadBalancer.Ingress {
			if in.IP != "" {
				addrs = append(addrs, in.IP)
			} else if in.Hostname != "" {
				addrs = append(addrs, in.Hostname)
			}
		}
		// Deduplicated and sorted; the server prints wide, so never cut short.
		slices.Sort(addrs)
		addrs = slices.Compact(addrs)
		addrs = append(addrs, s.Spec.ExternalIPs...)
		if len(addrs) == 0 {
			return "<pending>"
		}
		return strings.Join(addrs, ",")
	case corev1.ServiceTypeExternalName:
		return s.Spec.ExternalName
	}
	return "<unknown>"
}

// formatEndpoints lists up to three ip:port pairs of an Endpoints object.
func formatEndpoints(e *corev1.Endpoints) string {
	if len(e.Subsets) == 0 {
		return "<none>"
	}
	const max = 3
	var list []string
	count := 0
	for _, ss := range e.Subsets {
		if len(ss.Ports) == 0 {
			count += len(ss.Addresses)
			for _, a := range ss.Addresses {
				if len(list) == max {
					break
				}
				list = append(list, a.IP)
			}
			continue
		}
		for _, port := range ss.Ports {
			count += len(ss.Addresses)
			for _, a := range ss.Addresses {
				if len(list) == max {
					break
				}
				list = append(list, net.JoinHostPort(a.IP, strconv.Itoa(int(port.Port))))
			}
		}
	}
	return moreList(list, count, max)
}

var eventColumns = []metav1.TableColumnDefinition{
	str("Last Seen", "Time since the event was last observed."),
	str("Type", "Normal or Warning."),
	str("Reason", "Short machine-readable cause of the event."),
	str("Object", "The object the event is about."),
	wide(str("Subobject", "The field of the object the event is about.")),
	wide(str("Source", "The component that reported the event.")),
	str("Message", "Human-readable description of the event."),
	wide(str("First Seen", "Time since the event was first observed.")),
	wide(str("Count", "How many times the event occurred.")),
	wide(metav1.TableColumnDefinition{Name: "Name", Type: "string", Format: "name", Description: "The event object's name."}),
}

// eventRow prints a core/v1 Event.
func (p *Printers) eventRow(e *corev1.Event) []any {
	first := p.since(e.FirstTimestamp)
	if e.FirstTimestamp.IsZero() {
		first = p.sinceMicro(e.EventTime)
	}
	last := p.since(e.LastTimestamp)
	if e.LastTimestamp.IsZero() {
		last = first
	}
	count := e.Count
	if e.Series != nil {
		last = p.sinceMicro(e.Series.LastObservedTime)
		count = e.Series.Count
	} else if count == 0 {
		count = 1
	}
	target := strings.ToLower(e.InvolvedObject.Kind)
	if e.InvolvedObject.Name != "" {
		target += "/" + e.InvolvedObject.Name
	}
	return []any{
		last, e.Type, e.Reason, target, e.InvolvedObject.FieldPath,
		eventSource(e.Source, e.ReportingController, e.ReportingInstance),
		strings.TrimSpace(e.Message), first, int64(count), e.Name,
	}
}

// eventSource renders "component, host" from the legacy source or, when
// unset, the reporting controller and instance.
func eventSource(src corev1.EventSource, controller, instance string) string {
	component, host := src.Component, src.Host
	if component == "" {
		component = controller
	}
	if host == "" {
		host = instance
	}
	if host == "" {
		return component
	}
	return component + ", " + host
}
