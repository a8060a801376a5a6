package app

import (
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/api/resource"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/keel/pkg/kubelet/cri"
	"keel.dev/keel/pkg/kubelet/eviction"
	"keel.dev/keel/pkg/kubelet/images"
	"keel.dev/keel/pkg/kubelet/nodestatus"
)

// Runtimes the kubelet can drive.
const (
	RuntimeCRI  = "cri"
	RuntimeFake = "fake"
)

// Options are the kubelet's command-line flags and the fields of its
// --config file.
type Options struct {
	// ConfigFile is the KubeletConfiguration file (--config), which the
	// command applies with ApplyConfigFile; flags given on the command
	// line override its values.
	ConfigFile         string
	Kubeconfig         string
	HostnameOverride   string
	NodeIP             string
	RuntimeEndpoint    string
	PodInfraImage      string
	RootDir            string
	PodLogsDir         string
	ClusterDNS         []string
	ClusterDomain      string
	RegisterTaints     []string
	NodeLabels         map[string]string
	CloudProvider      string
	MaxPods            int64
	KubeReserved       map[string]string
	SystemReserved     map[string]string
	StatusUpdateFreq   time.Duration
	Runtime            string
	FakeStartDelay     time.Duration
	HollowNodes        int
	CNIConfDir         string
	CNIBinDir          string
	Port               int32
	Address            string
	ClientCAFile       string
	TLSCertFile        string
	TLSKeyFile         string
	HealthzPort        int
	HealthzBindAddress string
	// Eviction flags (Kubernetes' names and defaults).
	EvictionHard                     string
	EvictionSoft                     string
	EvictionSoftGracePeriod          string
	EvictionMinimumReclaim           string
	EvictionPressureTransitionPeriod time.Duration
	EvictionMaxPodGracePeriod        int32
	// KubeAPIQPS and KubeAPIBurst limit the kubelet's API requests.
	KubeAPIQPS   float32
	KubeAPIBurst int
	// KubeAPIContentType is the media type the kubelet asks the apiserver
	// for (protobuf by default, as in Kubernetes).
	KubeAPIContentType string
	// Static pods and container logs (Kubernetes' flag names and defaults).
	PodManifestPath      string
	FileCheckFrequency   time.Duration
	ContainerLogMaxSize  string
	ContainerLogMaxFiles int
	// MaxParallelPodStarts bounds concurrent pod starts (Keel's own flag).
	MaxParallelPodStarts int
	// Image garbage collection (Kubernetes' names and defaults).
	ImageGCHighThreshold    int
	ImageGCLowThreshold     int
	MinimumImageTTLDuration time.Duration
	ImageMaximumGCAge       time.Duration
	// LocalStorageCapacityIsolation enforces local ephemeral storage
	// limits and reports the node's ephemeral-storage capacity (true);
	// like EnableProfilingHandler it is set only from the config file.
	LocalStorageCapacityIsolation bool
	// EnableProfilingHandler serves /debug/pprof on the kubelet API (true).
	EnableProfilingHandler bool
}

// NewOptions returns the defaults.
func NewOptions() *Options {
	return &Options{
		RuntimeEndpoint:    cri.DefaultEndpoint,
		PodInfraImage:      "keel.local/pause:3",
		RootDir:            "/var/lib/keel/kubelet",
		PodLogsDir:         "/var/log/pods",
		ClusterDomain:      "cluster.local",
		MaxPods:            110,
		StatusUpdateFreq:   10 * time.Second,
		Runtime:            RuntimeCRI,
		CNIConfDir:         "/etc/cni/net.d",
		CNIBinDir:          "/usr/lib/cni",
		Port:               10250,
		Address:            "0.0.0.0",
		HealthzPort:        10248,
		HealthzBindAddress: "127.0.0.1",

		EvictionHard:                     eviction.DefaultEvictionHard,
		EvictionPressureTransitionPeriod: eviction.DefaultPressureTransitionPeriod,
		KubeAPIQPS:                       50,
		KubeAPIBurst:                     100,
		KubeAPIContentType:               runtime.ContentTypeProtobuf,

		FileCheckFrequency:   20 * time.Second,
		ContainerLogMaxSize:  "10Mi",
		ContainerLogMaxFiles: 5,
		MaxParallelPodStarts: 4,

		ImageGCHighThreshold:    images.DefaultHighThresholdPercent,
		ImageGCLowThreshold:     images.DefaultLowThresholdPercent,
		MinimumImageTTLDuration: images.DefaultMinAge,

		LocalStorageCapacityIsolation: true,
		EnableProfilingHandler:        true,
	}
}

