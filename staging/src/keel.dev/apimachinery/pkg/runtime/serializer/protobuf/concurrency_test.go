package protobuf

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// manyMaps has more map entries than an arena's first allocation, so
// arenas grow while earlier maps are still waiting to be written.
type manyMaps struct {
	Items []struct {
		M map[string]inner `protobuf:"bytes,1,rep,name=m"`
	} `protobuf:"bytes,1,rep,name=items"`
}

func TestMapArenasSurviveGrowthAndConcurrentUse(t *testing.T) {
	var in manyMaps
	in.Items = make([]struct {
		M map[string]inner `protobuf:"bytes,1,rep,name=m"`
	}, 40)
	for i := range in.Items {
		in.Items[i].M = map[string]inner{}
		for j := 0; j < 5; j++ {
			in.Items[i].M[fmt.Sprintf("k%d-%d", i, j)] = inner{Name: fmt.Sprint(i * j)}
		}
	}
	want, err := Marshal(&in)
	if err != nil {
		t.Fatal(err)
	}
	var out manyMaps
	if err := Unmarshal(want, &out); err != nil {
		t.Fatal(err)
	}
	if got := out.Items[39].M["k39-4"].Name; got != "156" {
		t.Fatalf("decoded %q", got)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				got, err := Marshal(&in)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("concurrent Marshal differs (%v)", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
