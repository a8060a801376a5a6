// Package lifecycle runs a container's postStart and preStop hooks: exec
// through the runtime, httpGet against the pod, or sleep.
package lifecycle

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/apimachinery/pkg/util/intstr"
	"keel.dev/keel/pkg/kubelet/clock"
)

// Runner runs lifecycle handlers.
type Runner struct {
	Exec   runtimeapi.RuntimeServiceClient
	Clock  clock.Clock
	Client *http.Client
}

// Run executes h for container c (runtime ID id) of pod whose IP is podIP;
// it returns an error (with any output) when the hook fails.
func (r *Runner) Run(ctx context.Context, pod *corev1.Pod, c *corev1.Container, id, podIP string, h *corev1.LifecycleHandler) error {
	switch {
	case h.Exec != nil:
		timeout := int64(0)
		if dl, ok := ctx.Deadline(); ok {
			timeout = int64(time.Until(dl).Seconds()) + 1
		}
		resp, err := r.Exec.ExecSync(ctx, &runtimeapi.ExecSyncRequest{ContainerId: id, Cmd: h.Exec.Command, Timeout: timeout})
		if err != nil {
			return fmt.Errorf("exec %v: %w", h.Exec.Command, err)
		}
		if resp.ExitCode != 0 {
			return fmt.Errorf("command %q exited with %d: %s", h.Exec.Command, resp.ExitCode, append(resp.Stdout, resp.Stderr...))
		}
		return nil
	case h.HTTPGet != nil:
		return r.httpGet(ctx, pod, c, podIP, h.HTTPGet)
	case h.Sleep != nil:
		clk := r.Clock
		if clk == nil {
			clk = clock.Real{}
		}
		select {
		case <-clk.After(time.Duration(h.Sleep.Seconds) * time.Second):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	case h.TCPSocket != nil:
		return nil // deprecated and never run by Kubernetes' kubelet
	}
	return fmt.Errorf("lifecycle handler has no action")
}

func (r *Runner) httpGet(ctx context.Context, pod *corev1.Pod, c *corev1.Container, podIP string, g *corev1.HTTPGetAction) error {
	host := g.Host
	if host == "" {
		host = podIP
	}
	port, err := ResolvePort(g.Port, c)
	if err != nil {
		return err
	}
	scheme := "http"
	if g.Scheme == corev1.URISchemeHTTPS {
		scheme = "https"
	}
	path := g.Path
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+net.JoinHostPort(host, strconv.Itoa(port))+path, nil)
	if err != nil {
		return err
	}
	for _, h := range g.HTTPHeaders {
		req.Header.Add(h.Name, h.Value)
	}
	client := r.Client
	if client == nil {
		client = insecureClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("http hook: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 400 {
		return fmt.Errorf("http hook %s returned %d", req.URL, resp.StatusCode)
	}
	return nil
}

// insecureClient skips TLS verification, as Kubernetes does for hooks and probes.
var insecureClient = &http.Client{
	Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return nil },
}

// HTTPGet performs an httpGet action against host (podIP when the action names none).
func HTTPGet(ctx context.Context, client *http.Client, c *corev1.Container, podIP string, g *corev1.HTTPGetAction) error {
	r := &Runner{Client: client}
	return r.httpGet(ctx, nil, c, podIP, g)
}

// ResolvePort turns a numeric or named port into a number using c's ports.
func ResolvePort(p intstr.IntOrString, c *corev1.Container) (int, error) {
	if p.Type == intstr.Int {
		return int(p.IntVal), nil
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	if n, err := strconv.Atoi(p.StrVal); err == nil {
		return n, nil
	}
	return 0, fmt.Errorf("couldn't find port %q in container %s", p.StrVal, c.Name)
}
