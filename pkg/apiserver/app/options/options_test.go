package options

import (
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
