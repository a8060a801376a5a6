package app

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// special marks fields whose value never calls for a warning, or always does.
type special int

const (
	// noEffect: the field changes nothing in Keel (it is deprecated in
	// Kubernetes too, or it tunes a feature whose switch warns already).
	noEffect special = iota + 1
	// differs: no value of the field describes what Keel does.
	differs
)

// ignoredField is a KubeletConfiguration field Keel does not apply.
type ignoredField struct {
	// def is Kubernetes' default, in its JSON form (nil: none).
	def any
	// keel is the value that describes what Keel does, or a special.
	keel any
}

// ignoredFields are the v1beta1 fields Keel reads but does not apply. A
// field is accepted silently when its value is what Keel does anyway
// (or is left zero and Kubernetes' default is what Keel does); otherwise
// it draws one warning.
var ignoredFields = map[string]ignoredField{
	"enableServer":        {true, true},
	"syncFrequency":       {"1m", "1m"}, // pods re-sync every second, within the minute
	"httpCheckFrequency":  {"20s", noEffect},
	"staticPodURL":        {"", ""},
	"staticPodURLHeader":  {nil, nil},
	"readOnlyPort":        {0, 0},
	"tlsCipherSuites":     {nil, nil},
	"tlsCurvePreferences": {nil, nil},
	"tlsMinVersion":       {"", ""},
	"rotateCertificates":  {false, false},
	"serverTLSBootstrap":  {false, false},

	"authentication.webhook.enabled":             {true, false},
	"authentication.webhook.cacheTTL":            {"2m", noEffect},
	"authentication.anonymous.enabled":           {false, false},
	"authorization.mode":                         {"Webhook", "AlwaysAllow"},
	"authorization.webhook.cacheAuthorizedTTL":   {"5m", noEffect},
	"authorization.webhook.cacheUnauthorizedTTL": {"30s", noEffect},

	"registryPullQPS":                           {5, 0},
	"registryBurst":                             {10, noEffect},
	"imagePullCredentialsVerificationPolicy":    {"NeverVerifyPreloadedImages", "NeverVerify"},
	"preloadedImagesVerificationAllowlist":      {nil, nil},
	"eventRecordQPS":                            {50, differs},
	"eventBurst":                                {100, differs},
	"enableDebuggingHandlers":                   {true, true},
	"enableContentionProfiling":                 {false, false},
	"oomScoreAdj":                               {-999, differs},
	"streamingConnectionIdleTimeout":            {"4h", noEffect},
	"nodeStatusReportFrequency":                 {"5m", "5m"},
	"nodeLeaseDurationSeconds":                  {40, 40},
	"volumeStatsAggPeriod":                      {"1m", differs},
	"kubeletCgroups":                            {"", ""},
	"systemCgroups":                             {"", ""},
	"cgroupRoot":                                {"", ""},
	"cgroupsPerQOS":                             {true, false},
	"cgroupDriver":                              {"cgroupfs", differs}, // containerd's choice
	"cpuManagerPolicy":                          {"none", "none"},
	"singleProcessOOMKill":                      {nil, differs},
	"cpuManagerPolicyOptions":                   {nil, nil},
	"cpuManagerReconcilePeriod":                 {"10s", noEffect},
	"draManagerReconcilePeriod":                 {"60s", differs},
	"memoryManagerPolicy":                       {"None", "None"},
	"topologyManagerPolicy":                     {"none", "none"},
	"topologyManagerScope":                      {"container", "container"},
	"topologyManagerPolicyOptions":              {nil, nil},
	"qosReserved":                               {nil, nil},
	"runtimeRequestTimeout":                     {"2m", differs},
	"hairpinMode":                               {"promiscuous-bridge", "hairpin-veth"},
	"podCIDR":                                   {"", ""},
	"podPidsLimit":                              {-1, -1},
	"resolvConf":                                {"/etc/resolv.conf", "/etc/resolv.conf"},
	"runOnce":                                   {false, false},
	"cpuCFSQuota":                               {true, true},
	"cpuCFSQuotaPeriod":                         {"100ms", "100ms"},
	"nodeStatusMaxImages":                       {50, 50},
	"maxOpenFiles":                              {1000000, differs},
	"serializeImagePulls":                       {true, false},
	"maxParallelImagePulls":                     {nil, nil},
	"podsPerCore":                               {0, 0},
	"enableControllerAttachDetach":              {true, true},
	"protectKernelDefaults":                     {false, false},
	"makeIPTablesUtilChains":                    {true, differs},
	"iptablesMasqueradeBit":                     {14, noEffect},
	"iptablesDropBit":                           {15, noEffect},
	"featureGates":                              {nil, nil},
	"failSwapOn":                                {true, false},
	"memorySwap":                                {nil, nil},
	"containerLogMaxWorkers":                    {1, 1},
	"containerLogMonitorInterval":               {"10s", "10s"},
	"configMapAndSecretChangeDetectionStrategy": {"Watch", "Watch"},
	"reservedSystemCPUs":                        {"", ""},
	"showHiddenMetricsForVersion":               {"", ""},
	"systemReservedCgroup":                      {"", ""},
	"kubeReservedCgroup":                        {"", ""},
	"enforceNodeAllocatable":                    {[]any{"pods"}, []any{"none"}},
	"allowedUnsafeSysctls":                      {nil, nil},
	"volumePluginDir":                           {"/usr/libexec/kubernetes/kubelet-plugins/volume/exec/", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec/"},
	"providerID":                                {"", ""},
	"kernelMemcgNotification":                   {false, false},
	"logging":                                   {nil, nil},
	"enableSystemLogHandler":                    {true, false},
	"enableSystemLogQuery":                      {false, false},
	"shutdownGracePeriod":                       {"0s", "0s"},
	"shutdownGracePeriodCriticalPods":           {"0s", "0s"},
	"shutdownGracePeriodByPodPriority":          {nil, nil},
	"crashLoopBackOff":                          {nil, nil},
	"reservedMemory":                            {nil, nil},
	"enableDebugFlagsHandler":                   {true, false},
	"seccompDefault":                            {false, false},
	"memoryThrottlingFactor":                    {0.9, noEffect}, // MemoryQoS is off
	"memoryReservationPolicy":                   {"None", "None"},
	"registerNode":                              {true, true},
	"tracing":                                   {nil, nil},
	"imageServiceEndpoint":                      {"", ""},
	"failCgroupV1":                              {false, false},
	"userNamespaces":                            {nil, nil},
}

// nestedSections are the objects whose fields are checked one by one.
var nestedSections = map[string]bool{
	"authentication": true, "authentication.x509": true, "authentication.webhook": true, "authentication.anonymous": true,
	"authorization": true, "authorization.webhook": true,
}

// taintFields are the JSON names of a Taint.
var taintFields = map[string]bool{"key": true, "value": true, "effect": true, "timeAdded": true}

// appliedFields are the dotted JSON paths of KubeletConfiguration.
var appliedFields = func() map[string]bool {
	out := map[string]bool{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			path := prefix + name
			if f.Type.Kind() == reflect.Struct {
				walk(path+".", f.Type)
				continue
			}
			out[path] = true
		}
	}
	walk("", reflect.TypeOf(KubeletConfiguration{}))
	return out
}()

