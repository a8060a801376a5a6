// Package options holds the apiserver's command-line options: defaults,
// flags, validation and the conversion into the runtime Config.
package options

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"keel.dev/keel/pkg/apiserver/admission/plugins"
)

// Options are the apiserver's flags.
type Options struct {
	// Serving.
	BindAddress      string
	SecurePort       int
	AdvertiseAddress string
	CertDir          string
	TLSCertFile      string
	TLSKeyFile       string

	// Authentication.
	ClientCAFile    string
	TokenAuthFile   string
	AnonymousAuth   bool
	WriteKubeconfig string

	// AuthorizationModes are the authorizers, asked in order.
	AuthorizationModes []string

	// Kubelet client certificate for pods/log, exec, attach, portforward.
	KubeletClientCertificate string
	KubeletClientKey         string

	// Storage.
	EtcdServers            []string
	EtcdPrefix             string
	EtcdCAFile             string
	EtcdCertFile           string
	EtcdKeyFile            string
	DataDir                string
	WatchCacheEvents       int
	EtcdCompactionInterval time.Duration

	// API.
	RuntimeConfig         map[string]string
	ServiceClusterIPRange string
	ServiceNodePortRange  string

	// ServiceAccount configures service account tokens.
	ServiceAccount ServiceAccountOptions

	// Limits.
	MaxRequestsInflight         int
	MaxMutatingRequestsInflight int
	MinRequestTimeout           time.Duration
	MaxRequestBodyBytes         int64

	// Profiling serves /debug/pprof (authorized like any non-resource URL).
	Profiling bool

	// Admission.
	EnableAdmissionPlugins  []string
	DisableAdmissionPlugins []string
}

// NewOptions returns the defaults Kubernetes users expect.
func NewOptions() *Options {
	return &Options{
		BindAddress:                 "0.0.0.0",
		SecurePort:                  6443,
		CertDir:                     "/var/run/keel",
		EtcdPrefix:                  "/registry",
		DataDir:                     "/var/lib/keel/etcd",
		WatchCacheEvents:            100000,
		EtcdCompactionInterval:      5 * time.Minute,
		RuntimeConfig:               map[string]string{},
		ServiceClusterIPRange:       "10.96.0.0/12",
		ServiceNodePortRange:        "30000-32767",
		MaxRequestsInflight:         400,
		MaxMutatingRequestsInflight: 200,
		MinRequestTimeout:           1800 * time.Second,
		MaxRequestBodyBytes:         3 << 20,
		Profiling:                   true,
		AuthorizationModes:          []string{ModeAlwaysAllow},
	}
}

