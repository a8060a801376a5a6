package imagelocality_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/imagelocality"
	st "keel.dev/keel/pkg/scheduler/internal/testing"
)

func TestScore(t *testing.T) {
	const mb = 1024 * 1024
	nodes := []*corev1.Node{
		st.MakeNode("a").Image("app:v1", 500*mb).Obj(),
		st.MakeNode("b").Image("docker.io/app:v1", 500*mb).Obj(),
		st.MakeNode("c").Obj(),
	}
	snap := framework.NewSnapshot(nil, nodes)
	fwk, err := st.NewDefaultFramework(snap, framework.ClusterAPI{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := imagelocality.New(context.Background(), nil, fwk)
	pod := st.MakePod("p").Obj()
	pod.Spec.Containers[0].Image = "app:v1"
	got, s := st.RunScore(pl, pod, snap)
	if !s.IsSuccess() {
		t.Fatal(s)
	}
	// 500 MiB on 1 of 3 nodes scales to 166 MiB: (166-23)*100/(1000-23) = 14.
	if d := cmp.Diff(map[string]int64{"a": 14, "b": 0, "c": 0}, got); d != "" {
		t.Fatalf("(-want +got)\n%s", d)
	}
}
