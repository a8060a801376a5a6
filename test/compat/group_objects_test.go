package compat

import (
	"time"

	k8sappsv1 "k8s.io/api/apps/v1"
	k8sbatchv1 "k8s.io/api/batch/v1"
	k8scoordinationv1 "k8s.io/api/coordination/v1"
	k8scorev1 "k8s.io/api/core/v1"
	k8sdiscoveryv1 "k8s.io/api/discovery/v1"
	k8smeta "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func k8sPodTemplate() k8scorev1.PodTemplateSpec {
	p := k8sPod()
	return k8scorev1.PodTemplateSpec{
		ObjectMeta: k8smeta.ObjectMeta{Labels: map[string]string{"app": "web"}, Annotations: map[string]string{"kubectl.kubernetes.io/restartedAt": "2024-05-06T07:08:09Z"}},
		Spec:       p.Spec,
	}
}

func k8sDeployment() *k8sappsv1.Deployment {
	maxU, maxS := intstr.FromString("25%"), intstr.FromInt32(1)
	return &k8sappsv1.Deployment{
		TypeMeta:   k8smeta.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: k8sObjectMeta(),
		Spec: k8sappsv1.DeploymentSpec{
			Replicas: ptr(int32(3)),
			Selector: &k8smeta.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: k8sPodTemplate(),
			Strategy: k8sappsv1.DeploymentStrategy{
				Type:          k8sappsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &k8sappsv1.RollingUpdateDeployment{MaxUnavailable: &maxU, MaxSurge: &maxS},
			},
			MinReadySeconds:         5,
			RevisionHistoryLimit:    ptr(int32(10)),
			Paused:                  true,
			ProgressDeadlineSeconds: ptr(int32(600)),
		},
		Status: k8sappsv1.DeploymentStatus{
			ObservedGeneration: 42, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 2, AvailableReplicas: 2, UnavailableReplicas: 1,
			TerminatingReplicas: ptr(int32(0)),
			Conditions: []k8sappsv1.DeploymentCondition{
				{Type: k8sappsv1.DeploymentProgressing, Status: k8scorev1.ConditionTrue, LastUpdateTime: k8smeta.NewTime(created), LastTransitionTime: k8smeta.NewTime(created), Reason: "NewReplicaSetAvailable", Message: `ReplicaSet "web-7d4b9c" has successfully progressed.`},
				{Type: k8sappsv1.DeploymentAvailable, Status: k8scorev1.ConditionFalse, Reason: "MinimumReplicasUnavailable"},
			},
			CollisionCount: ptr(int32(1)),
		},
	}
}

func k8sJob() *k8sbatchv1.Job {
	start := k8smeta.NewTime(created)
	done := k8smeta.NewTime(created.Add(90 * time.Second))
	return &k8sbatchv1.Job{
		TypeMeta:   k8smeta.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: k8smeta.ObjectMeta{Name: "pi", Namespace: "demo", UID: "j1", Labels: map[string]string{"batch.kubernetes.io/job-name": "pi"}},
		Spec: k8sbatchv1.JobSpec{
			Parallelism:             ptr(int32(2)),
			Completions:             ptr(int32(4)),
			ActiveDeadlineSeconds:   ptr(int64(600)),
			BackoffLimit:            ptr(int32(6)),
			BackoffLimitPerIndex:    ptr(int32(1)),
			MaxFailedIndexes:        ptr(int32(2)),
			Selector:                &k8smeta.LabelSelector{MatchExpressions: []k8smeta.LabelSelectorRequirement{{Key: "batch.kubernetes.io/controller-uid", Operator: k8smeta.LabelSelectorOpIn, Values: []string{"j1"}}}},
			ManualSelector:          ptr(false),
			Template:                k8sPodTemplate(),
			TTLSecondsAfterFinished: ptr(int32(0)),
			CompletionMode:          ptr(k8sbatchv1.IndexedCompletion),
			Suspend:                 ptr(false),
			PodReplacementPolicy:    ptr(k8sbatchv1.TerminatingOrFailed),
			ManagedBy:               ptr("kubernetes.io/job-controller"),
			PodFailurePolicy: &k8sbatchv1.PodFailurePolicy{Rules: []k8sbatchv1.PodFailurePolicyRule{
				{Action: k8sbatchv1.PodFailurePolicyActionFailJob, OnExitCodes: &k8sbatchv1.PodFailurePolicyOnExitCodesRequirement{ContainerName: ptr("main"), Operator: k8sbatchv1.PodFailurePolicyOnExitCodesOpIn, Values: []int32{42, -1}}},
				{Action: k8sbatchv1.PodFailurePolicyActionIgnore, OnPodConditions: []k8sbatchv1.PodFailurePolicyOnPodConditionsPattern{{Type: k8scorev1.DisruptionTarget, Status: k8scorev1.ConditionTrue}}},
			}},
			SuccessPolicy: &k8sbatchv1.SuccessPolicy{Rules: []k8sbatchv1.SuccessPolicyRule{{SucceededIndexes: ptr("0-2"), SucceededCount: ptr(int32(1))}}},
		},
		Status: k8sbatchv1.JobStatus{
			Conditions: []k8sbatchv1.JobCondition{
				{Type: k8sbatchv1.JobComplete, Status: k8scorev1.ConditionTrue, LastProbeTime: done, LastTransitionTime: done, Reason: "Completed"},
			},
			StartTime: &start, CompletionTime: &done, Active: 1, Succeeded: 3, Failed: 0, Terminating: ptr(int32(0)),
			CompletedIndexes: "0-2", FailedIndexes: ptr(""), Ready: ptr(int32(1)),
			UncountedTerminatedPods: &k8sbatchv1.UncountedTerminatedPods{Succeeded: []k8stypesUIDAlias{"a", "b"}, Failed: []k8stypesUIDAlias{}},
		},
	}
}