// AddFlags registers the options on fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.ConfigFile, "config", o.ConfigFile, "KubeletConfiguration file (kubelet.config.k8s.io/v1beta1, YAML or JSON) to read the configuration from; flags given on the command line override its values")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "path of the kubeconfig used to talk to the apiserver")
	fs.StringVar(&o.HostnameOverride, "hostname-override", o.HostnameOverride, "node name to use instead of the host name")
	fs.StringVar(&o.NodeIP, "node-ip", o.NodeIP, "InternalIP of the node (default: the first non-loopback address)")
	fs.StringVar(&o.RuntimeEndpoint, "container-runtime-endpoint", o.RuntimeEndpoint, "CRI endpoint of the container runtime")
	fs.StringVar(&o.PodInfraImage, "pod-infra-image", o.PodInfraImage, "sandbox (pause) image; it must be configured as containerd's sandbox_image")
	fs.StringVar(&o.RootDir, "root-dir", o.RootDir, "directory of the kubelet's state and pod volumes")
	fs.StringVar(&o.PodLogsDir, "pod-logs-dir", o.PodLogsDir, "directory of container logs")
	fs.StringSliceVar(&o.ClusterDNS, "cluster-dns", o.ClusterDNS, "comma-separated DNS server IPs for pods with dnsPolicy ClusterFirst")
	fs.StringVar(&o.ClusterDomain, "cluster-domain", o.ClusterDomain, "cluster DNS domain appended to pod search paths")
	fs.StringSliceVar(&o.RegisterTaints, "register-with-taints", o.RegisterTaints, "taints to register the node with (key=value:Effect,...)")
	fs.StringToStringVar(&o.NodeLabels, "node-labels", o.NodeLabels, "labels to register the node with (key=value,...)")
	fs.StringVar(&o.CloudProvider, "cloud-provider", o.CloudProvider, `"external" registers the node with the uninitialized taint for the cloud controller manager`)
	fs.Int64Var(&o.MaxPods, "max-pods", o.MaxPods, "number of pods the node can run")
	fs.StringToStringVar(&o.KubeReserved, "kube-reserved", o.KubeReserved, "resources reserved for Kubernetes daemons (cpu=...,memory=...)")
	fs.StringToStringVar(&o.SystemReserved, "system-reserved", o.SystemReserved, "resources reserved for the system (cpu=...,memory=...)")
	fs.DurationVar(&o.StatusUpdateFreq, "node-status-update-frequency", o.StatusUpdateFreq, "how often the node status is computed and posted when changed")
	fs.StringVar(&o.Runtime, "runtime", o.Runtime, `"cri" drives the runtime at --container-runtime-endpoint; "fake" runs an in-memory runtime`)
	fs.DurationVar(&o.FakeStartDelay, "fake-start-delay", o.FakeStartDelay, "with --runtime=fake, how long a container takes to start")
	fs.IntVar(&o.HollowNodes, "hollow-nodes", o.HollowNodes, "run this many fake-runtime kubelets (nodes <hostname>-hollow-<i>) in this process")
	fs.StringVar(&o.CNIConfDir, "cni-conf-dir", o.CNIConfDir, "directory the CNI conflist for the node's podCIDR is written to")
	fs.StringVar(&o.CNIBinDir, "cni-bin-dir", o.CNIBinDir, "directory of the CNI plugin binaries (containerd's bin_dir must point there)")
	fs.Int32Var(&o.Port, "port", o.Port, "port of the HTTPS kubelet API, reported in the node's daemonEndpoints (0 disables the API)")
	fs.StringVar(&o.Address, "address", o.Address, "address the kubelet API listens on")
	fs.StringVar(&o.ClientCAFile, "client-ca-file", o.ClientCAFile, "CA bundle that signs the client certificates the kubelet API accepts (empty: no authentication)")
	fs.StringVar(&o.TLSCertFile, "tls-cert-file", o.TLSCertFile, "serving certificate of the kubelet API (empty: self-signed)")
	fs.StringVar(&o.TLSKeyFile, "tls-private-key-file", o.TLSKeyFile, "key of --tls-cert-file")
	fs.IntVar(&o.HealthzPort, "healthz-port", o.HealthzPort, "port of the plain-HTTP /healthz endpoint (0 disables it)")
	fs.StringVar(&o.HealthzBindAddress, "healthz-bind-address", o.HealthzBindAddress, "address of the /healthz endpoint")
	fs.StringVar(&o.EvictionHard, "eviction-hard", o.EvictionHard, "hard eviction thresholds (signal<quantity or percentage,...); empty disables them")
	fs.StringVar(&o.EvictionSoft, "eviction-soft", o.EvictionSoft, "soft eviction thresholds (signal<value,...), each with a grace period in --eviction-soft-grace-period")
	fs.StringVar(&o.EvictionSoftGracePeriod, "eviction-soft-grace-period", o.EvictionSoftGracePeriod, "how long each soft threshold must hold before pods are evicted (signal=duration,...)")
	fs.StringVar(&o.EvictionMinimumReclaim, "eviction-minimum-reclaim", o.EvictionMinimumReclaim, "how much beyond a threshold must be reclaimed once eviction started (signal=quantity or percentage,...)")
	fs.DurationVar(&o.EvictionPressureTransitionPeriod, "eviction-pressure-transition-period", o.EvictionPressureTransitionPeriod, "how long a pressure condition stays true after its threshold was last met")
	fs.StringVar(&o.PodManifestPath, "pod-manifest-path", o.PodManifestPath, "directory of static pod manifests (staticPodPath): each file holds one Pod the kubelet runs and mirrors in the API")
	fs.IntVar(&o.MaxParallelPodStarts, "max-parallel-pod-starts", o.MaxParallelPodStarts, "how many pods create their sandbox and first containers at the same time; the others wait their turn in arrival order (up to 10 s). A few at a time lets the first pods of a large batch run early without delaying the last; -1 removes the bound")
	fs.DurationVar(&o.FileCheckFrequency, "file-check-frequency", o.FileCheckFrequency, "how often the static pod directory is re-read in full (changes are also picked up within a second)")
	fs.StringVar(&o.ContainerLogMaxSize, "container-log-max-size", o.ContainerLogMaxSize, "size (a quantity, e.g. 10Mi) a container log reaches before it is rotated")
	fs.IntVar(&o.ContainerLogMaxFiles, "container-log-max-files", o.ContainerLogMaxFiles, "how many log files a container keeps, the current one included (at least 2)")
	fs.Float32Var(&o.KubeAPIQPS, "kube-api-qps", o.KubeAPIQPS, "queries per second to the apiserver")
	fs.IntVar(&o.KubeAPIBurst, "kube-api-burst", o.KubeAPIBurst, "burst of queries to the apiserver")
	fs.StringVar(&o.KubeAPIContentType, "kube-api-content-type", o.KubeAPIContentType, "media type of requests to the apiserver (application/vnd.kubernetes.protobuf or application/json)")
	fs.Int32Var(&o.EvictionMaxPodGracePeriod, "eviction-max-pod-grace-period", o.EvictionMaxPodGracePeriod, "maximum grace period in seconds of pods evicted for a soft threshold")
	fs.IntVar(&o.ImageGCHighThreshold, "image-gc-high-threshold", o.ImageGCHighThreshold, "image filesystem usage (percent, 0-100) at or above which unused images are removed; 100 turns periodic image garbage collection off")
	fs.IntVar(&o.ImageGCLowThreshold, "image-gc-low-threshold", o.ImageGCLowThreshold, "image filesystem usage (percent, below --image-gc-high-threshold) that image garbage collection frees down to")
	fs.DurationVar(&o.MinimumImageTTLDuration, "minimum-image-ttl-duration", o.MinimumImageTTLDuration, "how long an unused image is kept after the kubelet first saw it")
	fs.DurationVar(&o.ImageMaximumGCAge, "image-maximum-gc-age", o.ImageMaximumGCAge, "remove images unused for this long whatever the disk usage (0 disables it; must exceed --minimum-image-ttl-duration)")
}

