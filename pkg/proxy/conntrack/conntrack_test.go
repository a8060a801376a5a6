package conntrack

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	corev1 "keel.dev/api/core/v1"
)

func TestClientCommands(t *testing.T) {
	ctx := context.Background()
	v4, v6 := netip.MustParseAddr("10.96.0.53"), netip.MustParseAddr("fd00::53")
	ep := netip.MustParseAddr("10.244.0.7")
	cases := []struct {
		name string
		call func(c *Client) error
		want string
	}{
		{name: "a service flush matches the original destination and port",
			call: func(c *Client) error { return c.ClearService(ctx, v4, 53, corev1.ProtocolUDP) },
			want: "conntrack -D -p udp --orig-dst 10.96.0.53 --dport 53"},
		{name: "an IPv6 service flush selects the IPv6 family",
			call: func(c *Client) error { return c.ClearService(ctx, v6, 53, corev1.ProtocolUDP) },
			want: "conntrack -D -f ipv6 -p udp --orig-dst fd00::53 --dport 53"},
		{name: "an endpoint flush matches the NAT destination",
			call: func(c *Client) error { return c.ClearEndpoint(ctx, v4, ep, corev1.ProtocolUDP) },
			want: "conntrack -D -p udp --orig-dst 10.96.0.53 --dst-nat 10.244.0.7"},
		{name: "a node port flush matches the port",
			call: func(c *Client) error { return c.ClearNodePort(ctx, 30053, corev1.ProtocolUDP, false) },
			want: "conntrack -D -p udp --dport 30053"},
		{name: "a node port endpoint flush matches port and NAT destination",
			call: func(c *Client) error { return c.ClearNodePortEndpoint(ctx, 30053, ep, corev1.ProtocolUDP) },
			want: "conntrack -D -p udp --dport 30053 --dst-nat 10.244.0.7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &FakeExec{}
			if err := tc.call(&Client{Exec: f}); err != nil {
				t.Fatal(err)
			}
			if len(f.Commands) != 1 || f.Commands[0] != tc.want {
				t.Errorf("commands = %q, want [%q]", f.Commands, tc.want)
			}
		})
	}
}

type outputExec struct {
	out []byte
	err error
}

func (o outputExec) Run(context.Context, string, ...string) ([]byte, error) { return o.out, o.err }

func TestClientTreatsNoMatchingEntriesAsSuccess(t *testing.T) {
	c := &Client{Exec: outputExec{out: []byte("conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.\n"), err: errors.New("exit status 1")}}
	if err := c.ClearService(context.Background(), netip.MustParseAddr("10.0.0.1"), 53, corev1.ProtocolUDP); err != nil {
		t.Errorf("ClearService with no entries = %v, want nil", err)
	}
	c = &Client{Exec: outputExec{out: []byte("Operation not permitted"), err: errors.New("exit status 1")}}
	if err := c.ClearService(context.Background(), netip.MustParseAddr("10.0.0.1"), 53, corev1.ProtocolUDP); err == nil {
		t.Errorf("ClearService with a real failure = nil, want an error")
	}
}
