package options

import (
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"
)

// Config is the apiserver's resolved configuration: what app.Start runs.
// Options.Config builds it from flags; tests and embedding binaries may
// fill it directly (and set the in-process-only fields at the end).
type Config struct {
	// BindAddress and SecurePort are where HTTPS is served (port 0 picks a
	// free port); AdvertiseAddress is the address the kubernetes Service's
	// endpoints point at.
	BindAddress      string
	SecurePort       int
	AdvertiseAddress string

	// CertDir holds the generated CA and serving certificate unless
	// TLSCertFile/TLSKeyFile name a serving certificate.
	CertDir                 string
	TLSCertFile, TLSKeyFile string

	// ClientCAFile verifies client certificates (default: the generated CA);
	// TokenAuthFile is a static token CSV; Anonymous serves requests
	// without credentials as system:anonymous.
	ClientCAFile  string
	TokenAuthFile string
	Anonymous     bool
	// WriteKubeconfig, when set, is where an admin kubeconfig is written.
	WriteKubeconfig string
	// AuthorizationModes are the authorizers (ModeRBAC, …), asked in
	// order after the system:masters check; empty means AlwaysAllow.
	AuthorizationModes []string
	// KubeletClientCertificate/Key authenticate the apiserver to kubelets;
	// empty issues a certificate from the generated CA.
	KubeletClientCertificate, KubeletClientKey string

	// EtcdServers are external etcd endpoints; empty starts an embedded etcd
	// in DataDir. EtcdCAFile/EtcdCertFile/EtcdKeyFile configure TLS to them.
	EtcdServers                           []string
	EtcdCAFile, EtcdCertFile, EtcdKeyFile string
	EtcdPrefix                            string
	DataDir                               string
	WatchCacheEvents                      int
	EtcdCompactionInterval                time.Duration

	// RuntimeConfig turns group versions on or off ("apps/v1": "false").
	RuntimeConfig map[string]string
	// ServiceClusterIPRange is the Service CIDR; ServiceNodePortRange the
	// NodePort range ("30000-32767").
	ServiceClusterIPRange string
	ServiceNodePortRange  string

	// ServiceAccount configures service account tokens (issuer, keys,
	// audiences); the zero value generates a key into CertDir.
	ServiceAccount ServiceAccountConfig

	// Request limits.
	MaxRequestsInflight         int
	MaxMutatingRequestsInflight int
	MinRequestTimeout           time.Duration
	MaxRequestBodyBytes         int64

	// Profiling serves /debug/pprof.
	Profiling bool

	// EnableAdmissionPlugins and DisableAdmissionPlugins adjust the default
	// admission plugins (nil: the defaults).
	EnableAdmissionPlugins  []string
	DisableAdmissionPlugins []string

	// In-process only (no flags).

	// Listener, when set, is served instead of BindAddress:SecurePort.
	Listener net.Listener
	// EtcdUnsafeNoFsync makes the embedded etcd skip fsync (tests, benchmarks).
	EtcdUnsafeNoFsync bool
	// ShutdownTimeout bounds the graceful HTTP shutdown (default 10s).
	ShutdownTimeout time.Duration
	// Out receives the one start line; nil discards it.
	Out io.Writer
	// Logger receives the server's log; nil uses slog.Default().
	Logger *slog.Logger
}

// Config validates the options and resolves them into a Config: the
// advertise address defaults to the first non-loopback address of the host
// (else 127.0.0.1).
func (o *Options) Config() (*Config, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	rc := make(map[string]string, len(o.RuntimeConfig))
	for k, v := range o.RuntimeConfig {
		rc[k] = v
	}
	c := &Config{
		BindAddress:                 o.BindAddress,
		SecurePort:                  o.SecurePort,
		AdvertiseAddress:            o.AdvertiseAddress,
		CertDir:                     o.CertDir,
		TLSCertFile:                 o.TLSCertFile,
		TLSKeyFile:                  o.TLSKeyFile,
		ClientCAFile:                o.ClientCAFile,
		TokenAuthFile:               o.TokenAuthFile,
		Anonymous:                   o.AnonymousAuth,
		WriteKubeconfig:             o.WriteKubeconfig,
		AuthorizationModes:          append([]string(nil), o.AuthorizationModes...),
		KubeletClientCertificate:    o.KubeletClientCertificate,
		KubeletClientKey:            o.KubeletClientKey,
		EtcdServers:                 append([]string(nil), o.EtcdServers...),
		EtcdCAFile:                  o.EtcdCAFile,
		EtcdCertFile:                o.EtcdCertFile,
		EtcdKeyFile:                 o.EtcdKeyFile,
		EtcdPrefix:                  o.EtcdPrefix,
		DataDir:                     o.DataDir,
		WatchCacheEvents:            o.WatchCacheEvents,
		EtcdCompactionInterval:      o.EtcdCompactionInterval,
		RuntimeConfig:               rc,
		ServiceClusterIPRange:       o.ServiceClusterIPRange,
		ServiceNodePortRange:        o.ServiceNodePortRange,
		MaxRequestsInflight:         o.MaxRequestsInflight,
		MaxMutatingRequestsInflight: o.MaxMutatingRequestsInflight,
		MinRequestTimeout:           o.MinRequestTimeout,
		MaxRequestBodyBytes:         o.MaxRequestBodyBytes,
		Profiling:                   o.Profiling,
		EnableAdmissionPlugins:      append([]string(nil), o.EnableAdmissionPlugins...),
		DisableAdmissionPlugins:     append([]string(nil), o.DisableAdmissionPlugins...),
		ServiceAccount:              o.ServiceAccount.Config(),
	}
	if c.AdvertiseAddress == "" {
		c.AdvertiseAddress = DefaultAdvertiseAddress(c.BindAddress)
	}
	return c, nil
}

// DefaultAdvertiseAddress returns bind when it is a specific address, else
// the first non-loopback unicast address of the host, else 127.0.0.1.
func DefaultAdvertiseAddress(bind string) string {
	if ip := net.ParseIP(bind); ip != nil && !ip.IsUnspecified() {
		return ip.String()
	}
	addrs, err := net.InterfaceAddrs()
	if err == nil {
		for _, a := range addrs {
			n, ok := a.(*net.IPNet)
			if !ok || n.IP.IsLoopback() || n.IP.IsLinkLocalUnicast() || n.IP.To4() == nil {
				continue
			}
			return n.IP.String()
		}
	}
	return "127.0.0.1"
}

// ListenAddress is the host:port the server binds.
func (c *Config) ListenAddress() string {
	return net.JoinHostPort(c.BindAddress, strconv.Itoa(c.SecurePort))
}

// EtcdDescription says where the data lives, for the start line.
func (c *Config) EtcdDescription() string {
	if len(c.EtcdServers) == 0 {
		return "embedded in " + c.DataDir
	}
	return strings.Join(c.EtcdServers, ",")
}
