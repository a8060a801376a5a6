package v1

import (
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/types"

	corev1 "keel.dev/api/core/v1"
)

// Well-known labels, annotations and names of the job controller.
const (
	labelPrefix = "batch.kubernetes.io/"
	// CronJobScheduledTimestampAnnotation records when a CronJob meant a
	// job to run.
	CronJobScheduledTimestampAnnotation = labelPrefix + "cronjob-scheduled-timestamp"
	// JobCompletionIndexAnnotation carries the index of a pod of an Indexed
	// job.
	JobCompletionIndexAnnotation = labelPrefix + "job-completion-index"
	// JobTrackingFinalizer keeps pods until the controller counted them.
	JobTrackingFinalizer = labelPrefix + "job-tracking"
	// JobNameLabel carries the job's name on its pods.
	JobNameLabel = labelPrefix + "job-name"
	// ControllerUidLabel carries the job's UID on its pods.
	ControllerUidLabel = labelPrefix + "controller-uid"
	// JobIndexFailureCountAnnotation counts failures of an index.
	JobIndexFailureCountAnnotation = labelPrefix + "job-index-failure-count"
	// JobIndexIgnoredFailureCountAnnotation counts ignored failures of an
	// index.
	JobIndexIgnoredFailureCountAnnotation = labelPrefix + "job-index-ignored-failure-count"
	// JobControllerName is the managedBy value of the built-in controller.
	JobControllerName = "kubernetes.io/job-controller"

	// LegacyJobNameLabel is the unprefixed job-name label.
	LegacyJobNameLabel = "job-name"
	// LegacyControllerUidLabel is the unprefixed controller-uid label.
	LegacyControllerUidLabel = "controller-uid"
)

// Job runs pods until a number of them succeed.
type Job struct {
	metav1.TypeMeta `json:",inline"`
	// ObjectMeta is the object's metadata.
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Spec is the desired behavior of the job.
	Spec JobSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`
	// Status is the observed state of the job.
	Status JobStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// JobList is a list of jobs.
type JobList struct {
	metav1.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion and continue token.
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`
	// Items are the jobs.
	Items []Job `json:"items" protobuf:"bytes,2,rep,name=items"`
}

// CompletionMode says how pod completions are counted.
type CompletionMode string

// Completion modes.
const (
	// NonIndexedCompletion completes when Completions pods succeeded.
	NonIndexedCompletion CompletionMode = "NonIndexed"
	// IndexedCompletion gives each pod an index and completes when every
	// index succeeded once.
	IndexedCompletion CompletionMode = "Indexed"
)

// PodFailurePolicyAction is what a matching pod failure does to the job.
type PodFailurePolicyAction string

// Pod failure policy actions.
const (
	// PodFailurePolicyActionFailJob fails the whole job.
	PodFailurePolicyActionFailJob PodFailurePolicyAction = "FailJob"
	// PodFailurePolicyActionFailIndex fails the pod's index.
	PodFailurePolicyActionFailIndex PodFailurePolicyAction = "FailIndex"
	// PodFailurePolicyActionIgnore does not count the failure.
	PodFailurePolicyActionIgnore PodFailurePolicyAction = "Ignore"
	// PodFailurePolicyActionCount counts the failure against backoffLimit.
	PodFailurePolicyActionCount PodFailurePolicyAction = "Count"
)

// PodFailurePolicyOnExitCodesOperator relates exit codes to a value list.
type PodFailurePolicyOnExitCodesOperator string

// Exit code operators.
const (
	// PodFailurePolicyOnExitCodesOpIn matches codes in the list.
	PodFailurePolicyOnExitCodesOpIn PodFailurePolicyOnExitCodesOperator = "In"
	// PodFailurePolicyOnExitCodesOpNotIn matches codes outside the list.
	PodFailurePolicyOnExitCodesOpNotIn PodFailurePolicyOnExitCodesOperator = "NotIn"
)

