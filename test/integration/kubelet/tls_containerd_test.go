package kubelet

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "keel.dev/api/core/v1"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/keel/test/integration/framework"
)

// TestBusyboxWgetHTTPSOnContainerd runs busybox's `wget https://` in a pod
// against the apiserver (a Go TLS server, which refuses busybox's built-in
// TLS client): the image's /bin/openssl helper must carry it, without and
// with certificate verification. Root only.
func TestBusyboxWgetHTTPSOnContainerd(t *testing.T) {
	s := framework.StartTestServer(t)
	const node = "tls-node"
	cs := containerdNode(t, s, node, "fetcher")
	ctx := context.Background()
	ca := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "apiserver-ca"},
		Data: map[string]string{"ca.crt": string(s.CAPEM)}}
	if _, err := cs.CoreV1().ConfigMaps("default").Create(ctx, ca, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	url := s.URL + "/version"
	// one stream (2>&1): the runtime may reorder lines of stdout and stderr.
	script := fmt.Sprintf("exec 2>&1; echo insecure; wget -q -O- --no-check-certificate %[1]s; echo; "+
		"echo verified; SSL_CERT_FILE=/ca/ca.crt wget -q -O- %[1]s; echo; "+
		"echo unverified; wget -q -O- %[1]s || echo refused; echo done; exec sleep 3600", url)
	pod := busyboxPod("fetcher", node, script)
	pod.Spec.Volumes = []corev1.Volume{{Name: "ca", VolumeSource: corev1.VolumeSource{
		ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "apiserver-ca"}}}}}
	pod.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "ca", MountPath: "/ca"}}
	if _, err := cs.CoreV1().Pods("default").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var log string
	eventually(t, "the fetcher's log", 90*time.Second, func() (bool, string) {
		resp := s.Get(t, "/api/v1/namespaces/default/pods/fetcher/log")
		log = string(resp.Body)
		return resp.Code == 200 && strings.Contains(log, "done\n"), fmt.Sprintf("%d %q", resp.Code, resp.Body)
	})
	sections := map[string]string{}
	cur := ""
	for _, line := range strings.Split(log, "\n") {
		switch line {
		case "insecure", "verified", "unverified", "done":
			cur = line
			continue
		}
		sections[cur] += line + "\n"
	}
	// an HTTP answer (the version, or 401 where the test server refuses
	// anonymous requests) proves the TLS session; a verification failure
	// ends in a reset, never in a TLS alert from the server.
	answered := []string{`"gitVersion"`, "server returned error: HTTP/1.1 401 Unauthorized"}
	cases := []struct {
		section string
		want    []string
	}{
		{"insecure", answered},
		{"verified", answered},
		{"unverified", []string{"refused"}},
	}
	for _, tc := range cases {
		t.Run(tc.section, func(t *testing.T) {
			got := sections[tc.section]
			ok := false
			for _, w := range tc.want {
				ok = ok || strings.Contains(got, w)
			}
			if !ok || strings.Contains(got, "alert code") || (tc.section == "unverified" && strings.Contains(got, "HTTP/1.1")) {
				t.Errorf("%s wget printed %q, want one of %q and no TLS alert (whole log %q)", tc.section, got, tc.want, log)
			}
		})
	}
}