// NodeName is the node name: the override, else the lower-cased host name.
func (o *Options) NodeName() (string, error) {
	if o.HostnameOverride != "" {
		return strings.ToLower(strings.TrimSpace(o.HostnameOverride)), nil
	}
	h, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("host name: %w", err)
	}
	return strings.ToLower(h), nil
}

// Validate checks the options.
func (o *Options) Validate() error {
	switch o.Runtime {
	case RuntimeCRI, RuntimeFake:
	default:
		return fmt.Errorf("--runtime must be %q or %q, not %q", RuntimeCRI, RuntimeFake, o.Runtime)
	}
	if o.HollowNodes < 0 {
		return fmt.Errorf("--hollow-nodes must not be negative")
	}
	if o.HollowNodes > 0 && o.Runtime != RuntimeFake {
		return fmt.Errorf("--hollow-nodes needs --runtime=fake")
	}
	if o.NodeIP != "" && net.ParseIP(o.NodeIP) == nil {
		return fmt.Errorf("--node-ip %q is not an IP address", o.NodeIP)
	}
	for _, ip := range o.ClusterDNS {
		if net.ParseIP(ip) == nil {
			return fmt.Errorf("--cluster-dns %q is not an IP address", ip)
		}
	}
	if o.KubeAPIContentType != runtime.ContentTypeProtobuf && o.KubeAPIContentType != runtime.ContentTypeJSON {
		return fmt.Errorf("--kube-api-content-type: unsupported %q (application/vnd.kubernetes.protobuf or application/json)", o.KubeAPIContentType)
	}
	if o.KubeAPIQPS < 0 || o.KubeAPIBurst < 0 {
		return fmt.Errorf("--kube-api-qps and --kube-api-burst must not be negative")
	}
	if o.MaxPods <= 0 {
		return fmt.Errorf("--max-pods must be positive")
	}
	if o.CloudProvider != "" && o.CloudProvider != "external" {
		return fmt.Errorf("--cloud-provider must be empty or \"external\"")
	}
	if (o.TLSCertFile == "") != (o.TLSKeyFile == "") {
		return fmt.Errorf("--tls-cert-file and --tls-private-key-file go together")
	}
	if _, err := o.Taints(); err != nil {
		return err
	}
	if _, err := o.Reserved(); err != nil {
		return err
	}
	if _, err := o.EvictionConfig(); err != nil {
		return err
	}
	if _, err := o.LogMaxSize(); err != nil {
		return err
	}
	if _, err := o.ImageGCConfig(); err != nil {
		return err
	}
	if o.ContainerLogMaxFiles < 2 {
		return fmt.Errorf("--container-log-max-files must be at least 2")
	}
	if o.MaxParallelPodStarts == 0 || o.MaxParallelPodStarts < -1 {
		return fmt.Errorf("--max-parallel-pod-starts must be positive, or -1 for no bound")
	}
	if o.FileCheckFrequency <= 0 {
		return fmt.Errorf("--file-check-frequency must be positive")
	}
	return nil
}

