package options

import (
	"net"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestDefaultsValidate(t *testing.T) {
	if err := NewOptions().Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}

func TestFlagsOverrideDefaults(t *testing.T) {
	o := NewOptions()
	fs := pflag.NewFlagSet("apiserver", pflag.ContinueOnError)
	o.AddFlags(fs)
	err := fs.Parse([]string{"--secure-port=7443", "--etcd-servers=https://a:2379,https://b:2379", "--runtime-config=batch/v1=false"})
	if err != nil {
		t.Fatal(err)
	}
	if o.SecurePort != 7443 || len(o.EtcdServers) != 2 || o.RuntimeConfig["batch/v1"] != "false" {
		t.Fatalf("options = %+v", o)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	o := NewOptions()
	o.SecurePort = 0
	o.ServiceClusterIPRange = "nope"
	o.ServiceNodePortRange = "32767-30000"
	o.RuntimeConfig = map[string]string{"apps/v1": "maybe"}
	o.TLSCertFile = "/x"
	err := o.Validate()
	if err == nil {
		t.Fatal("invalid options validated")
	}
	for _, want := range []string{"--secure-port", "--service-cluster-ip-range", "--service-node-port-range", "--runtime-config", "--tls-cert-file and --tls-private-key-file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

func TestParsePortRange(t *testing.T) {
	cases := []struct {
		in     string
		lo, hi int
		ok     bool
	}{
		{"30000-32767", 30000, 32767, true},
		{"8080", 8080, 8080, true},
		{"0-10", 0, 0, false},
		{"10-5", 0, 0, false},
		{"a-b", 0, 0, false},
		{"1-70000", 0, 0, false},
	}
	for _, c := range cases {
		lo, hi, err := ParsePortRange(c.in)
		if (err == nil) != c.ok || lo != c.lo || hi != c.hi {
			t.Errorf("ParsePortRange(%q) = %d, %d, %v", c.in, lo, hi, err)
		}
	}
}

func TestConfigCarriesTheOptions(t *testing.T) {
	o := NewOptions()
	o.BindAddress = "127.0.0.1"
	o.EtcdServers = []string{"https://a:2379", "https://b:2379"}
	o.RuntimeConfig = map[string]string{"batch/v1": "false"}
	cfg, err := o.Config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AdvertiseAddress != "127.0.0.1" {
		t.Errorf("advertise address %q, want the bind address", cfg.AdvertiseAddress)
	}
	if cfg.ListenAddress() != "127.0.0.1:6443" || cfg.EtcdDescription() != "https://a:2379,https://b:2379" {
		t.Errorf("listen %q, etcd %q", cfg.ListenAddress(), cfg.EtcdDescription())
	}
	o.RuntimeConfig["batch/v1"] = "true"
	if cfg.RuntimeConfig["batch/v1"] != "false" {
		t.Error("the Config shares the options' runtime config map")
	}
}

func TestConfigRefusesInvalidOptions(t *testing.T) {
	o := NewOptions()
	o.SecurePort = -1
	if _, err := o.Config(); err == nil || !strings.Contains(err.Error(), "--secure-port") {
		t.Fatalf("err = %v", err)
	}
}

func TestDefaultAdvertiseAddress(t *testing.T) {
	cases := []struct {
		name, bind string
		check      func(string) bool
	}{
		{"a specific bind address is advertised", "10.1.2.3", func(s string) bool { return s == "10.1.2.3" }},
		{"an unspecified bind address advertises an IPv4 address of the host", "0.0.0.0",
			func(s string) bool { ip := net.ParseIP(s); return ip != nil && ip.To4() != nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := DefaultAdvertiseAddress(c.bind); !c.check(got) {
				t.Errorf("DefaultAdvertiseAddress(%q) = %q", c.bind, got)
			}
		})
	}
}
