package app

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	corev1 "keel.dev/api/core/v1"
)

// writeConfig writes a config file into a fresh directory and returns its path.
func writeConfig(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// load parses args like the kubelet command, then applies the --config file.
func load(t *testing.T, args ...string) (*Options, []string, error) {
	t.Helper()
	o := NewOptions()
	fs := pflag.NewFlagSet("kubelet", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	warnings, err := o.ApplyConfigFile(fs)
	return o, warnings, err
}

const yamlConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 10.0.0.7
port: 20250
tlsCertFile: /etc/keel/kubelet.crt
tlsPrivateKeyFile: /etc/keel/kubelet.key
authentication:
  x509:
    clientCAFile: /etc/keel/ca.crt
clusterDNS: [10.96.0.10]
clusterDomain: example.local
staticPodPath: /etc/keel/manifests
fileCheckFrequency: 5s
healthzPort: 10348
healthzBindAddress: 0.0.0.0
maxPods: 50
nodeStatusUpdateFrequency: 20s
kubeAPIQPS: 20
kubeAPIBurst: 40
contentType: application/json
containerRuntimeEndpoint: unix:///run/other/containerd.sock
podLogsDir: /var/log/keel-pods
containerLogMaxSize: 5Mi
containerLogMaxFiles: 3
imageGCHighThresholdPercent: 70
imageGCLowThresholdPercent: 60
imageMinimumGCAge: 1m
imageMaximumGCAge: 48h
evictionSoft:
  memory.available: 1Gi
evictionSoftGracePeriod:
  memory.available: 1m30s
evictionMinimumReclaim:
  memory.available: 200Mi
evictionPressureTransitionPeriod: 2m
evictionMaxPodGracePeriod: 60
kubeReserved:
  cpu: 100m
systemReserved:
  memory: 256Mi
enableProfilingHandler: false
`

const jsonConfig = `{
  "apiVersion": "kubelet.config.k8s.io/v1beta1",
  "kind": "KubeletConfiguration",
  "address": "10.0.0.7", "port": 20250,
  "tlsCertFile": "/etc/keel/kubelet.crt", "tlsPrivateKeyFile": "/etc/keel/kubelet.key",
  "authentication": {"x509": {"clientCAFile": "/etc/keel/ca.crt"}},
  "clusterDNS": ["10.96.0.10"], "clusterDomain": "example.local",
  "staticPodPath": "/etc/keel/manifests", "fileCheckFrequency": "5s",
  "healthzPort": 10348, "healthzBindAddress": "0.0.0.0",
  "maxPods": 50, "nodeStatusUpdateFrequency": "20s",
  "kubeAPIQPS": 20, "kubeAPIBurst": 40, "contentType": "application/json",
  "containerRuntimeEndpoint": "unix:///run/other/containerd.sock", "podLogsDir": "/var/log/keel-pods",
  "containerLogMaxSize": "5Mi", "containerLogMaxFiles": 3,
  "imageGCHighThresholdPercent": 70, "imageGCLowThresholdPercent": 60,
  "imageMinimumGCAge": "1m", "imageMaximumGCAge": "48h",
  "evictionSoft": {"memory.available": "1Gi"}, "evictionSoftGracePeriod": {"memory.available": "1m30s"},
  "evictionMinimumReclaim": {"memory.available": "200Mi"},
  "evictionPressureTransitionPeriod": "2m", "evictionMaxPodGracePeriod": 60,
  "kubeReserved": {"cpu": "100m"}, "systemReserved": {"memory": "256Mi"},
  "enableProfilingHandler": false
}`

func TestConfigFileFields(t *testing.T) {
	for _, format := range []struct{ name, file, content string }{
		{"a YAML file", "config.yaml", yamlConfig},
		{"a JSON file", "config.json", jsonConfig},
	} {
		t.Run(format.name, func(t *testing.T) {
			o, warnings, err := load(t, "--config="+writeConfig(t, format.file, format.content))
			if err != nil {
				t.Fatal(err)
			}
			if len(warnings) != 0 {
				t.Errorf("warnings: %q", warnings)
			}
			if err := o.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			cases := []struct {
				name      string
				got, want any
			}{
				{"address", o.Address, "10.0.0.7"},
				{"port", o.Port, int32(20250)},
				{"tlsCertFile", o.TLSCertFile, "/etc/keel/kubelet.crt"},
				{"tlsPrivateKeyFile", o.TLSKeyFile, "/etc/keel/kubelet.key"},
				{"authentication.x509.clientCAFile", o.ClientCAFile, "/etc/keel/ca.crt"},
				{"clusterDNS", strings.Join(o.ClusterDNS, ","), "10.96.0.10"},
				{"clusterDomain", o.ClusterDomain, "example.local"},
				{"staticPodPath", o.PodManifestPath, "/etc/keel/manifests"},
				{"fileCheckFrequency", o.FileCheckFrequency, 5 * time.Second},
				{"healthzPort", o.HealthzPort, 10348},
				{"healthzBindAddress", o.HealthzBindAddress, "0.0.0.0"},
				{"maxPods", o.MaxPods, int64(50)},
				{"nodeStatusUpdateFrequency", o.StatusUpdateFreq, 20 * time.Second},
				{"kubeAPIQPS", o.KubeAPIQPS, float32(20)},
				{"kubeAPIBurst", o.KubeAPIBurst, 40},
				{"contentType", o.KubeAPIContentType, "application/json"},
				{"containerRuntimeEndpoint", o.RuntimeEndpoint, "unix:///run/other/containerd.sock"},
				{"podLogsDir", o.PodLogsDir, "/var/log/keel-pods"},
				{"containerLogMaxSize", o.ContainerLogMaxSize, "5Mi"},
				{"containerLogMaxFiles", o.ContainerLogMaxFiles, 3},
				{"imageGCHighThresholdPercent", o.ImageGCHighThreshold, 70},
				{"imageGCLowThresholdPercent", o.ImageGCLowThreshold, 60},
				{"imageMinimumGCAge", o.MinimumImageTTLDuration, time.Minute},
				{"imageMaximumGCAge", o.ImageMaximumGCAge, 48 * time.Hour},
				{"evictionSoft", o.EvictionSoft, "memory.available<1Gi"},
				{"evictionSoftGracePeriod", o.EvictionSoftGracePeriod, "memory.available=1m30s"},
				{"evictionMinimumReclaim", o.EvictionMinimumReclaim, "memory.available=200Mi"},
				{"evictionPressureTransitionPeriod", o.EvictionPressureTransitionPeriod, 2 * time.Minute},
				{"evictionMaxPodGracePeriod", o.EvictionMaxPodGracePeriod, int32(60)},
				{"evictionHard left out keeps the defaults", o.EvictionHard, "memory.available<100Mi,nodefs.available<10%,imagefs.available<15%,nodefs.inodesFree<5%"},
				{"kubeReserved", o.KubeReserved["cpu"], "100m"},
				{"systemReserved", o.SystemReserved["memory"], "256Mi"},
				{"enableProfilingHandler", o.EnableProfilingHandler, false},
				{"localStorageCapacityIsolation left out is true", o.LocalStorageCapacityIsolation, true},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					if c.got != c.want {
						t.Errorf("got %v, want %v", c.got, c.want)
					}
				})
			}
		})
	}
}

func TestConfigPrecedence(t *testing.T) {
	file := writeConfig(t, "config.yaml", `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
maxPods: 50
clusterDomain: example.local
evictionHard:
  memory.available: 1Gi
registerWithTaints:
- key: file
  effect: NoSchedule
`)
	cases := []struct {
		name  string
		args  []string
		check func(o *Options) (got, want any)
	}{
		{"the file overrides the default", nil, func(o *Options) (any, any) { return o.MaxPods, int64(50) }},
		{"a flag overrides the file", []string{"--max-pods=20"}, func(o *Options) (any, any) { return o.MaxPods, int64(20) }},
		{"a flag given with the default value still overrides the file", []string{"--max-pods=110"}, func(o *Options) (any, any) { return o.MaxPods, int64(110) }},
		{"a flag overrides only its own field", []string{"--max-pods=20"}, func(o *Options) (any, any) { return o.ClusterDomain, "example.local" }},
		{"a field the file leaves out keeps the default", nil, func(o *Options) (any, any) { return o.Port, int32(10250) }},
		{"a map flag replaces the file's map", []string{"--eviction-hard=nodefs.available<5%"}, func(o *Options) (any, any) { return o.EvictionHard, "nodefs.available<5%" }},
		{"a list flag replaces the file's list", []string{"--register-with-taints=flag=x:NoExecute"}, func(o *Options) (any, any) { return strings.Join(o.RegisterTaints, ","), "flag=x:NoExecute" }},
		{"flags given before --config win too", []string{"--cluster-domain=flag.local"}, func(o *Options) (any, any) { return o.ClusterDomain, "flag.local" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, _, err := load(t, append(c.args, "--config="+file)...)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := c.check(o); got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestConfigType(t *testing.T) {
	cases := []struct {
		name    string
		head    string
		wantErr []string // substrings; none means the file loads
	}{
		{"v1beta1 KubeletConfiguration loads", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n", nil},
		{"another apiVersion is rejected", "apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\n",
			[]string{`no kind "KubeletConfiguration" is registered for version "kubelet.config.k8s.io/v1"`, "want apiVersion kubelet.config.k8s.io/v1beta1"}},
		{"another kind is rejected", "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeProxyConfiguration\n",
			[]string{`no kind "KubeProxyConfiguration" is registered for version "kubelet.config.k8s.io/v1beta1"`}},
		{"a missing kind is rejected", "apiVersion: kubelet.config.k8s.io/v1beta1\n", []string{"Object 'Kind' is missing"}},
		{"a missing apiVersion is rejected", "kind: KubeletConfiguration\n", []string{"Object 'apiVersion' is missing"}},
		{"a document that is not an object is rejected", "- a\n- b\n", []string{"failed to decode"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeConfig(t, "kubelet.yaml", c.head+"maxPods: 30\n")
			_, _, err := LoadConfigFile(path)
			if len(c.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range c.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	t.Run("a missing file is an error naming it", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "absent.yaml")
		if _, _, err := LoadConfigFile(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("error %v does not name %s", err, path)
		}
	})
	t.Run("an empty file is an error", func(t *testing.T) {
		if _, _, err := LoadConfigFile(writeConfig(t, "empty.yaml", "\n")); err == nil || !strings.Contains(err.Error(), "was empty") {
			t.Errorf("error %v", err)
		}
	})
}

func TestConfigWarnings(t *testing.T) {
	const head = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
	cases := []struct {
		name string
		body string
		want []string // exact warnings, in order
	}{
		{"an unknown field is a warning, as Kubernetes decodes leniently", "maxPods: 30\nnoSuchField: 1\n",
			[]string{`Using lenient decoding as strict decoding failed: strict decoding error: unknown field "noSuchField"`}},
		{"unknown nested fields are named by their path", "authentication:\n  x509:\n    clientCAFile: /ca\n    bogus: 1\nregisterWithTaints:\n- key: a\n  effect: NoSchedule\n  colour: red\n",
			[]string{`Using lenient decoding as strict decoding failed: strict decoding error: unknown field "authentication.x509.bogus", unknown field "registerWithTaints[0].colour"`}},
		{"a duplicate field is a warning", "clusterDomain: a.local\nclusterDomain: b.local\n",
			[]string{`Using lenient decoding as strict decoding failed: strict decoding error: yaml: unmarshal errors:` + "\n" + `  line 4: key "clusterDomain" already set in map`}},
		{"an ignored field whose value is what keel does is silent", "serializeImagePulls: false\nfailSwapOn: false\nhairpinMode: hairpin-veth\nresolvConf: /etc/resolv.conf\nenforceNodeAllocatable: [none]\n", nil},
		{"an ignored field left zero is silent when Kubernetes' default is what keel does", "shutdownGracePeriod: 0s\nsyncFrequency: 0s\nmemorySwap: {}\nlogging:\n  flushFrequency: 0\n  options:\n    text:\n      infoBufferSize: \"0\"\n  verbosity: 0\nnodeStatusReportFrequency: 5m0s\n", nil},
		{"deprecated fields without effect are silent", "streamingConnectionIdleTimeout: 10m\niptablesDropBit: 3\n", nil},
		{"an ignored field that makes a difference draws one warning each", "cgroupDriver: systemd\nserializeImagePulls: true\nauthorization:\n  mode: Webhook\nfeatureGates:\n  SomeGate: true\nenforceNodeAllocatable: [pods]\n",
			[]string{"field authorization.mode is not supported by keel and is ignored", "field cgroupDriver is not supported by keel and is ignored",
				"field enforceNodeAllocatable is not supported by keel and is ignored",
				"field featureGates is not supported by keel and is ignored", "field serializeImagePulls is not supported by keel and is ignored"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, warnings, err := load(t, "--config="+writeConfig(t, "c.yaml", head+c.body))
			if err != nil {
				t.Fatalf("an unknown or ignored field must not fail: %v", err)
			}
			if !reflect.DeepEqual(warnings, c.want) {
				t.Errorf("warnings:\n got %q\nwant %q", warnings, c.want)
			}
			if strings.Contains(c.body, "maxPods: 30\n") && o.MaxPods != 30 {
				t.Errorf("the known fields are still applied: maxPods %d", o.MaxPods)
			}
		})
	}
	t.Run("a kubeadm-generated file loads", func(t *testing.T) {
		o, warnings, err := load(t, "--config="+writeConfig(t, "kubeadm.yaml", kubeadmConfig))
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Validate(); err != nil {
			t.Fatalf("Validate: %v", err)
		}
		if o.ClientCAFile != "/etc/kubernetes/pki/ca.crt" || o.PodManifestPath != "/etc/kubernetes/manifests" ||
			o.FileCheckFrequency != 20*time.Second || o.RuntimeEndpoint != "unix:///run/containerd/containerd.sock" {
			t.Errorf("options: %+v", o)
		}
		for _, w := range warnings {
			if strings.Contains(w, "strict decoding") {
				t.Errorf("kubeadm's fields are all known: %s", w)
			}
		}
	})
}

// kubeadmConfig is the KubeletConfiguration kubeadm writes by default.
const kubeadmConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
`

func TestConfigEvictionHard(t *testing.T) {
	const head = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
	cases := []struct {
		name string
		body string
		want []string // thresholds, as Threshold.String
	}{
		{"no evictionHard keeps the four defaults", "",
			[]string{"imagefs.available<15%", "memory.available<100Mi", "nodefs.available<10%", "nodefs.inodesFree<5%"}},
		{"a full map is converted", "evictionHard:\n  memory.available: 200Mi\n  nodefs.available: 5%\n  imagefs.available: 10%\n  nodefs.inodesFree: 2%\n",
			[]string{"imagefs.available<10%", "memory.available<200Mi", "nodefs.available<5%", "nodefs.inodesFree<2%"}},
		{"a partial map leaves the other signals unset, as in Kubernetes", "evictionHard:\n  memory.available: 500Mi\n",
			[]string{"memory.available<500Mi"}},
		{"mergeDefaultEvictionSettings fills the signals left out with the defaults", "mergeDefaultEvictionSettings: true\nevictionHard:\n  memory.available: 500Mi\n",
			[]string{"imagefs.available<15%", "memory.available<500Mi", "nodefs.available<10%", "nodefs.inodesFree<5%"}},
		{"mergeDefaultEvictionSettings false is the partial map", "mergeDefaultEvictionSettings: false\nevictionHard:\n  pid.available: 10%\n",
			[]string{"pid.available<10%"}},
		{"an empty map disables hard eviction", "evictionHard: {}\n", nil},
		{"0% disables a signal", "evictionHard:\n  memory.available: 0%\n  nodefs.available: 1Gi\n", []string{"nodefs.available<1Gi"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o, _, err := load(t, "--config="+writeConfig(t, "c.yaml", head+c.body))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := o.EvictionConfig()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, th := range cfg.Thresholds {
				got = append(got, th.String())
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("thresholds %q, want %q", got, c.want)
			}
		})
	}
}

func TestConfigTaintsAndPaths(t *testing.T) {
	path := writeConfig(t, "kubelet.yaml", `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
registerWithTaints:
- key: dedicated
  value: gpu
  effect: NoExecute
- key: node.example.com/maintenance
  effect: PreferNoSchedule
staticPodPath: manifests
tlsCertFile: pki/kubelet.crt
tlsPrivateKeyFile: /abs/kubelet.key
authentication:
  x509:
    clientCAFile: ../ca.crt
`)
	dir := filepath.Dir(path)
	o, _, err := load(t, "--config="+path)
	if err != nil {
		t.Fatal(err)
	}
	taints, err := o.Taints()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		got, want any
	}{
		{"registerWithTaints objects become the node's taints", len(taints), 2},
		{"the first taint keeps key, value and effect", taints[0], corev1.Taint{Key: "dedicated", Value: "gpu", Effect: corev1.TaintEffectNoExecute}},
		{"a taint without value keeps its effect", taints[1], corev1.Taint{Key: "node.example.com/maintenance", Effect: corev1.TaintEffectPreferNoSchedule}},
		{"a relative staticPodPath is relative to the file", o.PodManifestPath, filepath.Join(dir, "manifests")},
		{"a relative tlsCertFile is relative to the file", o.TLSCertFile, filepath.Join(dir, "pki/kubelet.crt")},
		{"an absolute path is kept", o.TLSKeyFile, "/abs/kubelet.key"},
		{"a relative clientCAFile is relative to the file", o.ClientCAFile, filepath.Join(filepath.Dir(dir), "ca.crt")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestConfigBadValues(t *testing.T) {
	const head = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
	cases := []struct {
		name string
		body string
		want string // substring of the error
	}{
		{"a negative maxPods", "maxPods: -1\n", "invalid configuration: maxPods (--max-pods) -1 must not be a negative number"},
		{"a maxPods of the wrong type", "maxPods: \"110\"\n", "KubeletConfiguration.maxPods of type int32"},
		{"a bad kubeReserved quantity", "kubeReserved:\n  cpu: lots\n", `invalid configuration: kubeReserved[cpu] "lots"`},
		{"a bad evictionHard quantity", "evictionHard:\n  memory.available: lots\n", `invalid configuration: evictionHard[memory.available] "lots"`},
		{"an unknown eviction signal", "evictionSoft:\n  cpu.available: \"1\"\n", "evictionSoft[cpu.available]"},
		{"a bad soft grace period", "evictionSoftGracePeriod:\n  memory.available: soon\n", `evictionSoftGracePeriod[memory.available] "soon"`},
		{"a bad minimum reclaim", "evictionMinimumReclaim:\n  memory.available: lots\n", `evictionMinimumReclaim[memory.available] "lots"`},
		{"a port out of range", "port: 70000\n", "port (--port) 70000 must be between 1 and 65535"},
		{"a percentage above 100", "imageGCHighThresholdPercent: 101\n", "imageGCHighThresholdPercent (--image-gc-high-threshold) 101 must be between 0 and 100"},
		{"a negative duration", "imageMinimumGCAge: -1m\n", "imageMinimumGCAge (--minimum-image-ttl-duration) -1m0s must not be negative"},
		{"a duration that is not one", "fileCheckFrequency: often\n", `time: invalid duration "often"`},
		{"an unsupported content type", "contentType: text/plain\n", `contentType "text/plain"`},
		{"a bad log size", "containerLogMaxSize: big\n", `containerLogMaxSize (--container-log-max-size) "big"`},
		{"a single log file", "containerLogMaxFiles: 1\n", "containerLogMaxFiles (--container-log-max-files) 1 must be 2 or more"},
		{"a bad cluster DNS address", "clusterDNS: [nameserver]\n", `clusterDNS[0] "nameserver" is not an IP address`},
		{"a bad address", "address: localhost\n", `address (--address) "localhost" is not an IP address`},
		{"a taint with a bad effect", "registerWithTaints:\n- key: a\n  effect: Evict\n", `registerWithTaints[0].effect "Evict"`},
		{"a taint with a time", "registerWithTaints:\n- key: a\n  effect: NoExecute\n  timeAdded: \"2026-01-01T00:00:00Z\"\n", "registerWithTaints[0].timeAdded must not be set"},
	}
	for _, c := range cases {
		t.Run(c.name+" is rejected naming the field", func(t *testing.T) {
			_, _, err := load(t, "--config="+writeConfig(t, "c.yaml", head+c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
	t.Run("a bad value overridden by a flag is not checked, as Kubernetes validates the merged config", func(t *testing.T) {
		o, _, err := load(t, "--max-pods=30", "--config="+writeConfig(t, "c.yaml", head+"maxPods: -1\n"))
		if err != nil || o.MaxPods != 30 {
			t.Errorf("maxPods %d, error %v", o.MaxPods, err)
		}
	})
	t.Run("values valid alone go through Validate together", func(t *testing.T) {
		o, _, err := load(t, "--config="+writeConfig(t, "c.yaml", head+"imageGCLowThresholdPercent: 90\n"))
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Validate(); err == nil {
			t.Error("a low threshold above the default high one passed Validate")
		}
	})
}