// AddFlags registers the options on fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.BindAddress, "bind-address", o.BindAddress, "IP address to listen on for HTTPS.")
	fs.IntVar(&o.SecurePort, "secure-port", o.SecurePort, "Port to serve HTTPS on.")
	fs.StringVar(&o.AdvertiseAddress, "advertise-address", o.AdvertiseAddress, "IP address advertised to the cluster (the kubernetes Service endpoint); defaults to the first non-loopback address, else 127.0.0.1.")
	fs.StringVar(&o.CertDir, "cert-dir", o.CertDir, "Directory where the generated CA and serving certificate live when --tls-cert-file is not given.")
	fs.StringVar(&o.TLSCertFile, "tls-cert-file", o.TLSCertFile, "Serving certificate (PEM). Generated into --cert-dir when empty.")
	fs.StringVar(&o.TLSKeyFile, "tls-private-key-file", o.TLSKeyFile, "Serving certificate key (PEM).")
	fs.StringVar(&o.ClientCAFile, "client-ca-file", o.ClientCAFile, "CA bundle that signs client certificates; the certificate's CN is the user name and O the groups. Defaults to the generated CA.")
	fs.StringVar(&o.TokenAuthFile, "token-auth-file", o.TokenAuthFile, "CSV file of bearer tokens: token,user,uid[,\"group1,group2\"].")
	fs.StringVar(&o.KubeletClientCertificate, "kubelet-client-certificate", o.KubeletClientCertificate, "client certificate for connections to kubelets (default: one issued from the generated CA)")
	fs.StringVar(&o.KubeletClientKey, "kubelet-client-key", o.KubeletClientKey, "key of --kubelet-client-certificate")
	fs.BoolVar(&o.AnonymousAuth, "anonymous-auth", o.AnonymousAuth, "Serve requests that carry no credentials as system:anonymous (refused with 401 when false).")
	fs.StringSliceVar(&o.AuthorizationModes, "authorization-mode", o.AuthorizationModes, "Authorizers to ask, in order, comma separated; one of "+
		strings.Join(AuthorizationModes, ", ")+" each. The first to allow or deny a request decides; members of system:masters are always allowed.")
	fs.StringVar(&o.WriteKubeconfig, "write-kubeconfig", o.WriteKubeconfig, "Write an admin kubeconfig (client certificate in system:masters) to this path at start.")
	fs.StringSliceVar(&o.EtcdServers, "etcd-servers", o.EtcdServers, "External etcd endpoints (comma separated). Empty starts an embedded etcd in --data-dir.")
	fs.StringVar(&o.EtcdPrefix, "etcd-prefix", o.EtcdPrefix, "Key prefix of every object in etcd.")
	fs.StringVar(&o.EtcdCAFile, "etcd-cafile", o.EtcdCAFile, "CA bundle of the external etcd.")
	fs.StringVar(&o.EtcdCertFile, "etcd-certfile", o.EtcdCertFile, "Client certificate for the external etcd.")
	fs.StringVar(&o.EtcdKeyFile, "etcd-keyfile", o.EtcdKeyFile, "Client key for the external etcd.")
	fs.StringVar(&o.DataDir, "data-dir", o.DataDir, "Directory of the embedded etcd.")
	fs.IntVar(&o.WatchCacheEvents, "watch-cache-events", o.WatchCacheEvents, "Events kept per resource for watches from an older resourceVersion.")
	fs.DurationVar(&o.EtcdCompactionInterval, "etcd-compaction-interval", o.EtcdCompactionInterval, "How often old etcd revisions are compacted (0 disables).")
	fs.StringToStringVar(&o.RuntimeConfig, "runtime-config", o.RuntimeConfig, "Enable or disable group versions: group/version=true|false (\"api/all=false\" disables all).")
	fs.StringVar(&o.ServiceClusterIPRange, "service-cluster-ip-range", o.ServiceClusterIPRange, "CIDR of Service cluster IPs; the kubernetes Service gets the first address.")
	fs.StringVar(&o.ServiceNodePortRange, "service-node-port-range", o.ServiceNodePortRange, "Port range of NodePort Services (low-high, inclusive).")
	fs.IntVar(&o.MaxRequestsInflight, "max-requests-inflight", o.MaxRequestsInflight, "Maximum concurrent non-mutating requests; more get 429 (0 = unlimited).")
	fs.IntVar(&o.MaxMutatingRequestsInflight, "max-mutating-requests-inflight", o.MaxMutatingRequestsInflight, "Maximum concurrent mutating requests; more get 429 (0 = unlimited).")
	fs.DurationVar(&o.MinRequestTimeout, "min-request-timeout", o.MinRequestTimeout, "Minimum watch duration; each watch lasts a random time between this and twice it, unless timeoutSeconds is given.")
	fs.Int64Var(&o.MaxRequestBodyBytes, "max-request-body-bytes", o.MaxRequestBodyBytes, "Largest accepted request body; larger get 413.")
	fs.BoolVar(&o.Profiling, "profiling", o.Profiling, "Serve Go's profiles at /debug/pprof/ (to users authorized for the non-resource URL).")
	fs.StringSliceVar(&o.EnableAdmissionPlugins, "enable-admission-plugins", o.EnableAdmissionPlugins,
		"Admission plugins to enable in addition to the default ones ("+strings.Join(plugins.DefaultEnabled, ", ")+"). Implemented: "+strings.Join(plugins.Ordered, ", ")+"; they run in that order whatever the order of this flag. Other Kubernetes plugin names are accepted and ignored.")
	fs.StringSliceVar(&o.DisableAdmissionPlugins, "disable-admission-plugins", o.DisableAdmissionPlugins,
		"Admission plugins to disable even though they are enabled by default.")
	o.ServiceAccount.AddFlags(fs)
}

