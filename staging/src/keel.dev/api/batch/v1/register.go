package v1

import (
	"keel.dev/apimachinery/pkg/runtime"
	"keel.dev/apimachinery/pkg/runtime/schema"
	"keel.dev/apimachinery/pkg/util/validation/field"
)

// GroupName is the API group of this package.
const GroupName = "batch"

// SchemeGroupVersion is the group version of this package's kinds.
var SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

// Resource returns a group resource of this group.
func Resource(resource string) schema.GroupResource {
	return SchemeGroupVersion.WithResource(resource).GroupResource()
}

// AddToScheme registers the kinds and resources of batch/v1 with their
// defaulting and validation.
func AddToScheme(s *runtime.Scheme) error {
	s.AddKnownTypes(SchemeGroupVersion,
		&Job{}, &JobList{},
		&CronJob{}, &CronJobList{},
	)
	status := []runtime.SubresourceInfo{{Name: "status", Verbs: []string{"get", "patch", "update"}}}
	s.AddResources(
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("cronjobs"),
			Kind:                 "CronJob",
			Singular:             "cronjob",
			ShortNames:           []string{"cj"},
			Categories:           []string{"all"},
			Namespaced:           true,
			Subresources:         status,
		},
		runtime.ResourceInfo{
			GroupVersionResource: SchemeGroupVersion.WithResource("jobs"),
			Kind:                 "Job",
			Singular:             "job",
			Categories:           []string{"all"},
			Namespaced:           true,
			Subresources:         status,
		},
	)
	runtime.AddTypedDefaulter(s, SetObjectDefaults_Job)
	runtime.AddTypedDefaulter(s, func(l *JobList) {
		for i := range l.Items {
			SetObjectDefaults_Job(&l.Items[i])
		}
	})
	runtime.AddTypedDefaulter(s, SetObjectDefaults_CronJob)
	runtime.AddTypedDefaulter(s, func(l *CronJobList) {
		for i := range l.Items {
			SetObjectDefaults_CronJob(&l.Items[i])
		}
	})
	runtime.AddTypedValidator(s, func(obj, old *Job) field.ErrorList {
		if old == nil {
			return ValidateJob(obj)
		}
		return ValidateJobUpdate(obj, old)
	})
	runtime.AddTypedValidator(s, func(obj, old *CronJob) field.ErrorList {
		if old == nil {
			return ValidateCronJobCreate(obj)
		}
		return ValidateCronJobUpdate(obj, old)
	})
	return nil
}
