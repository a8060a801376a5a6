package app

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/kubelet/eviction"
)

// ApplyConfigFile loads o.ConfigFile and applies it with ApplyConfig,
// returning the warnings of LoadConfigFile.
func (o *Options) ApplyConfigFile(fs *pflag.FlagSet) ([]string, error) {
	kc, warnings, err := LoadConfigFile(o.ConfigFile)
	if err != nil {
		return nil, err
	}
	if err := o.ApplyConfig(kc, fs); err != nil {
		return nil, err
	}
	return warnings, nil
}

// ApplyConfig sets the options from the file's fields, as Kubernetes
// does: a flag given on the command line (Changed in fs; fs may be nil)
// keeps its value, a field the file leaves out (or sets to a zero value
// Kubernetes defaults) keeps the built-in default. A partial evictionHard
// replaces the default thresholds unless mergeDefaultEvictionSettings is
// true. The values are checked here, naming the field; the options as a
// whole are checked later by Validate.
func (o *Options) ApplyConfig(kc *KubeletConfiguration, fs *pflag.FlagSet) error {
	a := &applier{fs: fs}

	// Paths and endpoints.
	a.str(kc.StaticPodPath, "pod-manifest-path", &o.PodManifestPath, true)
	a.str(kc.PodLogsDir, "pod-logs-dir", &o.PodLogsDir, false)
	a.str(kc.ContainerRuntimeEndpoint, "container-runtime-endpoint", &o.RuntimeEndpoint, false)
	a.str(kc.TLSCertFile, "tls-cert-file", &o.TLSCertFile, true)
	a.str(kc.TLSPrivateKeyFile, "tls-private-key-file", &o.TLSKeyFile, true)
	a.str(kc.Authentication.X509.ClientCAFile, "client-ca-file", &o.ClientCAFile, true)

	// The kubelet API and /healthz.
	if a.ip(kc.Address, "address") {
		a.str(kc.Address, "address", &o.Address, false)
	}
	if kc.Port != nil && a.free("port") {
		switch p := *kc.Port; {
		case p < 0 || p > 65535:
			a.fail("port (--port) %d must be between 1 and 65535, inclusive", p)
		case p > 0:
			o.Port = p
		}
	}
	if kc.HealthzPort != nil && a.free("healthz-port") {
		if p := *kc.HealthzPort; p < 0 || p > 65535 {
			a.fail("healthzPort (--healthz-port) %d must be between 1 and 65535, inclusive", p)
		} else {
			o.HealthzPort = int(p)
		}
	}
	if a.ip(kc.HealthzBindAddress, "healthz-bind-address") {
		a.str(kc.HealthzBindAddress, "healthz-bind-address", &o.HealthzBindAddress, false)
	}

	// Pod DNS.
	a.str(kc.ClusterDomain, "cluster-domain", &o.ClusterDomain, true)
	if kc.ClusterDNS != nil && a.free("cluster-dns") {
		for i, ip := range kc.ClusterDNS {
			if net.ParseIP(ip) == nil {
				a.fail("clusterDNS[%d] %q is not an IP address", i, ip)
			}
		}
		o.ClusterDNS = append([]string{}, kc.ClusterDNS...)
	}

	// The node and its API client.
	if kc.MaxPods != nil && a.free("max-pods") {
		switch n := *kc.MaxPods; {
		case n < 0:
			a.fail("maxPods (--max-pods) %d must not be a negative number", n)
		case n > 0:
			o.MaxPods = int64(n)
		}
	}
	a.duration(kc.NodeStatusUpdateFrequency, "nodeStatusUpdateFrequency", "node-status-update-frequency", &o.StatusUpdateFreq, false)
	a.reserved(kc.KubeReserved, "kubeReserved", "kube-reserved", &o.KubeReserved)
	a.reserved(kc.SystemReserved, "systemReserved", "system-reserved", &o.SystemReserved)
	if kc.RegisterWithTaints != nil && a.free("register-with-taints") {
		o.RegisterTaints = a.taints(kc.RegisterWithTaints)
	}
	if kc.ContentType != nil && *kc.ContentType != "" && a.free("kube-api-content-type") {
		switch ct := *kc.ContentType; ct {
		case runtime.ContentTypeProtobuf, runtime.ContentTypeJSON:
			o.KubeAPIContentType = ct
		default:
			a.fail("contentType %q must be %s or %s", ct, runtime.ContentTypeProtobuf, runtime.ContentTypeJSON)
		}
	}
	if kc.KubeAPIQPS != nil && a.free("kube-api-qps") {
		if *kc.KubeAPIQPS < 0 {
			a.fail("kubeAPIQPS (--kube-api-qps) %d must not be a negative number", *kc.KubeAPIQPS)
		}
		o.KubeAPIQPS = float32(*kc.KubeAPIQPS)
	}
	if kc.KubeAPIBurst != nil && *kc.KubeAPIBurst != 0 && a.free("kube-api-burst") {
		if *kc.KubeAPIBurst < 0 {
			a.fail("kubeAPIBurst (--kube-api-burst) %d must not be a negative number", *kc.KubeAPIBurst)
		}
		o.KubeAPIBurst = int(*kc.KubeAPIBurst)
	}

	// Static pods and container logs.
	a.duration(kc.FileCheckFrequency, "fileCheckFrequency", "file-check-frequency", &o.FileCheckFrequency, false)
	if kc.ContainerLogMaxSize != nil && *kc.ContainerLogMaxSize != "" && a.free("container-log-max-size") {
		if q, err := resource.ParseQuantity(*kc.ContainerLogMaxSize); err != nil {
			a.fail("containerLogMaxSize (--container-log-max-size) %q: %v", *kc.ContainerLogMaxSize, err)
		} else if q.Sign() <= 0 {
			a.fail("containerLogMaxSize (--container-log-max-size) %q must be positive", *kc.ContainerLogMaxSize)
		}
		o.ContainerLogMaxSize = *kc.ContainerLogMaxSize
	}
	if kc.ContainerLogMaxFiles != nil && a.free("container-log-max-files") {
		if *kc.ContainerLogMaxFiles < 2 {
			a.fail("containerLogMaxFiles (--container-log-max-files) %d must be 2 or more", *kc.ContainerLogMaxFiles)
		}
		o.ContainerLogMaxFiles = int(*kc.ContainerLogMaxFiles)
	}

	// Image garbage collection.
	a.percent(kc.ImageGCHighThresholdPercent, "imageGCHighThresholdPercent", "image-gc-high-threshold", &o.ImageGCHighThreshold)
	a.percent(kc.ImageGCLowThresholdPercent, "imageGCLowThresholdPercent", "image-gc-low-threshold", &o.ImageGCLowThreshold)
	a.duration(kc.ImageMinimumGCAge, "imageMinimumGCAge", "minimum-image-ttl-duration", &o.MinimumImageTTLDuration, false)
	a.duration(kc.ImageMaximumGCAge, "imageMaximumGCAge", "image-maximum-gc-age", &o.ImageMaximumGCAge, true)

	o.applyEviction(kc, a)

	// Fields without a flag.
	if kc.LocalStorageCapacityIsolation != nil {
		o.LocalStorageCapacityIsolation = *kc.LocalStorageCapacityIsolation
	}
	if kc.EnableProfilingHandler != nil {
		o.EnableProfilingHandler = *kc.EnableProfilingHandler
	}
	return errors.Join(a.errs...)
}

