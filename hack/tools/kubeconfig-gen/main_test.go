package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"keel.dev/client/kubeconfig"
	"keel.dev/keel/internal/pki"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		name, arg string
		want      spec
		wantErr   bool
	}{
		{name: "a user without groups has no organizations", arg: "scheduler=system:kube-scheduler",
			want: spec{name: "scheduler", cn: "system:kube-scheduler"}},
		{name: "groups follow the slash, comma separated", arg: "kubelet=system:node:vm/system:nodes,extra",
			want: spec{name: "kubelet", cn: "system:node:vm", groups: []string{"system:nodes", "extra"}}},
		{name: "an argument without a name is refused", arg: "=cn", wantErr: true},
		{name: "an argument without an equals sign is refused", arg: "kubelet", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSpec(tt.arg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got.name != tt.want.name || got.cn != tt.want.cn || !slices.Equal(got.groups, tt.want.groups) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRunWritesSignedKubeconfigsAndReusesThem(t *testing.T) {
	dir := t.TempDir()
	ca, err := pki.NewCA("test-ca")
	if err != nil {
		t.Fatal(err)
	}
	if err := ca.Write(filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	args := []string{"kubelet=system:node:vm/system:nodes"}
	if err := run(dir, "https://127.0.0.1:6443", out, args); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(out, "kubelet.kubeconfig")
	cfg, err := kubeconfig.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	user, _ := cfg.AuthInfo("keel-local")
	cert, err := parseCert(user.ClientCertificateData)
	if err != nil {
		t.Fatal(err)
	}
	if err := cert.CheckSignatureFrom(ca.Cert); err != nil {
		t.Errorf("client certificate not signed by the CA: %v", err)
	}
	if cert.Subject.CommonName != "system:node:vm" || !slices.Equal(cert.Subject.Organization, []string{"system:nodes"}) {
		t.Errorf("subject = %v", cert.Subject)
	}
	first, _ := os.ReadFile(path)
	if err := run(dir, "https://127.0.0.1:6443", out, args); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(path); !bytes.Equal(first, second) {
		t.Error("a fitting kubeconfig was rewritten instead of reused")
	}
	if err := run(dir, "https://127.0.0.1:6443", out, []string{"kubelet=system:node:other/system:nodes"}); err != nil {
		t.Fatal(err)
	}
	if third, _ := os.ReadFile(path); bytes.Equal(first, third) {
		t.Error("a kubeconfig for another subject was reused")
	}
}
