package app

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/pkg/apiserver/endpoints"
	"keel.dev/keel/pkg/apiserver/filters"
	"keel.dev/keel/pkg/apiserver/metricsapi"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/request"
)

// nodeProxy serves nodes/proxy in front of next: a request for
// /api/v1/nodes/ID/proxy/PATH, ID being NAME, NAME:PORT or SCHEME:NAME:PORT,
// goes to PATH on the node's kubelet (its InternalIP and published kubelet
// port, over the kubelet client certificate), or with an explicit other
// port to that port of the node over a plain transport, as Kubernetes
// routes it. Everything else, and every request when no kubelet transport
// exists, goes to next.
func nodeProxy(next http.Handler, storages endpoints.StorageProvider, kubelet func() (http.RoundTripper, error)) http.Handler {
	if kubelet == nil {
		return next
	}
	other := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // node ports serve self-signed certificates
		TLSHandshakeTimeout: 10 * time.Second,
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, ok := request.InfoFrom(r.Context())
		if !ok {
			parsed, err := request.Parse(r)
			if err != nil {
				next.ServeHTTP(w, r)
				return
			}
			info = parsed
		}
		prefix := "/api/v1/nodes/" + info.Name + "/proxy"
		if !info.IsResourceRequest || info.APIPrefix != "api" || info.APIVersion != "v1" ||
			info.Resource != "nodes" || info.Subresource != "proxy" || info.Name == "" ||
			!strings.HasPrefix(r.URL.Path, prefix) {
			next.ServeHTTP(w, r)
			return
		}
		scheme, name, port, valid := splitSchemeNamePort(info.Name)
		if !valid {
			filters.WriteStatus(w, apierrors.NewBadRequest(fmt.Sprintf("invalid node request %q", info.Name)))
			return
		}
		node, err := getNode(r, storages, name)
		if err != nil {
			filters.WriteStatus(w, err)
			return
		}
		host, kport, err := metricsapi.KubeletAddress(node)
		if errors.Is(err, metricsapi.ErrNoAddress) {
			// Kubernetes answers a bare 500 with the address lookup's words.
			filters.WriteStatusObject(w, metav1.Status{
				Status:  metav1.StatusFailure,
				Code:    http.StatusInternalServerError,
				Message: fmt.Sprintf("no preferred addresses found; known addresses: %v", node.Status.Addresses),
			})
			return
		}
		target := &url.URL{Scheme: "https", Host: net.JoinHostPort(host, strconv.Itoa(kport))}
		var rt http.RoundTripper
		if port == "" || port == strconv.Itoa(kport) {
			if rt, err = kubelet(); err != nil {
				filters.WriteStatus(w, err)
				return
			}
		} else {
			if scheme == "" {
				scheme = "http"
			}
			target = &url.URL{Scheme: scheme, Host: net.JoinHostPort(host, port)}
			rt = other
		}
		target.Path = strings.TrimPrefix(r.URL.Path, prefix)
		if target.Path == "" {
			target.Path = "/"
		}
		target.RawQuery = r.URL.RawQuery
		proxy := &httputil.ReverseProxy{
			Transport: rt,
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.Out.URL = target
				pr.Out.Host = target.Host
				pr.Out.Header.Del("Authorization")
			},
			FlushInterval: -1,
			ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
				filters.WriteStatus(w, apierrors.NewServiceUnavailable(fmt.Sprintf("error trying to reach service: %v", err)))
			},
		}
		proxy.ServeHTTP(w, r)
	})
}

// getNode reads a node, answering NotFound as `nodes "NAME" not found`.
func getNode(r *http.Request, storages endpoints.StorageProvider, name string) (*corev1.Node, error) {
	gr := schema.GroupResource{Resource: "nodes"}
	st, ok := storages.For(schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, "")
	getter, isGetter := st.(rest.Getter)
	if !ok || !isGetter {
		return nil, apierrors.NewNotFound(gr, name)
	}
	obj, err := getter.Get(rest.WithNamespace(r.Context(), ""), name, &metav1.GetOptions{})
	if err != nil {
		var st apierrors.APIStatus
		if errors.As(err, &st) {
			return nil, err
		}
		if apierrors.IsNotFound(err) {
			return nil, apierrors.NewNotFound(gr, name)
		}
		return nil, fmt.Errorf("get node %s: %w", name, err)
	}
	node, ok := obj.(*corev1.Node)
	if !ok {
		return nil, fmt.Errorf("nodes storage returned %T", obj)
	}
	return node, nil
}

// splitSchemeNamePort splits a proxy id "[scheme:]name[:port]"; the scheme
// must be http or https and the name non-empty.
func splitSchemeNamePort(id string) (scheme, name, port string, ok bool) {
	parts := strings.Split(id, ":")
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		name, port = parts[0], parts[1]
	case 3:
		scheme, name, port = parts[0], parts[1], parts[2]
	default:
		return "", "", "", false
	}
	if name == "" || (scheme != "" && scheme != "http" && scheme != "https") {
		return "", "", "", false
	}
	return scheme, name, port, true
}
