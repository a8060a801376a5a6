package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/spdystream"
	"github.com/spf13/cobra"

	"keel.dev/keel/pkg/ctl/client"
)

// errLostConnection ends a port-forward whose session with the pod closed.
var errLostConnection = errors.New("lost connection to pod")

// streamReplyTimeout bounds the wait for the server to accept a stream.
const streamReplyTimeout = 30 * time.Second

// NewPortForwardCommand returns `port-forward`.
func NewPortForwardCommand(f *Factory) *cobra.Command {
	var addresses []string
	var podTimeout time.Duration
	c := &cobra.Command{
		Use:   "port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]",
		Short: "Forward one or more local ports to a pod",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return fmt.Errorf("TYPE/NAME and list of ports are required for port-forward")
			}
			return runPortForward(cmd.Context(), f, args[0], args[1:], addresses, podTimeout)
		},
	}
	c.Flags().StringSliceVar(&addresses, "address", []string{"localhost"}, "Addresses to listen on (comma separated). Only accepts IP addresses or localhost as a value.")
	c.Flags().DurationVar(&podTimeout, "pod-running-timeout", time.Minute, "The length of time (like 5s, 2m, or 3h, higher than zero) to wait until at least one pod is running")
	return c
}

// forwardedPort is one LOCAL:REMOTE pair; local 0 picks a free port.
type forwardedPort struct {
	local, remote uint16
}

// portSpec is a port argument before its remote side is resolved.
type portSpec struct {
	local  string // "" when not given
	remote string // number or port name
}

