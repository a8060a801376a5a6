package network

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// fakeIPTables records commands; exists lists the commands ("-C ...",
// "-N ...") that find what they look for, fail the ones that fail.
type fakeIPTables struct {
	cmds   []string
	exists map[string]bool
	fail   map[string]bool
}

func (f *fakeIPTables) run(args ...string) ([]byte, error) {
	cmd := strings.Join(args, " ")
	f.cmds = append(f.cmds, cmd)
	switch {
	case f.fail[cmd]:
		return []byte("iptables: permission denied"), errors.New("exit status 4")
	case strings.Contains(cmd, " -N ") && f.exists[cmd]:
		return []byte("iptables: Chain already exists."), errors.New("exit status 1")
	case strings.Contains(cmd, " -C ") && !f.exists[cmd]:
		return []byte("iptables: Bad rule."), errors.New("exit status 1")
	}
	return nil, nil
}

const (
	newChain = "-t nat -N KUBELET-POD-MASQ"
	jumpRule = "POSTROUTING -m comment --comment keel pod masquerade -j KUBELET-POD-MASQ"
)

var chainRules = []string{
	"-t nat -F KUBELET-POD-MASQ",
	"-t nat -A KUBELET-POD-MASQ ! -s 10.244.1.0/24 -j RETURN",
	"-t nat -A KUBELET-POD-MASQ -d 10.244.1.0/24 -j RETURN",
	"-t nat -A KUBELET-POD-MASQ -d 224.0.0.0/4 -j RETURN",
	"-t nat -A KUBELET-POD-MASQ -j MASQUERADE",
}

func TestMasqueradeEnsure(t *testing.T) {
	cases := []struct {
		name    string
		cidr    string
		exists  []string
		fail    []string
		want    []string
		wantErr string
	}{
		{
			name: "a fresh node gets the chain, its rules and the jump",
			cidr: "10.244.1.0/24",
			want: append(append([]string{newChain}, chainRules...), "-t nat -C "+jumpRule, "-t nat -A "+jumpRule),
		},
		{
			name:   "an existing chain is refilled and an existing jump is kept",
			cidr:   "10.244.1.7/24",
			exists: []string{newChain, "-t nat -C " + jumpRule},
			want:   append(append([]string{newChain}, chainRules...), "-t nat -C "+jumpRule),
		},
		{
			name:    "a failing rule is an error",
			cidr:    "10.244.1.0/24",
			fail:    []string{chainRules[4]},
			want:    append([]string{newChain}, chainRules...),
			wantErr: "permission denied",
		},
		{name: "an IPv6 pod CIDR is refused", cidr: "fd00:10:244::/64", wantErr: "only IPv4"},
		{name: "a malformed pod CIDR is refused", cidr: "10.244.1.0", wantErr: "pod CIDR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeIPTables{exists: map[string]bool{}, fail: map[string]bool{}}
			for _, e := range c.exists {
				f.exists[e] = true
			}
			for _, e := range c.fail {
				f.fail[e] = true
			}
			err := (&Masquerade{Run: f.run}).Ensure(c.cidr)
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("err = %v, want %q", err, c.wantErr)
			}
			if strings.Join(f.cmds, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("commands:\n%s\nwant:\n%s", strings.Join(f.cmds, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestWriterMasqueradesPerPodOnlyWithoutTheNodeRule(t *testing.T) {
	cases := []struct {
		name      string
		fail      bool
		wantMasq  bool
		wantError bool
	}{
		{name: "with the node rule in place the bridge does not masquerade", wantMasq: false},
		{name: "when the node rule fails the bridge masquerades and the error is returned", fail: true, wantMasq: true, wantError: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeIPTables{exists: map[string]bool{}, fail: map[string]bool{}}
			if c.fail {
				f.fail[newChain] = true
			}
			w := &Writer{Dir: t.TempDir(), Masq: &Masquerade{Run: f.run}}
			wrote, err := w.Ensure("10.244.1.0/24")
			if !wrote || (err != nil) != c.wantError {
				t.Fatalf("wrote = %v, err = %v", wrote, err)
			}
			data, err := os.ReadFile(w.Path())
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ConfList("10.244.1.0/24", !c.wantMasq)
			if string(data) != string(want) {
				t.Errorf("conflist = %s", data)
			}
		})
	}
}
