package endpoints

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/fields"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/watch"

	"keel.dev/keel/pkg/apiserver/registry/rest"
	"keel.dev/keel/pkg/apiserver/request"
	"keel.dev/keel/pkg/apiserver/storage"
)

// watch serves a watch (?watch=true or a /watch/ path): HTTP 200 and one
// event per frame, flushed as events come, until timeoutSeconds (or the
// randomised minimum request timeout) passes, the storage ends the watch
// or the client goes away.
func (s *scope) watch(w http.ResponseWriter, r *http.Request) {
	watcher, ok := s.storage.(rest.Watcher)
	if !ok {
		writeError(w, errMethodNotAllowed())
		return
	}
	out, err := s.negotiate(r)
	if err != nil {
		writeError(w, err)
		return
	}
	q := r.URL.Query()
	opts, err := parseListOptions(q, true)
	if err != nil {
		writeError(w, err)
		return
	}
	if s.info.Name != "" {
		byName := fields.OneTermEqualSelector("metadata.name", s.info.Name)
		if opts.FieldSelector != nil {
			byName = fields.AndSelectors(opts.FieldSelector, byName)
		}
		opts.FieldSelector = byName
	}
	timeout, err := parseTimeout(q)
	if err != nil {
		writeError(w, err)
		return
	}
	if timeout == 0 {
		min := s.h.cfg.MinRequestTimeout
		timeout = min + time.Duration(rand.Float64()*float64(min))
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	wi, err := watcher.Watch(ctx, opts)
	if err != nil {
		writeError(w, s.apiError(err, ""))
		return
	}
	defer wi.Stop()

	contentType := out.info.MediaType
	if contentType == request.MediaProtobuf {
		contentType = request.MediaProtobufWatch
	}
	enc, err := s.h.cfg.Codecs.NewWatchEncoder(w, out.info.MediaType)
	if err != nil {
		writeError(w, apierrors.NewInternalError(err))
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()

	first := true
	ch := wi.ResultChan()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-ch:
			if !ok {
				return
			}
			obj, err := s.watchObject(ctx, out, ev, first)
			if err != nil {
				ev.Type, obj = watch.Error, statusOf(s.apiError(err, ""))
			} else if ev.Type != watch.Bookmark && ev.Type != watch.Error {
				first = false
			}
			if err := enc.Encode(string(ev.Type), obj); err != nil {
				return
			}
			// Flush when no further event is waiting: bursts go out in
			// one write, single events at once.
			if len(ch) == 0 {
				if err := rc.Flush(); err != nil {
					return
				}
			}
		}
	}
}

// watchObject converts the object of a watch event to what the stream
// carries: a Status for errors, the negotiated form otherwise.
func (s *scope) watchObject(ctx context.Context, out output, ev watch.Event, first bool) (runtime.Object, error) {
	switch ev.Type {
	case watch.Error:
		if st, ok := ev.Object.(*metav1.Status); ok {
			return withStatusKind(st), nil
		}
		return statusOf(s.apiError(storage.EventError(ev), "")), nil
	case watch.Bookmark:
		switch out.as {
		case asTable:
			tbl := &metav1.Table{TypeMeta: metav1.TypeMeta{APIVersion: metaGroup + "/" + out.version, Kind: asTable}, Rows: []metav1.TableRow{}}
			if m, ok := objectMeta(ev.Object); ok {
				tbl.ResourceVersion = m.GetResourceVersion()
			}
			return tbl, nil
		case asPartial:
			return toPartial(ev.Object, out.version), nil
		}
		return ev.Object, nil
	}
	switch out.as {
	case asTable:
		return s.toTable(ctx, out, ev.Object, first)
	case asPartial:
		return toPartial(ev.Object, out.version), nil
	}
	return ev.Object, nil
}

// statusOf returns the Status of an API error.
func statusOf(err error) *metav1.Status {
	var st apierrors.APIStatus
	if !errors.As(err, &st) {
		st = apierrors.NewInternalError(err)
	}
	s := st.Status()
	return withStatusKind(&s)
}

func withStatusKind(s *metav1.Status) *metav1.Status {
	if s.Kind == "" {
		c := *s
		c.Kind, c.APIVersion = "Status", "v1"
		return &c
	}
	return s
}
