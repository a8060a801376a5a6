package network

import (
	"encoding/json"
	"os"
	"testing"
)

func TestConfListContent(t *testing.T) {
	conf := parseConf(t, "10.244.3.0/24", false)
	if len(conf.Plugins) != 2 {
		t.Fatalf("plugins = %d", len(conf.Plugins))
	}
	bridge, portmap := conf.Plugins[0], conf.Plugins[1]
	ipam := bridge["ipam"].(map[string]any)
	subnet := ipam["ranges"].([]any)[0].([]any)[0].(map[string]any)["subnet"]
	route := ipam["routes"].([]any)[0].(map[string]any)["dst"]
	cases := []struct {
		name      string
		got, want any
	}{
		{"the first plugin is the bridge", bridge["type"], "bridge"},
		{"the bridge is keel0", bridge["bridge"], "keel0"},
		{"the bridge is the gateway", bridge["isGateway"], true},
		{"the bridge masquerades", bridge["ipMasq"], true},
		{"hairpin mode is on", bridge["hairpinMode"], true},
		{"ipam is host-local", ipam["type"], "host-local"},
		{"the subnet is the podCIDR", subnet, "10.244.3.0/24"},
		{"the default route goes through the bridge", route, "0.0.0.0/0"},
		{"the second plugin is portmap", portmap["type"], "portmap"},
		{"portmap takes port mappings", portmap["capabilities"].(map[string]any)["portMappings"], true},
		{"the bridge masquerades only without a node rule", parseConf(t, "10.244.3.0/24", true).Plugins[0]["ipMasq"], false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
}

func TestWriterWritesOncePerCIDR(t *testing.T) {
	w := &Writer{Dir: t.TempDir() + "/net.d"}
	steps := []struct {
		name  string
		cidr  string
		wrote bool
	}{
		{"no podCIDR writes nothing", "", false},
		{"the first podCIDR is written", "10.244.0.0/24", true},
		{"the same podCIDR is not rewritten", "10.244.0.0/24", false},
		{"a new podCIDR is written", "10.244.9.0/24", true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			wrote, err := w.Ensure(s.cidr)
			if err != nil {
				t.Fatal(err)
			}
			if wrote != s.wrote {
				t.Errorf("wrote = %v", wrote)
			}
		})
	}
	data, err := os.ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ConfList("10.244.9.0/24", false)
	if string(data) != string(want) {
		t.Errorf("file holds %s", data)
	}
	if _, err := w.Ensure("not-a-cidr"); err == nil {
		t.Error("an invalid podCIDR was accepted")
	}
}

type conf struct {
	CNIVersion string           `json:"cniVersion"`
	Name       string           `json:"name"`
	Plugins    []map[string]any `json:"plugins"`
}

func parseConf(t *testing.T, cidr string, nodeMasq bool) conf {
	t.Helper()
	data, err := ConfList(cidr, nodeMasq)
	if err != nil {
		t.Fatal(err)
	}
	var c conf
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return c
}
