package noderesources

import (
	"fmt"
	"math"

	corev1 "keel.dev/api/core/v1"
	"keel.dev/keel/pkg/scheduler/apis/config"
	"keel.dev/keel/pkg/scheduler/framework"
)

type resourceWeight struct {
	name   corev1.ResourceName
	weight int64
}

// scorer computes a node score from per-resource requested and allocatable amounts.
type scorer struct {
	resources []resourceWeight
	fn        func(requested, allocatable int64) int64
}

func toWeights(specs []config.ResourceSpec) []resourceWeight {
	out := make([]resourceWeight, 0, len(specs))
	for _, s := range specs {
		w := s.Weight
		if w == 0 {
			w = 1
		}
		out = append(out, resourceWeight{corev1.ResourceName(s.Name), w})
	}
	return out
}

func newScorer(s *config.ScoringStrategy) (scorer, error) {
	if s == nil {
		s = &config.ScoringStrategy{Type: config.LeastAllocated}
	}
	specs := s.Resources
	if len(specs) == 0 {
		specs = []config.ResourceSpec{{Name: "cpu", Weight: 1}, {Name: "memory", Weight: 1}}
	}
	sc := scorer{resources: toWeights(specs)}
	switch s.Type {
	case config.LeastAllocated, "":
		sc.fn = leastAllocated
	case config.MostAllocated:
		sc.fn = mostAllocated
	case config.RequestedToCapacityRatio:
		if s.RequestedToCapacityRatio == nil || len(s.RequestedToCapacityRatio.Shape) == 0 {
			return sc, fmt.Errorf("requestedToCapacityRatio shape is required")
		}
		sc.fn = brokenLinear(s.RequestedToCapacityRatio.Shape)
	default:
		return sc, fmt.Errorf("scoring strategy %q is not supported", s.Type)
	}
	return sc, nil
}

func leastAllocated(requested, allocatable int64) int64 {
	if allocatable == 0 || requested > allocatable {
		return 0
	}
	return (allocatable - requested) * framework.MaxNodeScore / allocatable
}

func mostAllocated(requested, allocatable int64) int64 {
	if allocatable == 0 {
		return 0
	}
	requested = min(requested, allocatable)
	return requested * framework.MaxNodeScore / allocatable
}

// brokenLinear maps utilization percent through the shape; shape scores
// (0-10) are scaled to 0-100.
func brokenLinear(shape []config.UtilizationShapePoint) func(int64, int64) int64 {
	pts := make([]config.UtilizationShapePoint, len(shape))
	copy(pts, shape)
	return func(requested, allocatable int64) int64 {
		if allocatable == 0 {
			return 0
		}
		u := min(requested*100/allocatable, 100)
		scale := framework.MaxNodeScore / 10
		for i, p := range pts {
			if u <= int64(p.Utilization) {
				if i == 0 {
					return int64(p.Score) * scale
				}
				prev := pts[i-1]
				dx := int64(p.Utilization - prev.Utilization)
				dy := int64(p.Score-prev.Score) * scale
				return int64(prev.Score)*scale + dy*(u-int64(prev.Utilization))/dx
			}
		}
		return int64(pts[len(pts)-1].Score) * scale
	}
}

// podScoringRequests returns the pod's non-zero requests per resource.
func podScoringRequests(pod *corev1.Pod, rs []resourceWeight) []int64 {
	nz := framework.PodRequests(pod, true)
	plain := framework.PodRequests(pod, false)
	out := make([]int64, len(rs))
	for i, r := range rs {
		switch r.name {
		case corev1.ResourceCPU, corev1.ResourceMemory:
			out[i] = nz.Get(r.name)
		default:
			out[i] = plain.Get(r.name)
		}
	}
	return out
}

func nodeAmounts(ni *framework.NodeInfo, name corev1.ResourceName) (requested, allocatable int64) {
	switch name {
	case corev1.ResourceCPU:
		return ni.NonZeroRequested.MilliCPU, ni.Allocatable.MilliCPU
	case corev1.ResourceMemory:
		return ni.NonZeroRequested.Memory, ni.Allocatable.Memory
	}
	return ni.Requested.Get(name), ni.Allocatable.Get(name)
}

func (s *scorer) score(podReq []int64, ni *framework.NodeInfo) int64 {
	var total, weights int64
	for i, r := range s.resources {
		req, alloc := nodeAmounts(ni, r.name)
		if alloc == 0 {
			continue
		}
		total += s.fn(req+podReq[i], alloc) * r.weight
		weights += r.weight
	}
	if weights == 0 {
		return 0
	}
	return total / weights
}

// balancedScore is (1 - standard deviation of the requested fractions) * 100.
func balancedScore(podReq []int64, rs []resourceWeight, ni *framework.NodeInfo) int64 {
	var fr [8]float64
	fractions := fr[:0]
	for i, r := range rs {
		req, alloc := nodeAmounts(ni, r.name)
		if alloc == 0 {
			continue
		}
		f := float64(req+podReq[i]) / float64(alloc)
		fractions = append(fractions, min(f, 1))
	}
	var std float64
	switch len(fractions) {
	case 0, 1:
	case 2:
		std = math.Abs(fractions[0]-fractions[1]) / 2
	default:
		var mean float64
		for _, f := range fractions {
			mean += f
		}
		mean /= float64(len(fractions))
		var v float64
		for _, f := range fractions {
			v += (f - mean) * (f - mean)
		}
		std = math.Sqrt(v / float64(len(fractions)))
	}
	return int64((1 - std) * float64(framework.MaxNodeScore))
}