// Validate checks the options and returns every problem found.
func (o *Options) Validate() error {
	var errs []error
	if o.SecurePort <= 0 || o.SecurePort > 65535 {
		errs = append(errs, fmt.Errorf("--secure-port %d must be between 1 and 65535", o.SecurePort))
	}
	if net.ParseIP(o.BindAddress) == nil {
		errs = append(errs, fmt.Errorf("--bind-address %q is not an IP address", o.BindAddress))
	}
	if o.AdvertiseAddress != "" && net.ParseIP(o.AdvertiseAddress) == nil {
		errs = append(errs, fmt.Errorf("--advertise-address %q is not an IP address", o.AdvertiseAddress))
	}
	if (o.TLSCertFile == "") != (o.TLSKeyFile == "") {
		errs = append(errs, errors.New("--tls-cert-file and --tls-private-key-file must be given together"))
	}
	if _, _, err := net.ParseCIDR(o.ServiceClusterIPRange); err != nil {
		errs = append(errs, fmt.Errorf("--service-cluster-ip-range: %w", err))
	}
	if _, _, err := ParsePortRange(o.ServiceNodePortRange); err != nil {
		errs = append(errs, fmt.Errorf("--service-node-port-range: %w", err))
	}
	if !strings.HasPrefix(o.EtcdPrefix, "/") {
		errs = append(errs, fmt.Errorf("--etcd-prefix %q must start with /", o.EtcdPrefix))
	}
	if len(o.EtcdServers) == 0 && o.DataDir == "" {
		errs = append(errs, errors.New("--data-dir is required for the embedded etcd"))
	}
	for _, f := range []struct{ flag, path string }{
		{"--client-ca-file", o.ClientCAFile}, {"--token-auth-file", o.TokenAuthFile},
		{"--etcd-cafile", o.EtcdCAFile}, {"--etcd-certfile", o.EtcdCertFile}, {"--etcd-keyfile", o.EtcdKeyFile},
		{"--tls-cert-file", o.TLSCertFile}, {"--tls-private-key-file", o.TLSKeyFile},
		{"--kubelet-client-certificate", o.KubeletClientCertificate}, {"--kubelet-client-key", o.KubeletClientKey},
	} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.flag, err))
		}
	}
	for gv, v := range o.RuntimeConfig {
		if _, err := strconv.ParseBool(v); err != nil {
			errs = append(errs, fmt.Errorf("--runtime-config %s=%s: value must be true or false", gv, v))
		}
	}
	if err := plugins.Validate(o.EnableAdmissionPlugins, o.DisableAdmissionPlugins); err != nil {
		errs = append(errs, err)
	}
	if o.MaxRequestBodyBytes <= 0 {
		errs = append(errs, errors.New("--max-request-body-bytes must be positive"))
	}
	errs = append(errs, o.ServiceAccount.Validate()...)
	errs = append(errs, ValidateAuthorizationModes(o.AuthorizationModes)...)
	return errors.Join(errs...)
}

// ParsePortRange parses "30000-32767" (or a single port) into its bounds.
func ParsePortRange(s string) (int, int, error) {
	lo, hi, found := strings.Cut(strings.TrimSpace(s), "-")
	if !found {
		hi = lo
	}
	l, err1 := strconv.Atoi(lo)
	h, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || l < 1 || h > 65535 || l > h {
		return 0, 0, fmt.Errorf("invalid port range %q", s)
	}
	return l, h, nil
}
