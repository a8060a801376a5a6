package rest

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"

	"keel.dev/apimachinery/pkg/runtime"
)

// newTLSServer starts an HTTP/2 TLS server and returns a config trusting it.
func newTLSServer(t *testing.T, h http.Handler) (*httptest.Server, *Config) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv, &Config{Host: srv.URL, TLS: TLSConfig{CAData: ca}, QPS: -1}
}

// writeObject encodes obj in mediaType with status code.
func writeObject(t *testing.T, w http.ResponseWriter, c *Client, mediaType string, code int, obj runtime.Object) {
	t.Helper()
	info, ok := c.Codecs().SerializerForMediaType(mediaType)
	if !ok {
		t.Fatalf("no serializer for %s", mediaType)
	}
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(code)
	if err := info.Serializer.Encode(obj, w); err != nil {
		t.Errorf("encode: %v", err)
	}
}
