package printers

import (
	"strconv"

	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	coordinationv1 "keel.dev/api/coordination/v1"
	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	eventsv1 "keel.dev/api/events/v1"
	policyv1 "keel.dev/api/policy/v1"
	schedulingv1 "keel.dev/api/scheduling/v1"
)

func addMiscHandlers(p *Printers) {
	add(p, schema.GroupResource{Group: "coordination.k8s.io", Resource: "leases"}, []metav1.TableColumnDefinition{
		nameColumn,
		str("Holder", "The identity currently holding the lease."),
		ageColumn,
	}, func(p *Printers, l *coordinationv1.Lease) ([]any, error) {
		holder := ""
		if l.Spec.HolderIdentity != nil {
			holder = *l.Spec.HolderIdentity
		}
		return []any{l.Name, holder, p.since(l.CreationTimestamp)}, nil
	})
	add(p, schema.GroupResource{Group: "policy", Resource: "poddisruptionbudgets"}, []metav1.TableColumnDefinition{
		nameColumn,
		str("Min Available", "Pods that must stay available during an eviction."),
		str("Max Unavailable", "Pods that may be unavailable during an eviction."),
		integer("Allowed Disruptions", "Pod disruptions currently allowed."),
		ageColumn,
	}, func(p *Printers, pdb *policyv1.PodDisruptionBudget) ([]any, error) {
		minAvail, maxUnavail := "N/A", "N/A"
		if pdb.Spec.MinAvailable != nil {
			minAvail = pdb.Spec.MinAvailable.String()
		}
		if pdb.Spec.MaxUnavailable != nil {
			maxUnavail = pdb.Spec.MaxUnavailable.String()
		}
		return []any{pdb.Name, minAvail, maxUnavail, int64(pdb.Status.DisruptionsAllowed), p.since(pdb.CreationTimestamp)}, nil
	})
	add(p, schema.GroupResource{Group: "scheduling.k8s.io", Resource: "priorityclasses"}, []metav1.TableColumnDefinition{
		nameColumn,
		integer("Value", "The priority of pods in the class."),
		boolean("Global-Default", "Whether pods that name no class get this one."),
		ageColumn,
		str("PreemptionPolicy", "Whether pods of the class may preempt lower-priority pods."),
	}, func(p *Printers, pc *schedulingv1.PriorityClass) ([]any, error) {
		policy := ""
		if pc.PreemptionPolicy != nil {
			policy = string(*pc.PreemptionPolicy)
		}
		return []any{pc.Name, int64(pc.Value), pc.GlobalDefault, p.since(pc.CreationTimestamp), policy}, nil
	})
	add(p, schema.GroupResource{Group: "events.k8s.io", Resource: "events"}, eventColumns, func(p *Printers, e *eventsv1.Event) ([]any, error) {
		return p.eventRow(coreEvent(e)), nil
	})
	add(p, schema.GroupResource{Group: "discovery.k8s.io", Resource: "endpointslices"}, []metav1.TableColumnDefinition{
		nameColumn,
		str("AddressType", "IPv4, IPv6 or FQDN."),
		str("Ports", "Port numbers of the slice (three at most)."),
		str("Endpoints", "Addresses of the slice (three at most)."),
		ageColumn,
	}, func(p *Printers, s *discoveryv1.EndpointSlice) ([]any, error) {
		const max = 3
		var ports []string
		for _, port := range s.Ports {
			if len(ports) == max {
				break
			}
			n := "*"
			if port.Port != nil {
				n = strconv.Itoa(int(*port.Port))
			} else if port.Name != nil {
				n = *port.Name
			}
			ports = append(ports, n)
		}
		var addrs []string
		count := 0
		for _, ep := range s.Endpoints {
			for _, a := range ep.Addresses {
				if len(addrs) < max {
					addrs = append(addrs, a)
				}
				count++
			}
		}
		return []any{
			s.Name, string(s.AddressType), orUnset(moreList(ports, len(s.Ports), max)),
			orUnset(moreList(addrs, count, max)), p.since(s.CreationTimestamp),
		}, nil
	})
}

// orUnset returns s, or "<unset>" when it is empty.
func orUnset(s string) string {
	if s == "" {
		return "<unset>"
	}
	return s
}

// coreEvent maps an events.k8s.io Event onto the core Event fields the
// printer reads; both resources print the same columns.
func coreEvent(e *eventsv1.Event) *corev1.Event {
	out := &corev1.Event{
		ObjectMeta:          e.ObjectMeta,
		InvolvedObject:      e.Regarding,
		Reason:              e.Reason,
		Message:             e.Note,
		Source:              e.DeprecatedSource,
		FirstTimestamp:      e.DeprecatedFirstTimestamp,
		LastTimestamp:       e.DeprecatedLastTimestamp,
		Count:               e.DeprecatedCount,
		Type:                e.Type,
		EventTime:           e.EventTime,
		ReportingController: e.ReportingController,
		ReportingInstance:   e.ReportingInstance,
	}
	if e.Series != nil {
		out.Series = &corev1.EventSeries{Count: e.Series.Count, LastObservedTime: e.Series.LastObservedTime}
	}
	return out
}