func k8sLease() *k8scoordinationv1.Lease {
	acquire := k8smeta.NewMicroTime(time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC))
	renew := k8smeta.NewMicroTime(time.Date(2024, 5, 6, 7, 9, 0, 1000, time.UTC))
	return &k8scoordinationv1.Lease{
		TypeMeta:   k8smeta.TypeMeta{APIVersion: "coordination.k8s.io/v1", Kind: "Lease"},
		ObjectMeta: k8smeta.ObjectMeta{Name: "node-1", Namespace: "kube-node-lease", OwnerReferences: []k8smeta.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "node-1", UID: "n1"}}},
		Spec: k8scoordinationv1.LeaseSpec{
			HolderIdentity:       ptr("node-1"),
			LeaseDurationSeconds: ptr(int32(40)),
			AcquireTime:          &acquire,
			RenewTime:            &renew,
			LeaseTransitions:     ptr(int32(0)),
			Strategy:             ptr(k8scoordinationv1.OldestEmulationVersion),
			PreferredHolder:      ptr("node-2"),
		},
	}
}

func k8sEndpointSlice() *k8sdiscoveryv1.EndpointSlice {
	return &k8sdiscoveryv1.EndpointSlice{
		TypeMeta:    k8smeta.TypeMeta{APIVersion: "discovery.k8s.io/v1", Kind: "EndpointSlice"},
		ObjectMeta:  k8smeta.ObjectMeta{Name: "web-abc12", Namespace: "demo", Labels: map[string]string{"kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
		AddressType: k8sdiscoveryv1.AddressTypeIPv4,
		Endpoints: []k8sdiscoveryv1.Endpoint{
			{
				Addresses:  []string{"10.244.0.5"},
				Conditions: k8sdiscoveryv1.EndpointConditions{Ready: ptr(true), Serving: ptr(true), Terminating: ptr(false)},
				Hostname:   ptr("web-0"),
				TargetRef:  &k8scorev1.ObjectReference{Kind: "Pod", Namespace: "demo", Name: "web-0", UID: "p0"},
				NodeName:   ptr("node-1"),
				Zone:       ptr("a"),
				Hints:      &k8sdiscoveryv1.EndpointHints{ForZones: []k8sdiscoveryv1.ForZone{{Name: "a"}}, ForNodes: []k8sdiscoveryv1.ForNode{{Name: "node-1"}}},
			},
			{Addresses: []string{"10.244.1.7"}, Conditions: k8sdiscoveryv1.EndpointConditions{}},
		},
		Ports: []k8sdiscoveryv1.EndpointPort{
			{Name: ptr("http"), Protocol: ptr(k8scorev1.ProtocolTCP), Port: ptr(int32(8080)), AppProtocol: ptr("http")},
			{Name: ptr(""), Port: ptr(int32(0))},
		},
	}
}
