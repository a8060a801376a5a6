package job

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
	apierrors "keel.dev/apimachinery/pkg/api/errors"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/labels"
	"keel.dev/apimachinery/pkg/types"

	"keel.dev/keel/pkg/controller/ownerref"
)

const noIndex = -1

func isIndexed(job *batchv1.Job) bool {
	return job.Spec.CompletionMode != nil && *job.Spec.CompletionMode == batchv1.IndexedCompletion
}

// podIndex returns the completion index of an Indexed job's pod.
func podIndex(p *corev1.Pod) int {
	v, ok := p.Annotations[batchv1.JobCompletionIndexAnnotation]
	if !ok {
		v, ok = p.Labels[batchv1.JobCompletionIndexAnnotation]
	}
	if !ok {
		return noIndex
	}
	i, err := strconv.Atoi(v)
	if err != nil || i < 0 {
		return noIndex
	}
	return i
}

func hasFinalizer(p *corev1.Pod) bool {
	return slices.Contains(p.Finalizers, batchv1.JobTrackingFinalizer)
}

// jobLabels are the labels tying pods to job.
func jobLabels(job *batchv1.Job) map[string]string {
	uid := string(job.UID)
	return map[string]string{
		batchv1.ControllerUidLabel: uid, batchv1.JobNameLabel: job.Name,
		batchv1.LegacyControllerUidLabel: uid, batchv1.LegacyJobNameLabel: job.Name,
	}
}

// jobSelector is the job's selector, defaulting to its controller-uid label.
func jobSelector(job *batchv1.Job) (labels.Selector, error) {
	if job.Spec.Selector == nil {
		return labels.SelectorFromSet(map[string]string{batchv1.ControllerUidLabel: string(job.UID)}), nil
	}
	s, err := metav1.LabelSelectorAsSelector(job.Spec.Selector)
	if err != nil {
		return nil, fmt.Errorf("job selector: %w", err)
	}
	return s, nil
}

// claimPods returns the pods job controls, after adopting matching orphans
// (adding the tracking finalizer) and releasing owned pods that no longer
// match (removing it). A finished job claims nothing new.
func (c *Controller) claimPods(ctx context.Context, job *batchv1.Job) ([]*corev1.Pod, error) {
	sel, err := jobSelector(job)
	if err != nil {
		return nil, err
	}
	pods, err := c.pods.Namespace(job.Namespace).List(labels.Everything())
	if err != nil {
		return nil, err
	}
	if finishedCondition(job) != nil {
		// A finished job neither adopts nor releases pods.
		owned := pods[:0:0]
		for _, p := range pods {
			if ref := metav1.GetControllerOf(p); ref != nil && ref.UID == job.UID {
				owned = append(owned, p)
			}
		}
		return owned, nil
	}
	cl := ownerref.Claimer[*corev1.Pod]{
		Owner: job, Kind: batchv1.SchemeGroupVersion.WithKind("Job"), Selector: sel,
		Finalizers: []string{batchv1.JobTrackingFinalizer},
		Recheck: func(ctx context.Context) (metav1.Object, error) {
			return c.client.BatchV1().Jobs(job.Namespace).Get(ctx, job.Name, metav1.GetOptions{})
		},
		Patch: func(ctx context.Context, p *corev1.Pod, patch []byte) (*corev1.Pod, error) {
			return c.client.CoreV1().Pods(p.Namespace).Patch(ctx, p.Name, types.StrategicMergePatchType, patch, metav1.PatchOptions{})
		},
	}
	owned, err := cl.Claim(ctx, pods)
	if err != nil {
		return nil, fmt.Errorf("claim pods of job %s/%s: %w", job.Namespace, job.Name, err)
	}
	return owned, nil
}

// newPod builds a pod of job, for completion index ix in Indexed mode.
func newPod(job *batchv1.Job, ix int) *corev1.Pod {
	tmpl := job.Spec.Template.DeepCopy()
	p := &corev1.Pod{ObjectMeta: tmpl.ObjectMeta, Spec: tmpl.Spec}
	p.Namespace = job.Namespace
	p.Name = ""
	p.GenerateName = job.Name + "-"
	if p.Labels == nil {
		p.Labels = map[string]string{}
	}
	for k, v := range jobLabels(job) {
		p.Labels[k] = v
	}
	p.Finalizers = append(p.Finalizers, batchv1.JobTrackingFinalizer)
	p.OwnerReferences = []metav1.OwnerReference{ownerref.NewControllerRef(job, batchv1.SchemeGroupVersion.WithKind("Job"))}
	if ix != noIndex {
		s := strconv.Itoa(ix)
		p.GenerateName = job.Name + "-" + s + "-"
		if p.Annotations == nil {
			p.Annotations = map[string]string{}
		}
		p.Annotations[batchv1.JobCompletionIndexAnnotation] = s
		p.Labels[batchv1.JobCompletionIndexAnnotation] = s
		if p.Spec.Hostname == "" {
			p.Spec.Hostname = job.Name + "-" + s
		}
		env := corev1.EnvVar{Name: "JOB_COMPLETION_INDEX", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{
			FieldPath: "metadata.annotations['" + batchv1.JobCompletionIndexAnnotation + "']"}}}
		for i := range p.Spec.InitContainers {
			p.Spec.InitContainers[i].Env = append(p.Spec.InitContainers[i].Env, env)
		}
		for i := range p.Spec.Containers {
			p.Spec.Containers[i].Env = append(p.Spec.Containers[i].Env, env)
		}
	}
	return p
}

func ptr[T any](v T) *T { return &v }

// removeFinalizer drops the tracking finalizer from p.
func (c *Controller) removeFinalizer(ctx context.Context, p *corev1.Pod) error {
	if !hasFinalizer(p) {
		return nil
	}
	rest := slices.DeleteFunc(slices.Clone(p.Finalizers), func(f string) bool { return f == batchv1.JobTrackingFinalizer })
	var fin any = rest
	if len(rest) == 0 {
		fin = nil
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"finalizers": fin}})
	_, err := c.client.CoreV1().Pods(p.Namespace).Patch(ctx, p.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove tracking finalizer of pod %s/%s: %w", p.Namespace, p.Name, err)
	}
	return nil
}

// deletePod removes the finalizer (so the pod is not counted) and deletes p.
func (c *Controller) deletePod(ctx context.Context, p *corev1.Pod) error {
	if err := c.removeFinalizer(ctx, p); err != nil {
		return err
	}
	err := c.client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete pod %s/%s: %w", p.Namespace, p.Name, err)
	}
	return nil
}