// LogMaxSize parses --container-log-max-size into bytes.
func (o *Options) LogMaxSize() (int64, error) {
	q, err := resource.ParseQuantity(o.ContainerLogMaxSize)
	if err != nil {
		return 0, fmt.Errorf("--container-log-max-size %q: %w", o.ContainerLogMaxSize, err)
	}
	if q.Value() <= 0 {
		return 0, fmt.Errorf("--container-log-max-size must be positive")
	}
	return q.Value(), nil
}

// EvictionConfig returns the eviction policy of the eviction flags.
func (o *Options) EvictionConfig() (*eviction.Config, error) {
	th, err := eviction.ParseThresholds(o.EvictionHard, o.EvictionSoft, o.EvictionSoftGracePeriod, o.EvictionMinimumReclaim)
	if err != nil {
		return nil, err
	}
	if o.EvictionPressureTransitionPeriod < 0 {
		return nil, fmt.Errorf("--eviction-pressure-transition-period must not be negative")
	}
	if o.EvictionMaxPodGracePeriod < 0 {
		return nil, fmt.Errorf("--eviction-max-pod-grace-period must not be negative")
	}
	return &eviction.Config{Thresholds: th, PressureTransitionPeriod: o.EvictionPressureTransitionPeriod,
		MaxPodGracePeriodSeconds: int64(o.EvictionMaxPodGracePeriod)}, nil
}

