package imagelocality

import (
	"context"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/framework"
	"keel.dev/keel/pkg/scheduler/framework/plugins/names"
)

// Name is the plugin name.
const Name = names.ImageLocality

const (
	mb                    int64 = 1024 * 1024
	minThreshold          int64 = 23 * mb
	maxContainerThreshold int64 = 1000 * mb
)

// ImageLocality scores nodes by the images they have.
type ImageLocality struct{ h framework.Handle }

var (
	_ framework.PreScorePlugin = (*ImageLocality)(nil)
	_ framework.ScorePlugin    = (*ImageLocality)(nil)
)

const preScoreStateKey framework.StateKey = "PreScore" + Name

// preScoreState holds the pod's normalized image names and the node count.
type preScoreState struct {
	images     []string
	totalNodes int
}

func (s *preScoreState) Clone() framework.StateData { return s }

func podImages(pod *corev1.Pod) []string {
	out := make([]string, 0, len(pod.Spec.InitContainers)+len(pod.Spec.Containers))
	for i := range pod.Spec.InitContainers {
		out = append(out, framework.NormalizedImageName(pod.Spec.InitContainers[i].Image))
	}
	for i := range pod.Spec.Containers {
		out = append(out, framework.NormalizedImageName(pod.Spec.Containers[i].Image))
	}
	return out
}

// PreScore normalizes the pod's image names once per cycle.
func (p *ImageLocality) PreScore(_ context.Context, state *framework.CycleState, pod *corev1.Pod, _ []*framework.NodeInfo) *framework.Status {
	state.Write(preScoreStateKey, &preScoreState{images: podImages(pod), totalNodes: len(p.h.SnapshotSharedLister().NodeInfos().List())})
	return nil
}

// New builds the plugin.
func New(_ context.Context, _ any, h framework.Handle) (framework.Plugin, error) {
	return &ImageLocality{h: h}, nil
}

// Name returns the plugin name.
func (*ImageLocality) Name() string { return Name }

// Score sums image sizes present on the node, scaled by the fraction of nodes
// holding each image, and maps the sum between 23 MiB and 1000 MiB per container to [0, 100].
func (p *ImageLocality) Score(_ context.Context, state *framework.CycleState, pod *corev1.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	s, err := framework.ReadAs[*preScoreState](state, preScoreStateKey)
	if err != nil {
		s = &preScoreState{images: podImages(pod), totalNodes: len(p.h.SnapshotSharedLister().NodeInfos().List())}
	}
	if s.totalNodes == 0 {
		return 0, nil
	}
	var sum int64
	for _, img := range s.images {
		if st, ok := ni.ImageStates[img]; ok {
			sum += int64(float64(st.Size) * float64(st.NumNodes) / float64(s.totalNodes))
		}
	}
	maxThreshold := maxContainerThreshold * int64(len(s.images))
	if sum < minThreshold {
		sum = minThreshold
	} else if sum > maxThreshold {
		sum = maxThreshold
	}
	if maxThreshold <= minThreshold {
		return 0, nil
	}
	return framework.MaxNodeScore * (sum - minThreshold) / (maxThreshold - minThreshold), nil
}

// ScoreExtensions returns nil.
func (*ImageLocality) ScoreExtensions() framework.ScoreExtensions { return nil }
