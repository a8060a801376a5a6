package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/util/intstr"

	corev1 "keel.dev/api/core/v1"
)

func ptr[T any](v T) *T { return &v }

func registerDefaults(s *runtime.Scheme) {
	runtime.AddTypedDefaulter(s, SetObjectDefaults_Deployment)
	runtime.AddTypedDefaulter(s, func(l *DeploymentList) {
		for i := range l.Items {
			SetObjectDefaults_Deployment(&l.Items[i])
		}
	})
	runtime.AddTypedDefaulter(s, SetObjectDefaults_ReplicaSet)
	runtime.AddTypedDefaulter(s, func(l *ReplicaSetList) {
		for i := range l.Items {
			SetObjectDefaults_ReplicaSet(&l.Items[i])
		}
	})
	runtime.AddTypedDefaulter(s, SetObjectDefaults_DaemonSet)
	runtime.AddTypedDefaulter(s, func(l *DaemonSetList) {
		for i := range l.Items {
			SetObjectDefaults_DaemonSet(&l.Items[i])
		}
	})
	runtime.AddTypedDefaulter(s, SetObjectDefaults_StatefulSet)
	runtime.AddTypedDefaulter(s, func(l *StatefulSetList) {
		for i := range l.Items {
			SetObjectDefaults_StatefulSet(&l.Items[i])
		}
	})
}

// SetObjectDefaults_Deployment applies the deployment and pod template
// defaults.
func SetObjectDefaults_Deployment(d *Deployment) {
	SetDefaults_Deployment(d)
	corev1.SetDefaults_PodTemplateSpec(&d.Spec.Template)
}

// SetDefaults_Deployment defaults replicas to 1, the strategy to
// RollingUpdate with 25% max unavailable and 25% max surge, the revision
// history to 10 and the progress deadline to 600 seconds.
func SetDefaults_Deployment(d *Deployment) {
	spec := &d.Spec
	if spec.Replicas == nil {
		spec.Replicas = ptr(int32(1))
	}
	st := &spec.Strategy
	if st.Type == "" {
		st.Type = RollingUpdateDeploymentStrategyType
	}
	if st.Type == RollingUpdateDeploymentStrategyType {
		if st.RollingUpdate == nil {
			st.RollingUpdate = &RollingUpdateDeployment{}
		}
		if st.RollingUpdate.MaxUnavailable == nil {
			st.RollingUpdate.MaxUnavailable = ptr(intstr.FromString("25%"))
		}
		if st.RollingUpdate.MaxSurge == nil {
			st.RollingUpdate.MaxSurge = ptr(intstr.FromString("25%"))
		}
	}
	if spec.RevisionHistoryLimit == nil {
		spec.RevisionHistoryLimit = ptr(int32(10))
	}
	if spec.ProgressDeadlineSeconds == nil {
		spec.ProgressDeadlineSeconds = ptr(int32(600))
	}
}

// SetObjectDefaults_ReplicaSet applies the replica set and pod template
// defaults.
func SetObjectDefaults_ReplicaSet(rs *ReplicaSet) {
	SetDefaults_ReplicaSet(rs)
	corev1.SetDefaults_PodTemplateSpec(&rs.Spec.Template)
}

// SetDefaults_ReplicaSet defaults replicas to 1.
func SetDefaults_ReplicaSet(rs *ReplicaSet) {
	if rs.Spec.Replicas == nil {
		rs.Spec.Replicas = ptr(int32(1))
	}
}

// SetObjectDefaults_DaemonSet applies the DaemonSet and pod template
// defaults.
func SetObjectDefaults_DaemonSet(ds *DaemonSet) {
	SetDefaults_DaemonSet(ds)
	corev1.SetDefaults_PodTemplateSpec(&ds.Spec.Template)
}

// SetDefaults_DaemonSet defaults the update strategy to RollingUpdate with
// max unavailable 1 and max surge 0, and the revision history to 10.
func SetDefaults_DaemonSet(ds *DaemonSet) {
	st := &ds.Spec.UpdateStrategy
	if st.Type == "" {
		st.Type = RollingUpdateDaemonSetStrategyType
	}
	if st.Type == RollingUpdateDaemonSetStrategyType {
		if st.RollingUpdate == nil {
			st.RollingUpdate = &RollingUpdateDaemonSet{}
		}
		if st.RollingUpdate.MaxUnavailable == nil {
			st.RollingUpdate.MaxUnavailable = ptr(intstr.FromInt32(1))
		}
		if st.RollingUpdate.MaxSurge == nil {
			st.RollingUpdate.MaxSurge = ptr(intstr.FromInt32(0))
		}
	}
	if ds.Spec.RevisionHistoryLimit == nil {
		ds.Spec.RevisionHistoryLimit = ptr(int32(10))
	}
}

// SetObjectDefaults_StatefulSet applies the StatefulSet, pod template and
// claim template defaults.
func SetObjectDefaults_StatefulSet(ss *StatefulSet) {
	SetDefaults_StatefulSet(ss)
	corev1.SetDefaults_PodTemplateSpec(&ss.Spec.Template)
	for i := range ss.Spec.VolumeClaimTemplates {
		corev1.SetObjectDefaults_PersistentVolumeClaim(&ss.Spec.VolumeClaimTemplates[i])
	}
}

// SetDefaults_StatefulSet defaults the pod management policy to
// OrderedReady, the update strategy to RollingUpdate with partition 0 and
// max unavailable 1, the claim retention policy to Retain/Retain, replicas
// to 1 and the revision history to 10.
func SetDefaults_StatefulSet(ss *StatefulSet) {
	spec := &ss.Spec
	if spec.PodManagementPolicy == "" {
		spec.PodManagementPolicy = OrderedReadyPodManagement
	}
	st := &spec.UpdateStrategy
	if st.Type == "" {
		st.Type = RollingUpdateStatefulSetStrategyType
		if st.RollingUpdate == nil {
			st.RollingUpdate = &RollingUpdateStatefulSetStrategy{}
		}
	}
	if st.Type == RollingUpdateStatefulSetStrategyType && st.RollingUpdate != nil {
		if st.RollingUpdate.Partition == nil {
			st.RollingUpdate.Partition = ptr(int32(0))
		}
		if st.RollingUpdate.MaxUnavailable == nil {
			st.RollingUpdate.MaxUnavailable = ptr(intstr.FromInt32(1))
		}
	}
	if spec.PersistentVolumeClaimRetentionPolicy == nil {
		spec.PersistentVolumeClaimRetentionPolicy = &StatefulSetPersistentVolumeClaimRetentionPolicy{}
	}
	p := spec.PersistentVolumeClaimRetentionPolicy
	if p.WhenDeleted == "" {
		p.WhenDeleted = RetainPersistentVolumeClaimRetentionPolicyType
	}
	if p.WhenScaled == "" {
		p.WhenScaled = RetainPersistentVolumeClaimRetentionPolicyType
	}
	if spec.Replicas == nil {
		spec.Replicas = ptr(int32(1))
	}
	if spec.RevisionHistoryLimit == nil {
		spec.RevisionHistoryLimit = ptr(int32(10))
	}
}