// ImageGCConfig returns the image garbage collection policy of the image
// GC flags; the sandbox image is never removed.
func (o *Options) ImageGCConfig() (*images.Config, error) {
	p := images.Policy{HighThresholdPercent: o.ImageGCHighThreshold, LowThresholdPercent: o.ImageGCLowThreshold,
		MinAge: o.MinimumImageTTLDuration, MaxAge: o.ImageMaximumGCAge}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &images.Config{Policy: p, PinnedImages: []string{o.PodInfraImage}}, nil
}

// Taints parses --register-with-taints and adds the uninitialized taint
// for --cloud-provider=external.
func (o *Options) Taints() ([]corev1.Taint, error) {
	var out []corev1.Taint
	for _, s := range o.RegisterTaints {
		t, err := parseTaint(s)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if o.CloudProvider == "external" {
		out = append(out, corev1.Taint{Key: nodestatus.TaintCloudUninitialized, Value: "true", Effect: corev1.TaintEffectNoSchedule})
	}
	return out, nil
}

// parseTaint parses key[=value]:Effect.
func parseTaint(s string) (corev1.Taint, error) {
	kv, effect, ok := strings.Cut(s, ":")
	if !ok {
		return corev1.Taint{}, fmt.Errorf("taint %q: want key[=value]:Effect", s)
	}
	e := corev1.TaintEffect(effect)
	switch e {
	case corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute:
	default:
		return corev1.Taint{}, fmt.Errorf("taint %q: unknown effect %q", s, effect)
	}
	k, v, _ := strings.Cut(kv, "=")
	if k == "" {
		return corev1.Taint{}, fmt.Errorf("taint %q: empty key", s)
	}
	return corev1.Taint{Key: k, Value: v, Effect: e}, nil
}

// Reserved sums --kube-reserved and --system-reserved.
func (o *Options) Reserved() (corev1.ResourceList, error) {
	out := corev1.ResourceList{}
	for _, m := range []map[string]string{o.KubeReserved, o.SystemReserved} {
		for k, v := range m {
			q, err := resource.ParseQuantity(v)
			if err != nil {
				return nil, fmt.Errorf("reserved %s=%s: %w", k, v, err)
			}
			name := corev1.ResourceName(k)
			if cur, ok := out[name]; ok {
				q.Add(cur)
			}
			out[name] = q
		}
	}
	return out, nil
}
