package endpointslice

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
)

// AnnotationTriggerTime records when the change that led to a slice write happened.
const AnnotationTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time"

// sliceState is one slice being reconciled.
type sliceState struct {
	slice   *discoveryv1.EndpointSlice // deep copy
	changed bool
}

func (c *Controller) sync(ctx context.Context, k string) error {
	ns, name, _ := strings.Cut(k, "/")
	existing, err := c.slices.Namespace(ns).List(labels.SelectorFromSet(labels.Set{
		discoveryv1.LabelServiceName: name,
		discoveryv1.LabelManagedBy:   ControllerName,
	}))
	if err != nil {
		return fmt.Errorf("list endpoint slices of %s: %w", k, err)
	}
	svc, err := c.services.Get(ns, name)
	if apierrors.IsNotFound(err) {
		return c.deleteSlices(ctx, existing)
	}
	if err != nil {
		return err
	}
	if svc.Spec.Selector == nil {
		return nil
	}
	if svc.Spec.Type == corev1.ServiceTypeExternalName {
		return c.deleteSlices(ctx, existing)
	}
	pods, err := c.pods.Namespace(ns).List(labels.SelectorFromSet(svc.Spec.Selector))
	if err != nil {
		return fmt.Errorf("list pods of service %s: %w", k, err)
	}
	groups, total := c.desiredGroups(svc, pods)
	sort.Slice(existing, func(i, j int) bool { return existing[i].Name < existing[j].Name })

	var keep []*sliceState
	var toDelete []*discoveryv1.EndpointSlice
	var toCreate []*discoveryv1.EndpointSlice
	if total == 0 {
		keep, toDelete, toCreate = c.placeholder(svc, existing)
	} else {
		keep, toDelete, toCreate = c.reconcileGroups(svc, groups, existing)
	}

	trig := triggerTime(svc, pods)
	if trig.IsZero() {
		trig = c.clock.Now()
	}
	var errs []error
	for _, s := range toCreate {
		c.stamp(svc, s, trig)
		if _, err := c.client.DiscoveryV1().EndpointSlices(ns).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("create endpoint slice for %s: %w", k, err))
		}
	}
	for _, st := range keep {
		if !c.stamp(svc, st.slice, time.Time{}) && !st.changed {
			continue
		}
		c.stamp(svc, st.slice, trig)
		if _, err := c.client.DiscoveryV1().EndpointSlices(ns).Update(ctx, st.slice, metav1.UpdateOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("update endpoint slice %s/%s: %w", ns, st.slice.Name, err))
		}
	}
	if err := c.deleteSlices(ctx, toDelete); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// stamp sets our labels, owner and (when trig is set) the trigger time on s;
// it reports whether labels or owner had to change.
func (c *Controller) stamp(svc *corev1.Service, s *discoveryv1.EndpointSlice, trig time.Time) bool {
	want := map[string]string{}
	for k, v := range svc.Labels {
		want[k] = v
	}
	want[discoveryv1.LabelServiceName] = svc.Name
	want[discoveryv1.LabelManagedBy] = ControllerName
	changed := !maps.Equal(want, s.Labels)
	s.Labels = want
	owner := metav1.OwnerReference{APIVersion: "v1", Kind: "Service", Name: svc.Name, UID: svc.UID,
		Controller: ptr(true), BlockOwnerDeletion: ptr(true)}
	if len(s.OwnerReferences) != 1 || !reflect.DeepEqual(s.OwnerReferences[0], owner) {
		s.OwnerReferences = []metav1.OwnerReference{owner}
		changed = true
	}
	if !trig.IsZero() {
		if s.Annotations == nil {
			s.Annotations = map[string]string{}
		}
		s.Annotations[AnnotationTriggerTime] = trig.UTC().Format(time.RFC3339Nano)
	}
	return changed
}

func ptr[T any](v T) *T { return &v }

