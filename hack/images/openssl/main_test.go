package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSClient(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello "+r.URL.Path)
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	req := "GET /x HTTP/1.0\r\n\r\n"
	cases := []struct {
		name    string
		args    []string
		want    string // in the output
		wantErr string
	}{
		{"busybox --no-check-certificate", []string{"s_client", "-quiet", "-connect", addr}, "hello /x", ""},
		{"busybox with a server name", []string{"s_client", "-quiet", "-connect", addr, "-servername", "example.com"}, "hello /x", ""},
		{"verification against the system roots", []string{"s_client", "-quiet", "-connect", addr,
			"-verify", "100", "-verify_return_error", "-verify_ip", addr}, "", "certificate"},
		{"another command", []string{"x509", "-text"}, "", "only the s_client command"},
		{"no -connect", []string{"s_client", "-quiet"}, "", "-connect HOST:PORT is required"},
		{"unknown option", []string{"s_client", "-connect", addr, "-ign_eof"}, "", "unsupported option -ign_eof"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(tc.args, strings.NewReader(req), &out)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tc.want) || !strings.HasPrefix(out.String(), "HTTP/1.0 200") {
				t.Errorf("output %q, want a 200 with %q", out.String(), tc.want)
			}
		})
	}
}

func TestVerifyNameDropsThePort(t *testing.T) {
	o, err := parse([]string{"s_client", "-connect", "10.96.0.1:443", "-verify", "100", "-verify_ip", "10.96.0.1:443"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config(o)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ServerName != "10.96.0.1" || cfg.InsecureSkipVerify {
		t.Errorf("server name %q, insecure %v", cfg.ServerName, cfg.InsecureSkipVerify)
	}
}