// PodReplacementPolicy says when a replacement pod is created.
type PodReplacementPolicy string

// Pod replacement policies.
const (
	// TerminatingOrFailed replaces pods as soon as they start terminating.
	TerminatingOrFailed PodReplacementPolicy = "TerminatingOrFailed"
	// Failed waits until the old pod has fully failed.
	Failed PodReplacementPolicy = "Failed"
)

// PodFailurePolicyOnExitCodesRequirement matches failed pods by container
// exit codes.
type PodFailurePolicyOnExitCodesRequirement struct {
	// ContainerName restricts the check to one container.
	ContainerName *string `json:"containerName,omitempty" protobuf:"bytes,1,opt,name=containerName"`
	// Operator relates the exit codes to Values.
	Operator PodFailurePolicyOnExitCodesOperator `json:"operator" protobuf:"bytes,2,req,name=operator"`
	// Values are the exit codes.
	Values []int32 `json:"values" protobuf:"varint,3,rep,name=values"`
}

// PodFailurePolicyOnPodConditionsPattern matches failed pods by condition.
type PodFailurePolicyOnPodConditionsPattern struct {
	// Type is the pod condition type.
	Type corev1.PodConditionType `json:"type" protobuf:"bytes,1,req,name=type"`
	// Status is the wanted condition status; defaults to True.
	Status corev1.ConditionStatus `json:"status" protobuf:"bytes,2,req,name=status"`
}

// PodFailurePolicyRule maps matching pod failures to an action.
type PodFailurePolicyRule struct {
	// Action is taken when the rule matches.
	Action PodFailurePolicyAction `json:"action" protobuf:"bytes,1,req,name=action"`
	// OnExitCodes matches by exit codes.
	OnExitCodes *PodFailurePolicyOnExitCodesRequirement `json:"onExitCodes,omitempty" protobuf:"bytes,2,opt,name=onExitCodes"`
	// OnPodConditions matches by pod conditions.
	OnPodConditions []PodFailurePolicyOnPodConditionsPattern `json:"onPodConditions,omitempty" protobuf:"bytes,3,opt,name=onPodConditions"`
}

// PodFailurePolicy decides what pod failures do to a job.
type PodFailurePolicy struct {
	// Rules are evaluated in order; the first match wins.
	Rules []PodFailurePolicyRule `json:"rules" protobuf:"bytes,1,opt,name=rules"`
}

// SuccessPolicy lets an Indexed job succeed before all indexes did.
type SuccessPolicy struct {
	// Rules; the job succeeds when any is met.
	Rules []SuccessPolicyRule `json:"rules" protobuf:"bytes,1,opt,name=rules"`
}

// SuccessPolicyRule is met by a set or a count of succeeded indexes.
type SuccessPolicyRule struct {
	// SucceededIndexes lists indexes ("1,3-5") that must succeed.
	SucceededIndexes *string `json:"succeededIndexes,omitempty" protobuf:"bytes,1,opt,name=succeededIndexes"`
	// SucceededCount is how many indexes must succeed.
	SucceededCount *int32 `json:"succeededCount,omitempty" protobuf:"varint,2,opt,name=succeededCount"`
}

