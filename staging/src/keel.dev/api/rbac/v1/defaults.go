package v1

import "keel.dev/apimachinery/pkg/runtime"

func registerDefaults(s *runtime.Scheme) {
	runtime.AddTypedDefaulter(s, SetObjectDefaults_RoleBinding)
	runtime.AddTypedDefaulter(s, func(l *RoleBindingList) {
		for i := range l.Items {
			SetObjectDefaults_RoleBinding(&l.Items[i])
		}
	})
	runtime.AddTypedDefaulter(s, SetObjectDefaults_ClusterRoleBinding)
	runtime.AddTypedDefaulter(s, func(l *ClusterRoleBindingList) {
		for i := range l.Items {
			SetObjectDefaults_ClusterRoleBinding(&l.Items[i])
		}
	})
}

// SetObjectDefaults_RoleBinding defaults the role reference group and each
// subject's group.
func SetObjectDefaults_RoleBinding(b *RoleBinding) {
	defaultBinding(&b.RoleRef, b.Subjects)
}

// SetObjectDefaults_ClusterRoleBinding defaults the role reference group and
// each subject's group.
func SetObjectDefaults_ClusterRoleBinding(b *ClusterRoleBinding) {
	defaultBinding(&b.RoleRef, b.Subjects)
}

func defaultBinding(ref *RoleRef, subjects []Subject) {
	if ref.APIGroup == "" {
		ref.APIGroup = GroupName
	}
	for i := range subjects {
		SetDefaults_Subject(&subjects[i])
	}
}

// SetDefaults_Subject gives users and groups the RBAC API group when none is
// set; service accounts keep the core group "".
func SetDefaults_Subject(s *Subject) {
	if s.APIGroup != "" {
		return
	}
	switch s.Kind {
	case UserKind, GroupKind:
		s.APIGroup = GroupName
	}
}
