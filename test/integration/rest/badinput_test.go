package rest

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestBadInputIsRefusedAndNothingIsWritten(t *testing.T) {
	s := framework.StartTestServer(t)
	big := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":"` + strings.Repeat("a", 4<<20) + `"}}`
	cases := []struct {
		name        string
		method      string
		path        string
		contentType string
		body        string
		code        int
		reason      string
		absent      string // object that must not exist afterwards
	}{
		{"malformed JSON is a bad request", http.MethodPost, cmPath, "application/json", `{not json`, 400, "BadRequest", ""},
		{"a 4 MiB body is too large", http.MethodPost, cmPath, "application/json", big, 413, "RequestEntityTooLarge", "big"},
		{"a kind that does not match the URL is a bad request", http.MethodPost, cmPath, "application/json",
			`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"wrongkind"}}`, 400, "BadRequest", "wrongkind"},
		{"an unknown field under Strict validation is a bad request", http.MethodPost, cmPath + "?fieldValidation=Strict", "application/json",
			`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"strict"},"bogus":1}`, 400, "BadRequest", "strict"},
		{"a patch with a plain JSON content type is unsupported", http.MethodPatch, cmPath + "/seed", "application/json",
			`{"data":{"a":"2"}}`, 415, "UnsupportedMediaType", ""},
	}
	s.Create(t, cmPath, configMap("seed", map[string]string{"a": "1"}))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := s.Do(t, framework.Request{Method: c.method, Path: c.path, Body: []byte(c.body), ContentType: c.contentType})
			framework.Expect(t, resp, c.code, c.name)
			st := resp.Object(t)
			if framework.String(st, "kind") != "Status" || framework.String(st, "reason") != c.reason {
				t.Errorf("Status = %.300s", resp.Body)
			}
			if c.absent != "" {
				framework.Expect(t, s.Get(t, cmPath+"/"+c.absent), http.StatusNotFound, "GET "+c.absent)
			}
		})
	}
	if v := framework.String(s.Get(t, cmPath+"/seed").Object(t), "data.a"); v != "1" {
		t.Errorf("the refused patch changed the object: data.a = %s", v)
	}
}

func TestUnknownFieldWarnsByDefault(t *testing.T) {
	s := framework.StartTestServer(t)
	body := []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warned"},"bogus":1}`)
	resp := s.Do(t, framework.Request{Method: http.MethodPost, Path: cmPath + "?fieldValidation=Warn", Body: body})
	framework.Expect(t, resp, http.StatusCreated, "create with an unknown field")
	if w := resp.Header.Get("Warning"); !strings.Contains(w, `unknown field \"bogus\"`) {
		t.Errorf("Warning header = %q", w)
	}
	if bytes.Contains(s.Get(t, cmPath+"/warned").Body, []byte("bogus")) {
		t.Error("the unknown field was stored")
	}
}
