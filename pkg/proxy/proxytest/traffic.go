package proxytest

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// InNetNS runs fn on an OS thread switched into the named namespace (as
// created by NetNS); sockets fn creates stay in that namespace.
func InNetNS(name string, fn func() error) error {
	target, err := os.Open("/var/run/netns/" + name)
	if err != nil {
		return fmt.Errorf("open netns %s: %w", name, err)
	}
	defer target.Close()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		if err := setns(target.Fd()); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("setns %s: %w", name, err)
			return
		}
		ferr := fn()
		if err := setns(orig.Fd()); err != nil {
			// Leave the thread locked: the runtime discards it when this goroutine ends.
			errc <- fmt.Errorf("restore netns: %w", err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

func setns(fd uintptr) error { return unix.Setns(int(fd), unix.CLONE_NEWNET) }

// NetNSName extracts the namespace name from a NetNS prefix.
func NetNSName(prefix []string) string { return prefix[len(prefix)-1] }

// Backends sets up, inside the namespace, the node address and endpoint
// addresses on lo, a default route through it, and one TCP
// server per endpoint address that answers with its own address.
func Backends(t testing.TB, prefix []string, nodeIP string, port int, endpoints ...string) {
	t.Helper()
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(prefix[0], append(prefix[1:], args...)...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	// Containers often lack the dummy driver, so everything lives on lo.
	run("ip", "addr", "add", nodeIP+"/32", "dev", "lo")
	for _, ep := range endpoints {
		run("ip", "addr", "add", ep+"/32", "dev", "lo")
	}
	run("ip", "route", "add", "default", "dev", "lo")
	for _, ep := range endpoints {
		var ln net.Listener
		err := InNetNS(NetNSName(prefix), func() (err error) {
			ln, err = net.Listen("tcp", net.JoinHostPort(ep, fmt.Sprint(port)))
			return err
		})
		if err != nil {
			t.Fatalf("listen on %s: %v", ep, err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				_, _ = io.WriteString(c, ep)
				c.Close()
			}
		}()
	}
}

// Hits dials addr n times from inside the namespace and counts which
// backend answered.
func Hits(t testing.TB, prefix []string, addr string, n int) map[string]int {
	t.Helper()
	hits := map[string]int{}
	err := InNetNS(NetNSName(prefix), func() error {
		for range n {
			c, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				return err
			}
			_ = c.SetDeadline(time.Now().Add(2 * time.Second))
			b, err := io.ReadAll(c)
			c.Close()
			if err != nil {
				return err
			}
			hits[string(b)]++
		}
		return nil
	})
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	return hits
}
