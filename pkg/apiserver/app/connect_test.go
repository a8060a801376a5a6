package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/keel/internal/pki"
	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/request"
	"keel.dev/keel/pkg/apiserver/server"
)

type nodeStore map[string]*corev1.Node

func (n nodeStore) New() runtime.Object { return &corev1.Node{} }
func (n nodeStore) Get(_ context.Context, name string, _ *metav1.GetOptions) (runtime.Object, error) {
	if node, ok := n[name]; ok {
		return node, nil
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "nodes"}, name)
}

type storages struct{ nodes nodeStore }

func (s storages) For(gvr schema.GroupVersionResource, sub string) (rest.Storage, bool) {
	if gvr.Resource == "nodes" && sub == "" {
		return s.nodes, true
	}
	return nil, false
}

func TestKubeletConnectorProxiesToTheNodesKubelet(t *testing.T) {
	ca, err := pki.NewCA("test")
	if err != nil {
		t.Fatal(err)
	}
	var gotPath, gotQuery, gotUser string
	kubelet := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery = r.URL.Path, r.URL.RawQuery
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			gotUser = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		_, _ = io.WriteString(w, "log line\n")
	}))
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	kubelet.TLS = &tls.Config{ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert}
	kubelet.StartTLS()
	defer kubelet.Close()
	host, portStr, _ := net.SplitHostPort(kubelet.Listener.Addr().String())
	port, _ := strconv.Atoi(portStr)
	nodes := nodeStore{
		"n1": {ObjectMeta: metav1.ObjectMeta{Name: "n1"}, Status: corev1.NodeStatus{
			Addresses:       []corev1.NodeAddress{{Type: corev1.NodeHostName, Address: "n1"}, {Type: corev1.NodeInternalIP, Address: host}},
			DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: int32(port)}}}},
		"no-port": {ObjectMeta: metav1.ObjectMeta{Name: "no-port"}},
	}
	connect := kubeletConnector(storages{nodes}, kubeletTransport(&server.Certificates{CA: ca}, "", ""))
	pod := func(node string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"},
			Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "c"}}}}
	}
	cases := []struct {
		name      string
		sub, node string
		query     string
		wantPath  string
		wantQuery string
	}{
		{"logs go to containerLogs with the only container", "log", "n1", "follow=true", "/containerLogs/ns/p/c", "follow=true"},
		{"exec goes to exec with the query", "exec", "n1", "command=ls&container=c&stdout=true", "/exec/ns/p/c", "command=ls&container=c&stdout=true"},
		{"portforward has no container", "portforward", "n1", "ports=80", "/portForward/ns/p", "ports=80"},
		{"a pod without a node is left to the endpoint", "log", "", "", "", ""},
		{"a node without a kubelet port is left to the endpoint", "log", "no-port", "", "", ""},
		{"proxy is left to the endpoint", "proxy", "n1", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gotPath, gotQuery, gotUser = "", "", ""
			h, err := connect(context.Background(), &request.Info{Subresource: c.sub}, pod(c.node))
			if err != nil {
				t.Fatal(err)
			}
			if c.wantPath == "" {
				if h != nil {
					t.Error("got a handler")
				}
				return
			}
			if h == nil {
				t.Fatal("no handler")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/namespaces/ns/pods/p/"+c.sub+"?"+c.query, nil))
			if rec.Code != 200 || rec.Body.String() != "log line\n" {
				t.Errorf("response %d %q", rec.Code, rec.Body.String())
			}
			if gotPath != c.wantPath || gotQuery != c.wantQuery || gotUser != "kube-apiserver-kubelet-client" {
				t.Errorf("kubelet saw %s?%s as %q", gotPath, gotQuery, gotUser)
			}
		})
	}
}

func TestKubeletConnectorRefusesUnknownContainers(t *testing.T) {
	ca, err := pki.NewCA("test")
	if err != nil {
		t.Fatal(err)
	}
	nodes := nodeStore{"n1": {ObjectMeta: metav1.ObjectMeta{Name: "n1"}, Status: corev1.NodeStatus{
		Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "127.0.0.1"}},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 1}}}}}
	connect := kubeletConnector(storages{nodes}, kubeletTransport(&server.Certificates{CA: ca}, "", ""))
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p"},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "a"}, {Name: "b"}}}}
	cases := []struct{ name, query, want string }{
		{"a multi-container pod needs a container name", "", "a container name must be specified for pod p, choose one of: [a b]"},
		{"an unknown container is refused", "container=zz", "container zz is not valid for pod p"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, err := connect(context.Background(), &request.Info{Subresource: "log"}, pod)
			if err != nil || h == nil {
				t.Fatalf("handler %v err %v", h, err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/namespaces/ns/pods/p/log?"+c.query, nil))
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), c.want) {
				t.Errorf("got %d %s", rec.Code, rec.Body.String())
			}
		})
	}
}