// classifyFields lists, in path order, the fields of the decoded file
// that Kubernetes does not know (as strict decoding errors) and those
// Keel ignores in a way that matters.
func classifyFields(raw map[string]any) (unknown, ignored []string) {
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			path := prefix + k
			switch {
			case appliedFields[path]:
				if path == "registerWithTaints" {
					unknown = append(unknown, unknownTaintFields(v)...)
				}
			case nestedSections[path]:
				if sub, ok := v.(map[string]any); ok {
					walk(path+".", sub)
				}
			default:
				f, known := ignoredFields[path]
				switch {
				case !known:
					unknown = append(unknown, fmt.Sprintf("unknown field %q", path))
				case !f.silent(v):
					ignored = append(ignored, path)
				}
			}
		}
	}
	walk("", raw)
	sort.Strings(unknown)
	sort.Strings(ignored)
	return unknown, ignored
}

// unknownTaintFields lists the fields of registerWithTaints entries that
// a Taint does not have.
func unknownTaintFields(v any) []string {
	list, _ := v.([]any)
	var out []string
	for i, e := range list {
		m, _ := e.(map[string]any)
		for k := range m {
			if !taintFields[k] {
				out = append(out, fmt.Sprintf("unknown field %q", fmt.Sprintf("registerWithTaints[%d].%s", i, k)))
			}
		}
	}
	return out
}

// silent reports whether value v of the field needs no warning.
func (f ignoredField) silent(v any) bool {
	switch {
	case v == nil:
		return true
	case f.keel == noEffect:
		return true
	case f.keel == differs:
		return false
	case sameValue(v, f.keel):
		return true
	}
	return isZero(v, false) && sameValue(f.def, f.keel)
}

// sameValue compares JSON values; numbers by value, durations by length.
func sameValue(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb
	}
	if sa, ok := a.(string); ok {
		sb, ok := b.(string)
		if !ok {
			return false
		}
		da, errA := time.ParseDuration(sa)
		db, errB := time.ParseDuration(sb)
		if errA == nil && errB == nil {
			return da == db
		}
		return sa == sb
	}
	if la, ok := a.([]any); ok {
		lb, ok := b.([]any)
		if !ok || len(la) != len(lb) {
			return false
		}
		for i := range la {
			if !sameValue(la[i], lb[i]) {
				return false
			}
		}
		return true
	}
	if a == nil || b == nil {
		return isZero(a, true) && isZero(b, true)
	}
	return reflect.DeepEqual(a, b)
}

// number returns a JSON number (or a Go number of the table) as float64.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// isZero reports whether v is a zero value, which Kubernetes replaces by
// its default: "", 0, "0s", an empty list or object, or (within an object)
// false. An object of zero values is zero.
func isZero(v any, nested bool) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		if d, err := time.ParseDuration(x); err == nil {
			return d == 0
		}
		return x == "" || x == "0"
	case bool:
		return nested && !x
	case []any:
		return len(x) == 0
	case map[string]any:
		for _, e := range x {
			if !isZero(e, true) {
				return false
			}
		}
		return true
	}
	f, ok := number(v)
	return ok && f == 0
}
