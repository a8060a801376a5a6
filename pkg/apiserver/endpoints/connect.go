package endpoints

import (
	"fmt"
	"net/http"
	"strings"

	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"

	"keel.dev/keel/pkg/apiserver/registry/rest"
)

// connectSubresources are served through the kubelet, not a storage.
var connectSubresources = map[string]bool{"log": true, "exec": true, "attach": true, "portforward": true, "proxy": true}

// connectMethods are the HTTP methods each connect subresource takes
// (proxy takes any).
var connectMethods = map[string][]string{
	"log":         {http.MethodGet, http.MethodHead},
	"exec":        {http.MethodGet, http.MethodPost},
	"attach":      {http.MethodGet, http.MethodPost},
	"portforward": {http.MethodGet, http.MethodPost},
}

// serveConnect serves a kubelet-backed subresource: it reads the pod, node
// or service, hands the request to the Connector when one serves it, and
// otherwise answers as Kubernetes does for a pod without a node (log: 204;
// exec, attach, portforward: 400) or with 503 when no kubelet connection
// exists yet.
func (s *scope) serveConnect(w http.ResponseWriter, r *http.Request) {
	sub := s.sub.Name
	if methods, ok := connectMethods[sub]; ok && !contains(methods, r.Method) {
		writeError(w, errMethodNotAllowed())
		return
	}
	var getter rest.Getter
	if s.h.cfg.Storages != nil {
		if st, ok := s.h.cfg.Storages.For(s.gvr, ""); ok {
			getter, _ = st.(rest.Getter)
		}
	}
	if getter == nil {
		writeError(w, errNotFound())
		return
	}
	ctx := rest.WithNamespace(r.Context(), s.namespace)
	r = r.WithContext(ctx)
	obj, err := getter.Get(ctx, s.info.Name, &metav1.GetOptions{})
	if err != nil {
		writeError(w, s.apiError(err, s.info.Name))
		return
	}
	if s.h.cfg.Connector != nil {
		h, err := s.h.cfg.Connector(ctx, s.info, obj)
		if err != nil {
			writeError(w, s.apiError(err, s.info.Name))
			return
		}
		if h != nil {
			h.ServeHTTP(w, r)
			return
		}
	}
	switch o := obj.(type) {
	case *corev1.Pod:
		if sub == "log" || sub == "exec" || sub == "attach" {
			if err := checkContainer(o, r.URL.Query().Get("container")); err != nil {
				writeError(w, err)
				return
			}
		}
		if o.Spec.NodeName == "" {
			switch sub {
			case "log":
				w.WriteHeader(http.StatusNoContent)
				return
			case "exec", "attach", "portforward":
				writeError(w, apierrors.NewBadRequest(fmt.Sprintf("pod %s does not have a host assigned", o.Name)))
				return
			}
			writeError(w, apierrors.NewServiceUnavailable(fmt.Sprintf("pod %s does not have a host assigned", o.Name)))
			return
		}
		writeError(w, noKubelet(o.Spec.NodeName))
	case *corev1.Node:
		writeError(w, noKubelet(o.Name))
	default:
		writeError(w, apierrors.NewServiceUnavailable(fmt.Sprintf("no proxy connection is available yet for %s %q", s.gr.String(), s.info.Name)))
	}
}

// noKubelet is the 503 of a request that needs a node's kubelet.
func noKubelet(node string) error {
	return apierrors.NewServiceUnavailable(fmt.Sprintf("no kubelet connection is available yet for node %q", node))
}

// checkContainer refuses a container the pod does not have, or no
// container for a pod with several, in Kubernetes' words.
func checkContainer(pod *corev1.Pod, container string) error {
	if container == "" {
		switch len(pod.Spec.Containers) {
		case 1:
			return nil
		case 0:
			return apierrors.NewBadRequest(fmt.Sprintf("a container name must be specified for pod %s", pod.Name))
		}
		msg := fmt.Sprintf("a container name must be specified for pod %s, choose one of: [%s]", pod.Name, containerNames(pod.Spec.Containers))
		if len(pod.Spec.InitContainers) > 0 {
			msg += fmt.Sprintf(" or one of the init containers: [%s]", containerNames(pod.Spec.InitContainers))
		}
		return apierrors.NewBadRequest(msg)
	}
	for _, list := range [][]corev1.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for _, c := range list {
			if c.Name == container {
				return nil
			}
		}
	}
	for _, c := range pod.Spec.EphemeralContainers {
		if c.Name == container {
			return nil
		}
	}
	return apierrors.NewBadRequest(fmt.Sprintf("container %s is not valid for pod %s", container, pod.Name))
}

func containerNames(cs []corev1.Container) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, " ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