// JobSpec is the desired behavior of a job.
type JobSpec struct {
	// Parallelism is the most pods running at once; defaults to 1.
	Parallelism *int32 `json:"parallelism,omitempty" protobuf:"varint,1,opt,name=parallelism"`
	// Completions is the number of successful pods wanted.
	Completions *int32 `json:"completions,omitempty" protobuf:"varint,2,opt,name=completions"`
	// ActiveDeadlineSeconds bounds the job's running time.
	ActiveDeadlineSeconds *int64 `json:"activeDeadlineSeconds,omitempty" protobuf:"varint,3,opt,name=activeDeadlineSeconds"`
	// PodFailurePolicy decides what pod failures do.
	PodFailurePolicy *PodFailurePolicy `json:"podFailurePolicy,omitempty" protobuf:"bytes,11,opt,name=podFailurePolicy"`
	// SuccessPolicy allows early success of Indexed jobs.
	SuccessPolicy *SuccessPolicy `json:"successPolicy,omitempty" protobuf:"bytes,16,opt,name=successPolicy"`
	// BackoffLimit is the number of retries before the job fails;
	// defaults to 6.
	BackoffLimit *int32 `json:"backoffLimit,omitempty" protobuf:"varint,7,opt,name=backoffLimit"`
	// BackoffLimitPerIndex is the number of retries per index.
	BackoffLimitPerIndex *int32 `json:"backoffLimitPerIndex,omitempty" protobuf:"varint,12,opt,name=backoffLimitPerIndex"`
	// MaxFailedIndexes fails the job once more indexes failed.
	MaxFailedIndexes *int32 `json:"maxFailedIndexes,omitempty" protobuf:"varint,13,opt,name=maxFailedIndexes"`
	// Selector selects the job's pods; generated unless ManualSelector.
	Selector *metav1.LabelSelector `json:"selector,omitempty" protobuf:"bytes,4,opt,name=selector"`
	// ManualSelector lets the user choose the selector.
	ManualSelector *bool `json:"manualSelector,omitempty" protobuf:"varint,5,opt,name=manualSelector"`
	// Template is the pod template.
	Template corev1.PodTemplateSpec `json:"template" protobuf:"bytes,6,opt,name=template"`
	// TTLSecondsAfterFinished deletes the job that long after it finished.
	TTLSecondsAfterFinished *int32 `json:"ttlSecondsAfterFinished,omitempty" protobuf:"varint,8,opt,name=ttlSecondsAfterFinished"`
	// CompletionMode is NonIndexed (default) or Indexed.
	CompletionMode *CompletionMode `json:"completionMode,omitempty" protobuf:"bytes,9,opt,name=completionMode,casttype=CompletionMode"`
	// Suspend stops pod creation and deletes running pods.
	Suspend *bool `json:"suspend,omitempty" protobuf:"varint,10,opt,name=suspend"`
	// PodReplacementPolicy says when failed pods are replaced.
	PodReplacementPolicy *PodReplacementPolicy `json:"podReplacementPolicy,omitempty" protobuf:"bytes,14,opt,name=podReplacementPolicy,casttype=podReplacementPolicy"`
	// ManagedBy names the controller reconciling the job.
	ManagedBy *string `json:"managedBy,omitempty" protobuf:"bytes,15,opt,name=managedBy"`
}

// JobStatus is the observed state of a job.
type JobStatus struct {
	// Conditions are the job's conditions (Complete, Failed, ...).
	Conditions []JobCondition `json:"conditions,omitempty" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,1,rep,name=conditions"`
	// StartTime is when the controller started the job.
	StartTime *metav1.Time `json:"startTime,omitempty" protobuf:"bytes,2,opt,name=startTime"`
	// CompletionTime is when the job completed.
	CompletionTime *metav1.Time `json:"completionTime,omitempty" protobuf:"bytes,3,opt,name=completionTime"`
	// Active is the number of pending or running pods.
	Active int32 `json:"active,omitempty" protobuf:"varint,4,opt,name=active"`
	// Succeeded is the number of succeeded pods.
	Succeeded int32 `json:"succeeded,omitempty" protobuf:"varint,5,opt,name=succeeded"`
	// Failed is the number of failed pods.
	Failed int32 `json:"failed,omitempty" protobuf:"varint,6,opt,name=failed"`
	// Terminating is the number of terminating pods.
	Terminating *int32 `json:"terminating,omitempty" protobuf:"varint,11,opt,name=terminating"`
	// CompletedIndexes lists the succeeded indexes ("1,3-5").
	CompletedIndexes string `json:"completedIndexes,omitempty" protobuf:"bytes,7,opt,name=completedIndexes"`
	// FailedIndexes lists the failed indexes.
	FailedIndexes *string `json:"failedIndexes,omitempty" protobuf:"bytes,10,opt,name=failedIndexes"`
	// UncountedTerminatedPods are finished pods not yet counted.
	UncountedTerminatedPods *UncountedTerminatedPods `json:"uncountedTerminatedPods,omitempty" protobuf:"bytes,8,opt,name=uncountedTerminatedPods"`
	// Ready is the number of ready pods.
	Ready *int32 `json:"ready,omitempty" protobuf:"varint,9,opt,name=ready"`
}

