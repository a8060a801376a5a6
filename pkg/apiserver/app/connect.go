package app

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/internal/pki"
	"keel.dev/keel/pkg/apiserver/endpoints"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/request"
	"keel.dev/keel/pkg/apiserver/server"
	"keel.dev/keel/pkg/apiserver/streaming"
)

// kubeletPaths maps a pod connect subresource to the kubelet API path prefix.
var kubeletPaths = map[string]string{
	"log":         "/containerLogs",
	"exec":        "/exec",
	"attach":      "/attach",
	"portforward": "/portForward",
}

// kubeletTransport returns the transport to kubelets: HTTPS with the
// client certificate of certFile/keyFile, or else one the apiserver issues
// itself from its CA, made on first use. It is nil without either.
func kubeletTransport(certs *server.Certificates, certFile, keyFile string) func() (http.RoundTripper, error) {
	fromFiles := certFile != "" || keyFile != ""
	if !fromFiles && (certs == nil || certs.CA == nil) {
		return nil
	}
	var (
		mu        sync.Mutex
		transport http.RoundTripper
	)
	return func() (http.RoundTripper, error) {
		mu.Lock()
		defer mu.Unlock()
		if transport != nil {
			return transport, nil
		}
		cert, err := kubeletClientCert(certs, certFile, keyFile, fromFiles)
		if err != nil {
			return nil, fmt.Errorf("kubelet client certificate: %w", err)
		}
		// Kubelet serving certificates are self-signed unless configured;
		// like kube-apiserver without --kubelet-certificate-authority, do not verify them.
		transport = &http.Transport{
			TLSClientConfig:     &tls.Config{Certificates: []tls.Certificate{cert}, InsecureSkipVerify: true}, //nolint:gosec
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     90 * time.Second,
		}
		return transport, nil
	}
}

// kubeletConnector proxies pods/log, exec, attach and portforward to
// https://<node InternalIP>:<kubelet port> over issue's transport (nil
// connector without one). WebSocket exec, attach and port-forward are
// translated to SPDY, which is all the kubelet's runtime speaks (package
// streaming). Anything it cannot route (no node, no kubelet endpoint, an
// unknown container) is left to the endpoint's default answers.
func kubeletConnector(storages endpoints.StorageProvider, issue func() (http.RoundTripper, error)) endpoints.Connector {
	if issue == nil {
		return nil
	}
	nodes := schema.GroupVersionResource{Version: "v1", Resource: "nodes"}
	return func(ctx context.Context, info *request.Info, obj runtime.Object) (http.Handler, error) {
		pod, ok := obj.(*corev1.Pod)
		prefix, known := kubeletPaths[info.Subresource]
		if !ok || !known || pod.Spec.NodeName == "" {
			return nil, nil
		}
		st, ok := storages.For(nodes, "")
		if !ok {
			return nil, nil
		}
		getter, ok := st.(rest.Getter)
		if !ok {
			return nil, nil
		}
		nobj, err := getter.Get(rest.WithNamespace(ctx, ""), pod.Spec.NodeName, nil)
		if err != nil {
			return nil, nil
		}
		node := nobj.(*corev1.Node)
		host, port := nodeAddress(node), node.Status.DaemonEndpoints.KubeletEndpoint.Port
		if host == "" || port == 0 {
			return nil, nil
		}
		rt, err := issue()
		if err != nil {
			return nil, err
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			path := prefix + "/" + pod.Namespace + "/" + pod.Name
			if info.Subresource != "portforward" {
				container := r.URL.Query().Get("container")
				if container == "" && len(pod.Spec.Containers) == 1 {
					container = pod.Spec.Containers[0].Name
				}
				if !hasContainer(pod, container) {
					writeBadContainer(w, pod, container)
					return
				}
				path += "/" + container
			}
			target := &url.URL{Scheme: "https", Host: net.JoinHostPort(host, strconv.Itoa(int(port))), Path: path, RawQuery: r.URL.RawQuery}
			if serveWebSocket(w, r, info.Subresource, streaming.NewDialer(rt, target)) {
				return
			}
			proxy := &httputil.ReverseProxy{
				Transport: rt,
				Rewrite: func(pr *httputil.ProxyRequest) {
					pr.Out.URL = target
					pr.Out.Host = target.Host
					pr.Out.Header.Del("Authorization")
				},
				FlushInterval: -1,
			}
			proxy.ServeHTTP(w, r)
		}), nil
	}
}

// serveWebSocket serves a WebSocket exec, attach or port-forward by
// translating it to SPDY towards the kubelet; false leaves r to the proxy.
func serveWebSocket(w http.ResponseWriter, r *http.Request, subresource string, dial streaming.Dialer) bool {
	if !streaming.IsWebSocketRequest(r) {
		return false
	}
	switch subresource {
	case "exec", "attach":
		return streaming.ServeExec(w, r, dial)
	case "portforward":
		return streaming.ServePortForward(w, r, dial)
	}
	return false
}

// nodeAddress returns the node's InternalIP, else its first address.
func nodeAddress(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	if len(n.Status.Addresses) > 0 {
		return n.Status.Addresses[0].Address
	}
	return ""
}

// kubeletClientCert loads the configured client certificate or issues one from the CA.
func kubeletClientCert(certs *server.Certificates, certFile, keyFile string, fromFiles bool) (tls.Certificate, error) {
	if fromFiles {
		return tls.LoadX509KeyPair(certFile, keyFile)
	}
	kp, err := certs.CA.Issue(pki.Request{CommonName: "kube-apiserver-kubelet-client", Organizations: []string{"system:masters"}, Client: true})
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := kp.KeyPEM()
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(kp.CertPEM(), keyPEM)
}

func hasContainer(pod *corev1.Pod, name string) bool {
	for _, list := range [][]corev1.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for _, c := range list {
			if c.Name == name {
				return true
			}
		}
	}
	for _, c := range pod.Spec.EphemeralContainers {
		if c.Name == name {
			return true
		}
	}
	return false
}

// writeBadContainer answers 400 for a missing or unknown container, in
// Kubernetes' words.
func writeBadContainer(w http.ResponseWriter, pod *corev1.Pod, container string) {
	msg := fmt.Sprintf("container %s is not valid for pod %s", container, pod.Name)
	if container == "" {
		names := make([]string, len(pod.Spec.Containers))
		for i, c := range pod.Spec.Containers {
			names[i] = c.Name
		}
		msg = fmt.Sprintf("a container name must be specified for pod %s, choose one of: [%s]", pod.Name, strings.Join(names, " "))
	}
	st := apierrors.NewBadRequest(msg).Status()
	st.Kind, st.APIVersion = "Status", "v1"
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(&st)
}
