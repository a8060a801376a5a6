package allocator_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"testing"

	"keel.dev/apimachinery/pkg/runtime"

	corev1 "keel.dev/api/core/v1"
	networkingv1 "keel.dev/api/networking/v1"

	"keel.dev/keel/pkg/apiserver/registry/allocator"
	"keel.dev/keel/pkg/apiserver/storage/etcd3"
	"keel.dev/keel/pkg/apiserver/storage/storagetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storagetest.Shutdown()
	os.Exit(code)
}

type jsonCodec struct{}

func (jsonCodec) Encode(obj runtime.Object) ([]byte, error)     { return json.Marshal(obj) }
func (jsonCodec) Decode(data []byte, into runtime.Object) error { return json.Unmarshal(data, into) }

func TestPortAllocator(t *testing.T) {
	p, err := allocator.NewPortAllocator("30000-30002")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("a port outside the range is refused with the range in the message", func(t *testing.T) {
		err := p.Allocate(29999, false)
		if err == nil || err.Error() != "provided port is not in the valid range. The range of valid ports is 30000-30002" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a port is handed out once", func(t *testing.T) {
		if err := p.Allocate(30001, false); err != nil {
			t.Fatal(err)
		}
		if err := p.Allocate(30001, false); !errors.Is(err, allocator.ErrPortAllocated) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("the range runs full, and a released port comes back", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			if _, err := p.AllocateNext(false); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := p.AllocateNext(false); err == nil {
			t.Fatal("allocated past the end")
		}
		p.Release(30000)
		if n, err := p.AllocateNext(false); err != nil || n != 30000 {
			t.Fatalf("got %d %v", n, err)
		}
	})
	t.Run("a malformed range is an error", func(t *testing.T) {
		if _, err := allocator.NewPortAllocator("32000-31000"); err == nil {
			t.Fatal("accepted")
		}
	})
}

func TestIPAllocator(t *testing.T) {
	st, err := etcd3.New(etcd3.Config{Client: storagetest.Etcd(t), Codec: jsonCodec{},
		NewFunc: func() runtime.Object { return &networkingv1.IPAddress{} }, Prefix: storagetest.Prefix()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := allocator.NewIPAllocator(ctx, "192.168.0.0/30", st, "/ipaddresses", func() string { return "u" })
	if err != nil {
		t.Fatal(err)
	}
	owner := &corev1.Service{}
	owner.Namespace, owner.Name = "ns", "svc"
	t.Run("the network and broadcast addresses are never handed out", func(t *testing.T) {
		for _, s := range []string{"192.168.0.0", "192.168.0.3"} {
			var nr *allocator.ErrNotInRange
			if err := a.Allocate(ctx, netip.MustParseAddr(s), owner, false); !errors.As(err, &nr) {
				t.Fatalf("%s: got %v", s, err)
			}
		}
	})
	t.Run("a /30 has two usable addresses, then it is full", func(t *testing.T) {
		got := map[netip.Addr]bool{}
		for i := 0; i < 2; i++ {
			ip, err := a.AllocateNext(ctx, owner, false)
			if err != nil {
				t.Fatal(err)
			}
			got[ip] = true
		}
		if len(got) != 2 {
			t.Fatalf("got %v", got)
		}
		if _, err := a.AllocateNext(ctx, owner, false); !errors.Is(err, allocator.ErrFull) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a new allocator over the same storage sees the allocations", func(t *testing.T) {
		b, err := allocator.NewIPAllocator(ctx, "192.168.0.0/30", st, "/ipaddresses", func() string { return "u" })
		if err != nil {
			t.Fatal(err)
		}
		if b.Used() != 2 {
			t.Fatalf("used %d", b.Used())
		}
	})
	t.Run("repair releases addresses no service holds", func(t *testing.T) {
		if err := a.Repair(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if a.Used() != 0 {
			t.Fatalf("used %d", a.Used())
		}
	})
}
