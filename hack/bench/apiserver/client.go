package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"time"

	"keel.dev/api/install"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/serializer"
)

// client sends the load in one encoding.
type client struct {
	http      *http.Client
	base      string
	mediaType string
	codecs    *serializer.CodecFactory
	encoder   runtime.Serializer
}

func newClient(s *apiserver, encoding string) (*client, error) {
	hc, err := s.httpClient()
	if err != nil {
		return nil, err
	}
	codecs := serializer.NewCodecFactory(install.NewScheme())
	mt := runtime.ContentTypeProtobuf
	if encoding == "json" {
		mt = runtime.ContentTypeJSON
	}
	info, ok := codecs.SerializerForMediaType(mt)
	if !ok {
		return nil, fmt.Errorf("no serializer for %s", mt)
	}
	return &client{http: hc, base: s.url, mediaType: mt, codecs: codecs, encoder: info.Serializer}, nil
}

// create POSTs obj to path and returns the request's latency.
func (c *client) create(ctx context.Context, path string, obj runtime.Object) (time.Duration, error) {
	var buf bytes.Buffer
	if err := c.encoder.Encode(obj, &buf); err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, &buf)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", c.mediaType)
	req.Header.Set("Accept", c.mediaType)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("POST %s: HTTP %d: %.300s", path, resp.StatusCode, body)
	}
	return elapsed, nil
}

// get reads path in the client's encoding; it returns the body and the
// time until the body was read.
func (c *client) get(ctx context.Context, path string) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", c.mediaType)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("GET %s: HTTP %d: %.300s", path, resp.StatusCode, body)
	}
	return body, elapsed, nil
}

// listPage decodes a list body's continue token and counts its items.
func (c *client) listPage(body []byte) (cont string, items int, err error) {
	if c.mediaType == runtime.ContentTypeJSON {
		var l struct {
			Metadata metav1.ListMeta   `json:"metadata"`
			Items    []json.RawMessage `json:"items"`
		}
		err := json.Unmarshal(body, &l)
		return l.Metadata.Continue, len(l.Items), err
	}
	obj, _, err := c.codecs.UniversalDeserializer().Decode(body, nil, nil)
	if err != nil {
		return "", 0, err
	}
	lm, ok := obj.(interface{ GetListMeta() metav1.ListInterface })
	if !ok {
		return "", 0, fmt.Errorf("%T has no list metadata", obj)
	}
	v := reflect.ValueOf(obj)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if f := v.FieldByName("Items"); f.IsValid() && f.Kind() == reflect.Slice {
		items = f.Len()
	}
	return lm.GetListMeta().GetContinue(), items, nil
}

// watchEvents opens a watch on path and sends the name of every ADDED
// object with the time it was read, until ctx ends.
func (c *client) watchEvents(ctx context.Context, path string, ready chan<- error, out chan<- named) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		ready <- err
		return
	}
	req.Header.Set("Accept", c.mediaType)
	hc := *c.http
	hc.Timeout = 0
	resp, err := hc.Do(req)
	if err != nil {
		ready <- err
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		ready <- fmt.Errorf("watch %s: HTTP %d: %.300s", path, resp.StatusCode, b)
		return
	}
	dec, err := c.codecs.NewWatchDecoder(resp.Body, c.mediaType)
	if err != nil {
		ready <- err
		return
	}
	ready <- nil
	for {
		typ, obj, err := dec.Decode(nil)
		if err != nil {
			return
		}
		now := time.Now()
		if typ != "ADDED" {
			continue
		}
		if m, ok := obj.(metav1.Object); ok {
			select {
			case out <- named{name: m.GetName(), at: now}:
			case <-ctx.Done():
				return
			}
		}
	}
}

// named is a watch event's object name and arrival time.
type named struct {
	name string
	at   time.Time
}
