package rest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"

	"keel.dev/keel/test/integration/framework"
)

func TestConcurrentServicesGetDistinctClusterIPs(t *testing.T) {
	s := framework.StartTestServer(t)
	const n = 50
	_, cidr, _ := net.ParseCIDR("10.96.0.0/12")
	ips := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			svc := map[string]any{
				"apiVersion": "v1", "kind": "Service",
				"metadata": map[string]any{"name": fmt.Sprintf("svc-%02d", i)},
				"spec": map[string]any{"selector": map[string]any{"app": "x"},
					"ports": []any{map[string]any{"port": 80, "targetPort": 8080}}},
			}
			resp, err := s.Send(framework.Request{Method: http.MethodPost, Path: "/api/v1/namespaces/default/services", Body: framework.JSON(t, svc)})
			if err != nil {
				t.Error(err)
				return
			}
			if resp.Code != http.StatusCreated {
				t.Errorf("service %d: HTTP %d %s", i, resp.Code, resp.Body)
				return
			}
			var obj map[string]any
			if err := json.Unmarshal(resp.Body, &obj); err != nil {
				t.Error(err)
				return
			}
			ips[i] = framework.String(obj, "spec.clusterIP")
		}(i)
	}
	wg.Wait()
	seen := map[string]int{}
	for i, ip := range ips {
		if ip == "" {
			continue
		}
		if prev, dup := seen[ip]; dup {
			t.Errorf("services %d and %d share ClusterIP %s", prev, i, ip)
		}
		seen[ip] = i
		if p := net.ParseIP(ip); p == nil || !cidr.Contains(p) || ip == "10.96.0.1" {
			t.Errorf("service %d got ClusterIP %q", i, ip)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct ClusterIPs for %d services", len(seen), n)
	}
}
