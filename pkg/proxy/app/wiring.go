package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	corev1 "keel.dev/api/core/v1"
	discoveryv1 "keel.dev/api/discovery/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/types"
	"keel.dev/client/informers"
	"keel.dev/client/record"
	"keel.dev/client/typed"
	"keel.dev/keel/pkg/proxy"
	"keel.dev/keel/pkg/proxy/healthcheck"
	"keel.dev/keel/pkg/proxy/model"
)

// Labels that take a Service away from this proxy, as kube-proxy honours them.
const (
	labelServiceProxyName = "service.kubernetes.io/service-proxy-name"
	labelHeadless         = "service.kubernetes.io/headless"
)

// proxySelector skips Services (and their slices) handled by another proxy
// and headless Services.
const proxySelector = "!" + labelServiceProxyName + ",!" + labelHeadless

// eventReason is the reason of events about skipped input.
const eventReason = "FailedToProxy"

// eventSink receives events about objects; record.Recorder implements it.
type eventSink interface {
	Event(obj runtime.Object, eventType, reason, message string)
}

// wiring owns the informers feeding the Proxier.
type wiring struct {
	log      *slog.Logger
	cfg      *Config
	factory  *informers.Factory
	services *informers.ServiceInformer
	slices   *informers.EndpointSliceInformer
	nodes    *informers.NodeInformer
	recorder *record.Recorder
	events   eventSink

	svcAdds, sliceAdds atomic.Int64
}

func newWiring(cs *typed.Clientset, cfg *Config, log *slog.Logger) *wiring {
	f := informers.NewFactory(cs, 0)
	sel := informers.Tweak("proxy", func(lo *metav1.ListOptions) { lo.LabelSelector = proxySelector })
	node := informers.Tweak("node="+cfg.NodeName, func(lo *metav1.ListOptions) {
		lo.FieldSelector = "metadata.name=" + cfg.NodeName
	})
	rec := record.NewRecorder(cs, "keel-proxy", cfg.NodeName)
	return &wiring{
		log: log, cfg: cfg, factory: f, recorder: rec, events: rec,
		services: informers.Services(f, sel),
		slices:   informers.EndpointSlices(f, sel),
		nodes:    informers.Nodes(f, node),
	}
}

func (w *wiring) start(ctx context.Context) { w.factory.Start(ctx) }

func (w *wiring) waitForSync(ctx context.Context) bool { return w.factory.WaitForCacheSync(ctx) }

func (w *wiring) shutdown() {
	w.recorder.Shutdown()
}

// node returns this proxy's Node from the cache, or nil.
func (w *wiring) node() *corev1.Node {
	n, err := w.nodes.Lister().Get("", w.cfg.NodeName)
	if err != nil {
		return nil
	}
	return n
}

// waitForNode waits up to a minute for this proxy's Node to exist.
func (w *wiring) waitForNode(ctx context.Context) (*corev1.Node, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		if n := w.node(); n != nil {
			return n, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("node %s not found: %w", w.cfg.NodeName, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// connect registers the Proxier's handlers and waits (bounded) until the
// cached objects have been handed over, so the first sync sees the whole
// state rather than a prefix of it.
func (w *wiring) connect(p *proxy.Proxier) {
	nSvc, _ := w.services.Lister().List(labels.Everything())
	nSlice, _ := w.slices.Lister().List(labels.Everything())
	w.services.AddEventHandler(informers.HandlerFuncs[*corev1.Service]{
		AddFunc: func(s *corev1.Service, initial bool) {
			p.OnServiceUpdate(nil, s)
			if initial {
				w.svcAdds.Add(1)
			}
		},
		UpdateFunc: func(o, n *corev1.Service) { p.OnServiceUpdate(o, n) },
		DeleteFunc: func(s *corev1.Service) { p.OnServiceUpdate(s, nil) },
	})
	w.slices.AddEventHandler(informers.HandlerFuncs[*discoveryv1.EndpointSlice]{
		AddFunc: func(s *discoveryv1.EndpointSlice, initial bool) {
			p.OnEndpointSliceUpdate(nil, s)
			if initial {
				w.sliceAdds.Add(1)
			}
		},
		UpdateFunc: func(o, n *discoveryv1.EndpointSlice) { p.OnEndpointSliceUpdate(o, n) },
		DeleteFunc: func(s *discoveryv1.EndpointSlice) { p.OnEndpointSliceUpdate(s, nil) },
	})
	w.nodes.AddEventHandler(informers.HandlerFuncs[*corev1.Node]{
		UpdateFunc: func(o, n *corev1.Node) {
			if o.DeletionTimestamp == nil && n.DeletionTimestamp != nil {
				w.log.Info("node is being deleted; /healthz reports unhealthy", "node", n.Name)
			}
		},
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) &&
		(w.svcAdds.Load() < int64(len(nSvc)) || w.sliceAdds.Load() < int64(len(nSlice))) {
		time.Sleep(10 * time.Millisecond)
	}
}

// healthHandler serves /healthz and /livez from h, except that /healthz
// reports the node ineligible (503) while this Node is being deleted, so
// that load balancers drain it.
func (w *wiring) healthHandler(h *healthcheck.ProxyHealth) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/healthz", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if n := w.node(); n != nil && n.DeletionTimestamp != nil {
			_, last, now := h.Status()
			rw.Header().Set("Content-Type", "application/json")
			rw.Header().Set("X-Content-Type-Options", "nosniff")
			rw.WriteHeader(http.StatusServiceUnavailable)
			_ = json.NewEncoder(rw).Encode(map[string]any{
				"lastUpdated": last.UTC().String(), "currentTime": now.UTC().String(), "nodeEligible": false})
			return
		}
		h.ServeHTTP(rw, r)
	}))
	mux.Handle("/livez", h)
	return mux
}

// reportProblems turns skipped input into Warning events on the objects.
func (w *wiring) reportProblems(problems []model.Problem) {
	for _, pr := range problems {
		kind, key, ok := strings.Cut(pr.Object, " ")
		if !ok {
			continue
		}
		ns, name, ok := strings.Cut(key, "/")
		if !ok {
			continue
		}
		var obj runtime.Object
		switch kind {
		case "Service":
			if s, err := w.services.Lister().Get(ns, name); err == nil {
				obj = s
			}
		case "EndpointSlice":
			if s, err := w.slices.Lister().Get(ns, name); err == nil {
				obj = s
			}
		}
		if obj != nil {
			w.events.Event(obj, corev1.EventTypeWarning, eventReason, "skipped by the proxy: "+pr.Reason)
		}
	}
}

// reportingBackend hands the Problems of every sync to report before
// delegating to the real backend.
type reportingBackend struct {
	proxy.Backend
	report func([]model.Problem)
}

// Sync implements proxy.Backend.
func (b *reportingBackend) Sync(ctx context.Context, res *model.Result, changed map[types.NamespacedName]struct{}) (proxy.SyncStats, error) {
	if len(res.Problems) > 0 {
		b.report(res.Problems)
	}
	return b.Backend.Sync(ctx, res, changed)
}
