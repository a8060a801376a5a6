package cmd_test

import "testing"

func TestPortForwardArgumentErrors(t *testing.T) {
	s := newServer(t)
	addPod(s, "default", "p", nil)
	s.Add(map[string]any{"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "pending", "namespace": "default"},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "c", "image": "i"}}},
		"status":   map[string]any{"phase": "Pending"}})
	cases := []struct {
		name   string
		args   []string
		errOut string
	}{
		{"ports are required", []string{"port-forward", "pod/p"},
			"error: TYPE/NAME and list of ports are required for port-forward\n"},
		{"three-part ports are rejected", []string{"port-forward", "pod/p", "1:2:3"},
			"error: invalid port format '1:2:3'\n"},
		{"a bad local port is named", []string{"port-forward", "pod/p", "x:80"},
			"error: Error parsing local port 'x': strconv.ParseUint: parsing \"x\": invalid syntax\n"},
		{"a remote port of zero is rejected", []string{"port-forward", "pod/p", "8080:0"},
			"error: Remote port must be > 0\n"},
		{"an address must be an IP or localhost", []string{"port-forward", "--address", "foo", "pod/p", "8080:80"},
			"error: foo is not a valid IP\n"},
		{"an unknown named port is reported", []string{"port-forward", "p", "8080:web"},
			"error: Pod 'p' does not have a named port 'web'\n"},
		{"a pod that is not running is refused", []string{"port-forward", "pod/pending", "8080:80"},
			"error: unable to forward port because pod is not running. Current status=Pending\n"},
		{"a missing pod is NotFound", []string{"port-forward", "pod/nosuch", "8080:80"},
			"Error from server (NotFound): pods \"nosuch\" not found\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := run(t, s, "", tc.args...)
			if out != "" || errOut != tc.errOut || code != 1 {
				t.Errorf("got %q %q %d, want stderr %q and exit 1", out, errOut, code, tc.errOut)
			}
		})
	}
}