// UncountedTerminatedPods lists finished pods the controller has not yet
// added to the counters.
type UncountedTerminatedPods struct {
	// Succeeded are UIDs of succeeded pods.
	Succeeded []types.UID `json:"succeeded,omitempty" protobuf:"bytes,1,rep,name=succeeded,casttype=k8s.io/apimachinery/pkg/types.UID"`
	// Failed are UIDs of failed pods.
	Failed []types.UID `json:"failed,omitempty" protobuf:"bytes,2,rep,name=failed,casttype=k8s.io/apimachinery/pkg/types.UID"`
}

// JobConditionType is a kind of job condition.
type JobConditionType string

// Job condition types.
const (
	// JobSuspended means the job is suspended.
	JobSuspended JobConditionType = "Suspended"
	// JobComplete means the job succeeded.
	JobComplete JobConditionType = "Complete"
	// JobFailed means the job failed.
	JobFailed JobConditionType = "Failed"
	// JobFailureTarget means the job is about to fail.
	JobFailureTarget JobConditionType = "FailureTarget"
	// JobSuccessCriteriaMet means the success policy is met.
	JobSuccessCriteriaMet JobConditionType = "SuccessCriteriaMet"
)

// Reasons of job conditions.
const (
	// JobReasonPodFailurePolicy: a FailJob rule matched.
	JobReasonPodFailurePolicy string = "PodFailurePolicy"
	// JobReasonBackoffLimitExceeded: too many retries.
	JobReasonBackoffLimitExceeded string = "BackoffLimitExceeded"
	// JobReasonDeadlineExceeded: activeDeadlineSeconds passed.
	JobReasonDeadlineExceeded string = "DeadlineExceeded"
	// JobReasonMaxFailedIndexesExceeded: too many failed indexes.
	JobReasonMaxFailedIndexesExceeded string = "MaxFailedIndexesExceeded"
	// JobReasonFailedIndexes: some indexes failed.
	JobReasonFailedIndexes string = "FailedIndexes"
	// JobReasonSuccessPolicy: the success policy was met.
	JobReasonSuccessPolicy string = "SuccessPolicy"
	// JobReasonCompletionsReached: enough pods succeeded.
	JobReasonCompletionsReached string = "CompletionsReached"
)

// JobCondition is one condition of a job.
type JobCondition struct {
	// Type of the condition.
	Type JobConditionType `json:"type" protobuf:"bytes,1,opt,name=type,casttype=JobConditionType"`
	// Status is True, False or Unknown.
	Status corev1.ConditionStatus `json:"status" protobuf:"bytes,2,opt,name=status,casttype=k8s.io/api/core/v1.ConditionStatus"`
	// LastProbeTime is when the condition was last checked.
	LastProbeTime metav1.Time `json:"lastProbeTime,omitempty" protobuf:"bytes,3,opt,name=lastProbeTime"`
	// LastTransitionTime is when the status last changed.
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,4,opt,name=lastTransitionTime"`
	// Reason is a short machine-readable cause.
	Reason string `json:"reason,omitempty" protobuf:"bytes,5,opt,name=reason"`
	// Message explains the condition.
	Message string `json:"message,omitempty" protobuf:"bytes,6,opt,name=message"`
}
