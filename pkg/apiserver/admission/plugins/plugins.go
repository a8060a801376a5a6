package plugins

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"keel.dev/apimachinery/pkg/runtime/schema"

	"keel.dev/keel/pkg/apiserver/admission"
	"keel.dev/keel/pkg/apiserver/admission/internal/objects"
	"keel.dev/keel/pkg/apiserver/admission/plugin/limitranger"
	"keel.dev/keel/pkg/apiserver/admission/plugin/priority"
	"keel.dev/keel/pkg/apiserver/admission/plugin/resourcequota"
	"keel.dev/keel/pkg/apiserver/admission/plugin/serviceaccount"
	"keel.dev/keel/pkg/apiserver/admission/plugin/storageclass"
	"keel.dev/keel/pkg/apiserver/admission/plugin/storageprotection"
	"keel.dev/keel/pkg/apiserver/admission/plugins/noderestriction"
	"keel.dev/keel/pkg/apiserver/registry/generic"
)

// Plugin names served by the registry itself rather than by the chain:
// the namespace check of every create (404 in a missing namespace, 403 in
// a terminating one) and the default not-ready/unreachable tolerations of
// new pods.
const (
	NamespaceLifecycle       = "NamespaceLifecycle"
	DefaultTolerationSeconds = "DefaultTolerationSeconds"
)

// Ordered lists the implemented plugins in the order they run, which is
// Kubernetes' order.
var Ordered = []string{
	NamespaceLifecycle,
	limitranger.PluginName,
	serviceaccount.PluginName,
	noderestriction.PluginName,
	priority.PluginName,
	DefaultTolerationSeconds,
	storageclass.PluginName,
	storageprotection.PluginName,
	resourcequota.PluginName,
}

// DefaultEnabled are the implemented plugins Kubernetes enables by default:
// all but NodeRestriction (which kubeadm turns on).
var DefaultEnabled = slices.DeleteFunc(slices.Clone(Ordered), func(n string) bool { return n == noderestriction.PluginName })

// alwaysOn are implemented inside the registry and cannot be turned off.
var alwaysOn = map[string]bool{DefaultTolerationSeconds: true}

// kubernetesOnly are plugins of Kubernetes that Keel does not implement:
// accepted in the flags (so existing command lines keep working) and
// reported as ignored.
var kubernetesOnly = map[string]bool{
	"AlwaysAdmit": true, "AlwaysDeny": true, "AlwaysPullImages": true, "CertificateApproval": true,
	"CertificateSigning": true, "CertificateSubjectRestriction": true, "ClusterTrustBundleAttest": true,
	"DefaultIngressClass": true, "DenyServiceExternalIPs": true, "EventRateLimit": true,
	"ExtendedResourceToleration": true, "ImagePolicyWebhook": true, "LimitPodHardAntiAffinityTopology": true,
	"MutatingAdmissionPolicy": true, "MutatingAdmissionWebhook": true, "NamespaceAutoProvision": true,
	"NamespaceExists": true, "OwnerReferencesPermissionEnforcement": true,
	"PersistentVolumeClaimResize": true, "PersistentVolumeLabel": true, "PodNodeSelector": true,
	"PodSecurity": true, "PodTolerationRestriction": true, "RuntimeClass": true,
	"TaintNodesByCondition": true, "ValidatingAdmissionPolicy": true,
	"ValidatingAdmissionWebhook": true,
}

// Selection is the outcome of the flags.
type Selection struct {
	// Enabled are the implemented plugins to run, in order.
	Enabled []string
	// Ignored are Kubernetes plugins named in the flags that Keel does not
	// implement.
	Ignored []string
}

// Has reports whether name is enabled.
func (s Selection) Has(name string) bool { return slices.Contains(s.Enabled, name) }