// applyEviction applies the eviction fields.
func (o *Options) applyEviction(kc *KubeletConfiguration, a *applier) {
	if kc.EvictionHard != nil && a.free("eviction-hard") {
		hard := kc.EvictionHard
		if kc.MergeDefaultEvictionSettings != nil && *kc.MergeDefaultEvictionSettings {
			hard = defaultEvictionHard()
			for k, v := range kc.EvictionHard {
				hard[k] = v
			}
		}
		a.thresholds(hard, "evictionHard")
		o.EvictionHard = evictionStatements(hard, "<")
	}
	if kc.EvictionSoft != nil && a.free("eviction-soft") {
		a.thresholds(kc.EvictionSoft, "evictionSoft")
		o.EvictionSoft = evictionStatements(kc.EvictionSoft, "<")
	}
	if kc.EvictionSoftGracePeriod != nil && a.free("eviction-soft-grace-period") {
		for _, sig := range sortedKeys(kc.EvictionSoftGracePeriod) {
			if d, err := time.ParseDuration(kc.EvictionSoftGracePeriod[sig]); err != nil || d < 0 {
				a.fail("evictionSoftGracePeriod[%s] %q is not a non-negative duration", sig, kc.EvictionSoftGracePeriod[sig])
			}
		}
		o.EvictionSoftGracePeriod = evictionStatements(kc.EvictionSoftGracePeriod, "=")
	}
	if kc.EvictionMinimumReclaim != nil && a.free("eviction-minimum-reclaim") {
		for _, sig := range sortedKeys(kc.EvictionMinimumReclaim) {
			if _, err := eviction.ParseThresholds("", "", "", sig+"="+kc.EvictionMinimumReclaim[sig]); err != nil {
				a.fail("evictionMinimumReclaim[%s] %q: %v", sig, kc.EvictionMinimumReclaim[sig], unwrapped(err))
			}
		}
		o.EvictionMinimumReclaim = evictionStatements(kc.EvictionMinimumReclaim, "=")
	}
	a.duration(kc.EvictionPressureTransitionPeriod, "evictionPressureTransitionPeriod", "eviction-pressure-transition-period",
		&o.EvictionPressureTransitionPeriod, false)
	if kc.EvictionMaxPodGracePeriod != nil && a.free("eviction-max-pod-grace-period") {
		if *kc.EvictionMaxPodGracePeriod < 0 {
			a.fail("evictionMaxPodGracePeriod (--eviction-max-pod-grace-period) %d must not be a negative number", *kc.EvictionMaxPodGracePeriod)
		}
		o.EvictionMaxPodGracePeriod = *kc.EvictionMaxPodGracePeriod
	}
}