// newSlice returns an unsaved slice of svc with the given ports.
func newSlice(svc *corev1.Service, ports []discoveryv1.EndpointPort) *discoveryv1.EndpointSlice {
	return &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{GenerateName: svc.Name + "-", Namespace: svc.Namespace},
		AddressType: discoveryv1.AddressTypeIPv4,
		Endpoints:   []discoveryv1.Endpoint{},
		Ports:       slices.Clone(ports),
	}
}

// placeholder keeps exactly one slice without endpoints or ports.
func (c *Controller) placeholder(svc *corev1.Service, existing []*discoveryv1.EndpointSlice) (keep []*sliceState, del, create []*discoveryv1.EndpointSlice) {
	if len(existing) == 0 {
		return nil, nil, []*discoveryv1.EndpointSlice{newSlice(svc, []discoveryv1.EndpointPort{})}
	}
	s := existing[0].DeepCopy()
	changed := len(s.Endpoints) != 0 || len(s.Ports) != 0 || s.AddressType != discoveryv1.AddressTypeIPv4
	s.Endpoints, s.Ports = []discoveryv1.Endpoint{}, []discoveryv1.EndpointPort{}
	s.AddressType = discoveryv1.AddressTypeIPv4
	return []*sliceState{{slice: s, changed: changed}}, existing[1:], nil
}

// reconcileGroups fits the desired endpoints into the existing slices,
// keeping endpoints where they are, filling free room, then creating slices.
func (c *Controller) reconcileGroups(svc *corev1.Service, groups map[string]*group, existing []*discoveryv1.EndpointSlice) (keep []*sliceState, del, create []*discoveryv1.EndpointSlice) {
	byKey := map[string][]*sliceState{}
	for _, s := range existing {
		k := portsKey(s.Ports)
		if _, ok := groups[k]; !ok || s.AddressType != discoveryv1.AddressTypeIPv4 {
			del = append(del, s)
			continue
		}
		byKey[k] = append(byKey[k], &sliceState{slice: s.DeepCopy()})
	}
	for _, gk := range slices.Sorted(maps.Keys(groups)) {
		g := groups[gk]
		placed := map[string]bool{}
		states := byKey[gk]
		for _, st := range states {
			kept := []discoveryv1.Endpoint{}
			for i := range st.slice.Endpoints {
				ep := &st.slice.Endpoints[i]
				n := endpointName(ep)
				want, ok := g.eps[n]
				if !ok || placed[n] || len(kept) >= c.maxPerSet {
					st.changed = true
					continue
				}
				placed[n] = true
				if !reflect.DeepEqual(*ep, want) {
					st.changed = true
				}
				kept = append(kept, want)
			}
			st.slice.Endpoints = kept
		}
		var rest []string
		for _, n := range slices.Sorted(maps.Keys(g.eps)) {
			if !placed[n] {
				rest = append(rest, n)
			}
		}
		for _, st := range states {
			for len(rest) > 0 && len(st.slice.Endpoints) < c.maxPerSet {
				st.slice.Endpoints = append(st.slice.Endpoints, g.eps[rest[0]])
				rest = rest[1:]
				st.changed = true
			}
		}
		for _, st := range states {
			if len(st.slice.Endpoints) == 0 {
				del = append(del, existingByName(existing, st.slice.Name))
				continue
			}
			keep = append(keep, st)
		}
		for len(rest) > 0 {
			n := min(len(rest), c.maxPerSet)
			s := newSlice(svc, g.ports)
			for _, name := range rest[:n] {
				s.Endpoints = append(s.Endpoints, g.eps[name])
			}
			rest = rest[n:]
			create = append(create, s)
		}
	}
	return keep, del, create
}

func existingByName(existing []*discoveryv1.EndpointSlice, name string) *discoveryv1.EndpointSlice {
	for _, s := range existing {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func (c *Controller) deleteSlices(ctx context.Context, del []*discoveryv1.EndpointSlice) error {
	var errs []error
	for _, s := range del {
		err := c.client.DiscoveryV1().EndpointSlices(s.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("delete endpoint slice %s/%s: %w", s.Namespace, s.Name, err))
		}
	}
	return errors.Join(errs...)
}