func parsePortSpecs(args []string) ([]portSpec, error) {
	var out []portSpec
	for _, a := range args {
		parts := strings.Split(a, ":")
		var p portSpec
		switch len(parts) {
		case 1:
			p.remote = parts[0]
		case 2:
			p.local, p.remote = parts[0], parts[1]
			if p.local == "" {
				p.local = "0"
			}
		default:
			return nil, fmt.Errorf("invalid port format '%s'", a)
		}
		if p.local != "" {
			if _, err := strconv.ParseUint(p.local, 10, 16); err != nil {
				return nil, fmt.Errorf("Error parsing local port '%s': %s", p.local, err)
			}
		}
		if n, err := strconv.ParseUint(p.remote, 10, 16); err == nil && n == 0 {
			return nil, fmt.Errorf("Remote port must be > 0")
		} else if err != nil && isDigits(p.remote) {
			return nil, fmt.Errorf("Error parsing remote port '%s': %s", p.remote, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func runPortForward(ctx context.Context, f *Factory, ref string, portArgs, addresses []string, podTimeout time.Duration) error {
	specs, err := parsePortSpecs(portArgs)
	if err != nil {
		return err
	}
	listenOn, err := parseListenAddresses(addresses)
	if err != nil {
		return err
	}
	c, err := f.Client()
	if err != nil {
		return err
	}
	ns, _ := f.DefaultNamespace()
	pod, svc, err := f.forwardTarget(ctx, c, ns, ref, podTimeout)
	if err != nil {
		return err
	}
	ports, err := resolvePorts(specs, pod, svc)
	if err != nil {
		return err
	}
	if phase := gets(pod, "status", "phase"); phase != "Running" {
		return fmt.Errorf("unable to forward port because pod is not running. Current status=%v", phase)
	}
	path := "/api/v1/namespaces/" + metaString(pod, "namespace") + "/pods/" + metaString(pod, "name") + "/portforward"
	conn, err := c.DialPortForward(ctx, path)
	if err != nil {
		var ue *client.UpgradeError
		if errors.As(err, &ue) {
			return ue.Err
		}
		return err
	}
	fw := &forwarder{conn: conn, out: f.Out, errOut: f.ErrOut}
	defer fw.close()
	return fw.run(ctx, ports, listenOn)
}

// forwardTarget resolves POD, pod/NAME or a workload or service to the pod
// to forward to; svc is the service object for service/NAME.
func (f *Factory) forwardTarget(ctx context.Context, c *client.Client, ns, ref string, timeout time.Duration) (pod, svc map[string]any, err error) {
	if !strings.Contains(ref, "/") {
		ref = "pods/" + ref
	}
	typ, name, _ := strings.Cut(ref, "/")
	info, err := f.Resolve(ctx, typ)
	if err != nil {
		return nil, nil, err
	}
	obj, err := getJSON(ctx, c, info, nsFor(info, ns), name)
	if err != nil {
		return nil, nil, err
	}
	if info.Kind == "Pod" {
		return obj, nil, nil
	}
	if info.Kind == "Service" {
		svc = obj
	}
	sel := selectorString(obj)
	if sel == "" {
		return nil, nil, fmt.Errorf("cannot attach to %s: selector for %s not implemented", info.KindForName(), name)
	}
	podsInfo, err := f.Resolve(ctx, "pods")
	if err != nil {
		return nil, nil, err
	}
	deadline := time.Now().Add(timeout)
	for {
		items, _, err := listJSON(ctx, c, podsInfo, ns, listOptions{labelSelector: sel})
		if err != nil {
			return nil, nil, err
		}
		if len(items) > 0 {
			sort.SliceStable(items, func(i, j int) bool { return podRank(items[i]) > podRank(items[j]) })
			return items[0], svc, nil
		}
		if !time.Now().Before(deadline) {
			return nil, nil, fmt.Errorf("timed out waiting for the condition")
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// podRank orders candidate pods: scheduled, then running, then ready ones first.
func podRank(p map[string]any) int {
	r := 0
	if gets(p, "spec", "nodeName") != "" {
		r += 4
	}
	if gets(p, "status", "phase") == "Running" {
		r += 2
	}
	conds, _ := get(p, "status", "conditions").([]any)
	for _, c := range conds {
		if cm, _ := c.(map[string]any); cm["type"] == "Ready" && cm["status"] == "True" {
			r++
		}
	}
	return r
}

// resolvePorts maps port specs to numbers: named container ports of the
// pod, and for a service its ports to their target ports.
func resolvePorts(specs []portSpec, pod, svc map[string]any) ([]forwardedPort, error) {
	var out []forwardedPort
	for _, s := range specs {
		remote := s.remote
		local := s.local
		if svc != nil {
			target, svcPort, err := serviceTargetPort(svc, pod, remote)
			if err != nil {
				return nil, err
			}
			if local == "" {
				local = strconv.Itoa(svcPort)
			}
			remote = strconv.Itoa(target)
		} else if !isDigits(remote) {
			n, ok := containerPortByName(pod, remote)
			if !ok {
				return nil, fmt.Errorf("Pod '%s' does not have a named port '%s'", metaString(pod, "name"), remote)
			}
			remote = strconv.Itoa(n)
		}
		if local == "" {
			local = remote
		}
		l, _ := strconv.ParseUint(local, 10, 16)
		r, _ := strconv.ParseUint(remote, 10, 16)
		out = append(out, forwardedPort{local: uint16(l), remote: uint16(r)})
	}
	return out, nil
}

// serviceTargetPort finds the service port named or numbered port and
// returns the pod port it targets and the service port number.
func serviceTargetPort(svc, pod map[string]any, port string) (int, int, error) {
	ports, _ := get(svc, "spec", "ports").([]any)
	for _, p := range ports {
		pm, _ := p.(map[string]any)
		num := int(num(pm, "port"))
		if pm["name"] != port && strconv.Itoa(num) != port {
			continue
		}
		switch tp := pm["targetPort"].(type) {
		case string:
			if isDigits(tp) {
				n, _ := strconv.Atoi(tp)
				return n, num, nil
			}
			n, ok := containerPortByName(pod, tp)
			if !ok {
				return 0, 0, fmt.Errorf("Pod '%s' does not have a named port '%s'", metaString(pod, "name"), tp)
			}
			return n, num, nil
		case nil:
			return num, num, nil
		default:
			if n := int(numValue(tp)); n > 0 {
				return n, num, nil
			}
			return num, num, nil
		}
	}
	return 0, 0, fmt.Errorf("Service %s does not have a service port %s", metaString(svc, "name"), port)
}

func numValue(v any) int64 {
	return num(map[string]any{"v": v}, "v")
}

func containerPortByName(pod map[string]any, name string) (int, bool) {
	cs, _ := get(pod, "spec", "containers").([]any)
	for _, c := range cs {
		cm, _ := c.(map[string]any)
		ports, _ := cm["ports"].([]any)
		for _, p := range ports {
			pm, _ := p.(map[string]any)
			if pm["name"] == name {
				return int(num(pm, "containerPort")), true
			}
		}
	}
	return 0, false
}

// listenAddress is one address to listen on; a port counts as listened on
// when all "any"-mode addresses and at least one "all"-mode address work.
type listenAddress struct {
	network, ip string
	// optional: failing is fine as long as another optional address works
	// (the two loopback addresses of localhost).
	optional bool
}

func parseListenAddresses(addrs []string) ([]listenAddress, error) {
	var out []listenAddress
	seen := map[string]bool{}
	for _, a := range addrs {
		if seen[a] {
			continue
		}
		seen[a] = true
		if a == "localhost" {
			out = append(out, listenAddress{"tcp4", "127.0.0.1", true}, listenAddress{"tcp6", "::1", true})
			continue
		}
		ip := net.ParseIP(a)
		if ip == nil {
			return nil, fmt.Errorf("%s is not a valid IP", a)
		}
		network := "tcp6"
		if ip.To4() != nil {
			network = "tcp4"
		}
		out = append(out, listenAddress{network, ip.String(), false})
	}
	return out, nil
}

// forwarder runs the listeners of one port-forward over one SPDY session.
type forwarder struct {
	conn        *spdystream.Connection
	out, errOut io.Writer
	outMu       sync.Mutex

	mu        sync.Mutex
	listeners []net.Listener
	requestID int
}

func (fw *forwarder) printf(w io.Writer, format string, args ...any) {
	fw.outMu.Lock()
	defer fw.outMu.Unlock()
	fmt.Fprintf(w, format, args...)
}

func (fw *forwarder) close() {
	fw.mu.Lock()
	for _, l := range fw.listeners {
		l.Close()
	}
	fw.mu.Unlock()
	fw.conn.Close()
}

// run listens on every port, forwards connections until ctx ends (nil) or
// the session is lost.
func (fw *forwarder) run(ctx context.Context, ports []forwardedPort, addrs []listenAddress) error {
	ok := false
	for _, p := range ports {
		if err := fw.listen(p, addrs); err != nil {
			fw.printf(fw.errOut, "Unable to listen on port %d: %v\n", p.local, err)
			continue
		}
		ok = true
	}
	if !ok {
		pairs := make([]string, len(ports))
		for i, p := range ports {
			pairs[i] = fmt.Sprintf("{%d %d}", p.local, p.remote)
		}
		return fmt.Errorf("unable to listen on any of the requested ports: [%s]", strings.Join(pairs, " "))
	}
	select {
	case <-ctx.Done():
		return nil
	case <-fw.conn.CloseChan():
		return errLostConnection
	}
}

// listen opens the port on every address and starts accepting.
func (fw *forwarder) listen(p forwardedPort, addrs []listenAddress) error {
	var errs []string
	optionalOK, optionalFailed, requiredFailed := false, false, false
	local := p.local
	for _, a := range addrs {
		l, err := net.Listen(a.network, net.JoinHostPort(a.ip, strconv.Itoa(int(local))))
		if err != nil {
			errs = append(errs, fmt.Sprintf("unable to create listener: Error listen %s %s: %v", a.network, net.JoinHostPort(a.ip, strconv.Itoa(int(local))), errors.Unwrap(err)))
			if a.optional {
				optionalFailed = true
			} else {
				requiredFailed = true
			}
			continue
		}
		if a.optional {
			optionalOK = true
		}
		if local == 0 {
			local = uint16(l.Addr().(*net.TCPAddr).Port)
		}
		fw.mu.Lock()
		fw.listeners = append(fw.listeners, l)
		fw.mu.Unlock()
		fp := forwardedPort{local: local, remote: p.remote}
		fw.printf(fw.out, "Forwarding from %s -> %d\n", l.Addr().String(), p.remote)
		go fw.accept(l, fp)
	}
	if requiredFailed || (optionalFailed && !optionalOK) {
		return fmt.Errorf("Listeners failed to create with the following errors: [%s]", strings.Join(errs, " "))
	}
	return nil
}

func (fw *forwarder) accept(l net.Listener, p forwardedPort) {
	for {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		go fw.handle(conn, p)
	}
}

// handle forwards one local connection through an error and a data stream.
func (fw *forwarder) handle(conn net.Conn, p forwardedPort) {
	defer conn.Close()
	fw.printf(fw.out, "Handling connection for %d\n", p.local)
	fw.mu.Lock()
	id := fw.requestID
	fw.requestID++
	fw.mu.Unlock()

	hdr := http.Header{}
	hdr.Set("streamType", "error")
	hdr.Set("port", strconv.Itoa(int(p.remote)))
	hdr.Set("requestID", strconv.Itoa(id))
	errStream, err := fw.createStream(hdr)
	if err != nil {
		fw.printf(fw.errOut, "error creating error stream for port %d -> %d: %v\n", p.local, p.remote, err)
		return
	}
	defer errStream.Reset()
	// Nothing is ever written to the error stream.
	errStream.Close()
	errCh := make(chan error, 1)
	go func() {
		msg, err := io.ReadAll(errStream)
		switch {
		case err != nil:
			errCh <- fmt.Errorf("error reading from error stream for port %d -> %d: %v", p.local, p.remote, err)
		case len(msg) > 0:
			errCh <- fmt.Errorf("an error occurred forwarding %d -> %d: %v", p.local, p.remote, string(msg))
		}
		close(errCh)
	}()

	hdr.Set("streamType", "data")
	dataStream, err := fw.createStream(hdr)
	if err != nil {
		fw.printf(fw.errOut, "error creating forwarding stream for port %d -> %d: %v\n", p.local, p.remote, err)
		return
	}
	defer dataStream.Reset()

	remoteDone := make(chan struct{})
	localErr := make(chan struct{})
	go func() {
		io.Copy(conn, dataStream)
		close(remoteDone)
	}()
	go func() {
		if _, err := io.Copy(dataStream, conn); err != nil {
			close(localErr)
			return
		}
		// Tell the pod side no more data comes from here.
		dataStream.Close()
	}()
	select {
	case <-remoteDone:
	case <-localErr:
	}
	if err := <-errCh; err != nil {
		fw.printf(fw.errOut, "%v\n", err)
	}
}

// createStream opens a stream and waits for the server to accept it.
func (fw *forwarder) createStream(hdr http.Header) (*spdystream.Stream, error) {
	s, err := fw.conn.CreateStream(hdr, nil, false)
	if err != nil {
		return nil, err
	}
	if err := s.WaitTimeout(streamReplyTimeout); err != nil {
		s.Reset()
		return nil, err
	}
	return s, nil
}