// defaultEvictionHard is the default hard thresholds as a signal → value map.
func defaultEvictionHard() map[string]string {
	out := map[string]string{}
	for _, stmt := range strings.Split(eviction.DefaultEvictionHard, ",") {
		sig, val, _ := strings.Cut(stmt, "<")
		out[sig] = val
	}
	return out
}

// applier applies single fields and collects their errors.
type applier struct {
	fs   *pflag.FlagSet
	errs []error
}

// free reports whether the flag was not given on the command line.
func (a *applier) free(flag string) bool {
	if a.fs == nil {
		return true
	}
	f := a.fs.Lookup(flag)
	return f == nil || !f.Changed
}

func (a *applier) fail(format string, args ...any) {
	a.errs = append(a.errs, fmt.Errorf("invalid configuration: "+format, args...))
}

// str sets a string option; an empty value keeps the default unless
// Kubernetes has no default for the field (keepEmpty).
func (a *applier) str(v *string, flag string, dst *string, keepEmpty bool) {
	if v != nil && (keepEmpty || *v != "") && a.free(flag) {
		*dst = *v
	}
}

// ip checks an address field; it reports whether the field may be applied.
func (a *applier) ip(v *string, flag string) bool {
	if v == nil || *v == "" || net.ParseIP(*v) != nil {
		return true
	}
	name := map[string]string{"address": "address", "healthz-bind-address": "healthzBindAddress"}[flag]
	a.fail("%s (--%s) %q is not an IP address", name, flag, *v)
	return false
}

// duration sets a duration option; zero keeps the default unless the
// field defaults to zero (zeroIsValue). Negative durations are errors.
func (a *applier) duration(v *metav1.Duration, field, flag string, dst *time.Duration, zeroIsValue bool) {
	if v == nil || !a.free(flag) {
		return
	}
	switch {
	case v.Duration < 0:
		a.fail("%s (--%s) %v must not be negative", field, flag, v.Duration)
	case v.Duration > 0 || zeroIsValue:
		*dst = v.Duration
	}
}

// percent sets a percentage option, which must be between 0 and 100.
func (a *applier) percent(v *int32, field, flag string, dst *int) {
	if v == nil || !a.free(flag) {
		return
	}
	if *v < 0 || *v > 100 {
		a.fail("%s (--%s) %d must be between 0 and 100, inclusive", field, flag, *v)
		return
	}
	*dst = int(*v)
}

// reserved sets a resource → quantity option.
func (a *applier) reserved(m map[string]string, field, flag string, dst *map[string]string) {
	if m == nil || !a.free(flag) {
		return
	}
	out := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		if _, err := resource.ParseQuantity(m[k]); err != nil {
			a.fail("%s[%s] %q: %v", field, k, m[k], err)
		}
		out[k] = m[k]
	}
	*dst = out
}

// thresholds checks the values of an eviction threshold map.
func (a *applier) thresholds(m map[string]string, field string) {
	for _, sig := range sortedKeys(m) {
		if _, err := eviction.ParseThresholds(sig+"<"+m[sig], "", "", ""); err != nil {
			a.fail("%s[%s] %q: %v", field, sig, m[sig], unwrapped(err))
		}
	}
}

// taints checks registerWithTaints and returns them in the flag's
// key=value:Effect form.
func (a *applier) taints(list []corev1.Taint) []string {
	out := make([]string, 0, len(list))
	for i, t := range list {
		switch t.Effect {
		case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
		default:
			a.fail("registerWithTaints[%d].effect %q must be NoSchedule, PreferNoSchedule or NoExecute", i, t.Effect)
		}
		if t.Key == "" || strings.ContainsAny(t.Key, "=:,") {
			a.fail("registerWithTaints[%d].key %q is not a valid taint key", i, t.Key)
		}
		if strings.ContainsAny(t.Value, "=:,") {
			a.fail("registerWithTaints[%d].value %q is not a valid taint value", i, t.Value)
		}
		if t.TimeAdded != nil {
			a.fail("registerWithTaints[%d].timeAdded must not be set", i)
		}
		s := t.Key
		if t.Value != "" {
			s += "=" + t.Value
		}
		out = append(out, s+":"+string(t.Effect))
	}
	return out
}

// unwrapped drops the flag name ParseThresholds puts before its errors.
func unwrapped(err error) error {
	if inner := errors.Unwrap(err); inner != nil {
		return inner
	}
	return err
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