// Select resolves the flags: the default set plus enable minus disable, in
// the fixed order; unknown names and names in both lists are errors.
func Select(enable, disable []string) (Selection, error) {
	var sel Selection
	var errs []error
	known := func(flag, name string) bool {
		if slices.Contains(Ordered, name) {
			return true
		}
		if kubernetesOnly[name] {
			if !slices.Contains(sel.Ignored, name) {
				sel.Ignored = append(sel.Ignored, name)
			}
			return false
		}
		errs = append(errs, fmt.Errorf("%s plugin %q is unknown", flag, name))
		return false
	}
	on := map[string]bool{}
	for _, n := range DefaultEnabled {
		on[n] = true
	}
	for _, n := range enable {
		if known("enable-admission-plugins", n) {
			on[n] = true
		}
	}
	for _, n := range disable {
		if slices.Contains(enable, n) {
			errs = append(errs, fmt.Errorf("%s in enable-admission-plugins and disable-admission-plugins overlapped", n))
			continue
		}
		if !known("disable-admission-plugins", n) {
			continue
		}
		if alwaysOn[n] {
			errs = append(errs, fmt.Errorf("disable-admission-plugins plugin %q cannot be disabled in Keel (the registry applies it)", n))
			continue
		}
		on[n] = false
	}
	for _, n := range Ordered {
		if on[n] {
			sel.Enabled = append(sel.Enabled, n)
		}
	}
	sort.Strings(sel.Ignored)
	return sel, errors.Join(errs...)
}

// Validate checks plugin names without building anything (flag
// validation).
func Validate(enable, disable []string) error {
	_, err := Select(enable, disable)
	return err
}

// NewChain builds the chain of the enabled plugins that run in the chain
// (NamespaceLifecycle and DefaultTolerationSeconds run in the registry),
// reading other resources through lookup.
func NewChain(sel Selection, lookup objects.Lookup) (*admission.Chain, error) {
	var names []string
	var list []admission.Plugin
	for _, n := range sel.Enabled {
		var (
			p   admission.Plugin
			err error
		)
		switch n {
		case NamespaceLifecycle, DefaultTolerationSeconds:
			continue
		case limitranger.PluginName:
			p, err = limitranger.New(lookup)
		case priority.PluginName:
			p, err = priority.New(lookup)
		case storageclass.PluginName:
			p, err = storageclass.New(lookup)
		case storageprotection.PluginName:
			p = storageprotection.New()
		case resourcequota.PluginName:
			p, err = resourcequota.New(lookup)
		case serviceaccount.PluginName:
			p, err = serviceaccount.New(lookup)
		case noderestriction.PluginName:
			p, err = noderestriction.New(lookup)
		default:
			return nil, fmt.Errorf("admission plugin %q has no constructor", n)
		}
		if err != nil {
			return nil, err
		}
		names = append(names, n)
		list = append(list, p)
	}
	return admission.NewChain(names, list), nil
}

// Describe renders a selection for the start log.
func Describe(sel Selection) string {
	s := strings.Join(sel.Enabled, ",")
	if len(sel.Ignored) > 0 {
		s += " (not implemented, ignored: " + strings.Join(sel.Ignored, ",") + ")"
	}
	return s
}

// Stores is what Install needs of the registry's storages.
type Stores interface {
	// Resources lists the served resources.
	Resources() map[schema.GroupVersionResource][]string
	// Store returns the generic store of a resource.
	Store(gr schema.GroupResource) (*generic.Store, bool)
}

// Install builds the chain of sel over stores and gives every store its
// part of it; without NamespaceLifecycle the stores stop checking
// namespaces.
func Install(stores Stores, sel Selection) error {
	chain, err := NewChain(sel, stores.Store)
	if err != nil {
		return err
	}
	for gvr := range stores.Resources() {
		st, ok := stores.Store(gvr.GroupResource())
		if !ok {
			continue
		}
		st.Admission = chain.ForResource(gvr.GroupResource())
		if !sel.Has(NamespaceLifecycle) {
			st.CheckNamespace = nil
		}
	}
	return nil
}
