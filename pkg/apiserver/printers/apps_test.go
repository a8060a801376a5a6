package printers

import (
	"testing"
	"time"

	"keel.dev/apimachinery/pkg/api/resource"
	metav1 "keel.dev/apimachinery/pkg/apis/meta/v1"
	"keel.dev/apimachinery/pkg/runtime/schema"

	appsv1 "keel.dev/api/apps/v1"
	autoscalingv1 "keel.dev/api/autoscaling/v1"
	autoscalingv2 "keel.dev/api/autoscaling/v2"
	batchv1 "keel.dev/api/batch/v1"
	corev1 "keel.dev/api/core/v1"
)

func template(labels map[string]string, containers ...corev1.Container) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{Containers: containers}}
}

var webSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}

func TestAppsGoldenRows(t *testing.T) {
	tmpl := template(map[string]string{"app": "web"}, corev1.Container{Name: "main", Image: "busybox:1"}, corev1.Container{Name: "side", Image: "envoy"})
	trueVal := true
	runGolden(t, []goldenCase{
		{"a deployment shows ready/desired and its selector", apps("deployments"),
			&appsv1.Deployment{ObjectMeta: meta("web", time.Minute),
				Spec:   appsv1.DeploymentSpec{Replicas: ptr(int32(3)), Selector: webSelector, Template: tmpl},
				Status: appsv1.DeploymentStatus{ReadyReplicas: 2, UpdatedReplicas: 3, AvailableReplicas: 2}},
			[]any{"web", "2/3", int64(3), int64(2), "60s", "main,side", "busybox:1,envoy", "app=web"}},
		{"a deployment without selector prints an empty selector", apps("deployments"),
			&appsv1.Deployment{ObjectMeta: meta("bare", time.Minute)},
			[]any{"bare", "0/0", int64(0), int64(0), "60s", "", "", ""}},
		{"a deployment with an invalid selector prints <invalid>", apps("deployments"),
			&appsv1.Deployment{ObjectMeta: meta("bad", time.Minute), Spec: appsv1.DeploymentSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b c"}}}},
			[]any{"bad", "0/0", int64(0), int64(0), "60s", "", "", "<invalid>"}},
		{"a replica set shows desired, current and ready", apps("replicasets"),
			&appsv1.ReplicaSet{ObjectMeta: meta("web-abc", time.Minute),
				Spec:   appsv1.ReplicaSetSpec{Replicas: ptr(int32(3)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web", "pod-template-hash": "abc"}}, Template: tmpl},
				Status: appsv1.ReplicaSetStatus{Replicas: 3, ReadyReplicas: 1}},
			[]any{"web-abc", int64(3), int64(3), int64(1), "60s", "main,side", "busybox:1,envoy", "app=web,pod-template-hash=abc"}},
		{"a replica set without selector shows <none>", apps("replicasets"),
			&appsv1.ReplicaSet{ObjectMeta: meta("rs", time.Minute)},
			[]any{"rs", int64(0), int64(0), int64(0), "60s", "", "", "<none>"}},
		{"a stateful set shows ready/desired", apps("statefulsets"),
			&appsv1.StatefulSet{ObjectMeta: meta("db", time.Minute),
				Spec:   appsv1.StatefulSetSpec{Replicas: ptr(int32(2)), Template: tmpl},
				Status: appsv1.StatefulSetStatus{ReadyReplicas: 1}},
			[]any{"db", "1/2", "60s", "main,side", "busybox:1,envoy"}},
		{"a daemon set shows its counts and node selector", apps("daemonsets"),
			&appsv1.DaemonSet{ObjectMeta: meta("agent", time.Minute),
				Spec: appsv1.DaemonSetSpec{Selector: webSelector, Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					NodeSelector: map[string]string{"kubernetes.io/os": "linux"}, Containers: []corev1.Container{{Name: "a", Image: "agent:1"}}}}},
				Status: appsv1.DaemonSetStatus{DesiredNumberScheduled: 3, CurrentNumberScheduled: 3, NumberReady: 2, UpdatedNumberScheduled: 1, NumberAvailable: 2}},
			[]any{"agent", int64(3), int64(3), int64(2), int64(1), int64(2), "kubernetes.io/os=linux", "60s", "a", "agent:1", "app=web"}},
		{"a controller revision names its controller as kind.group/name", apps("controllerrevisions"),
			&appsv1.ControllerRevision{ObjectMeta: metav1.ObjectMeta{Name: "agent-5d", CreationTimestamp: ago(time.Minute), OwnerReferences: []metav1.OwnerReference{
				{APIVersion: "v1", Kind: "Pod", Name: "not-controller"},
				{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "agent", Controller: &trueVal}}}, Revision: 4},
			[]any{"agent-5d", "daemonset.apps/agent", int64(4), "60s"}},
		{"a controller revision without controller shows <none>", apps("controllerrevisions"),
			&appsv1.ControllerRevision{ObjectMeta: meta("cr", time.Minute), Revision: 1},
			[]any{"cr", "<none>", int64(1), "60s"}},
	})
}

func jobWith(conds ...batchv1.JobConditionType) *batchv1.Job {
	j := &batchv1.Job{
		ObjectMeta: meta("pi", 10*time.Minute),
		Spec:       batchv1.JobSpec{Completions: ptr(int32(1)), Parallelism: ptr(int32(1)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"batch.kubernetes.io/controller-uid": "u"}}, Template: template(nil, corev1.Container{Name: "pi", Image: "perl"})},
		Status:     batchv1.JobStatus{StartTime: agoPtr(9 * time.Minute)},
	}
	for _, c := range conds {
		j.Status.Conditions = append(j.Status.Conditions, batchv1.JobCondition{Type: c, Status: corev1.ConditionTrue})
	}
	return j
}

func TestBatchGoldenRows(t *testing.T) {
	complete := jobWith(batchv1.JobSuccessCriteriaMet, batchv1.JobComplete)
	complete.Status.Succeeded = 1
	complete.Status.CompletionTime = agoPtr(8*time.Minute + 30*time.Second)
	falseCond := jobWith()
	falseCond.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobComplete, Status: corev1.ConditionFalse}}
	parallel := jobWith()
	parallel.Spec.Completions = nil
	parallel.Spec.Parallelism = ptr(int32(4))
	notStarted := jobWith()
	notStarted.Status.StartTime = nil
	terminating := jobWith(batchv1.JobSuspended)
	terminating.DeletionTimestamp = agoPtr(time.Second)
	sel := "batch.kubernetes.io/controller-uid=u"

	runGolden(t, []goldenCase{
		{"a complete job shows its run time", batch("jobs"), complete, []any{"pi", "Complete", "1/1", "30s", "10m", "pi", "perl", sel}},
		{"a running job counts time until now", batch("jobs"), jobWith(), []any{"pi", "Running", "0/1", "9m", "10m", "pi", "perl", sel}},
		{"a false Complete condition still means Running", batch("jobs"), falseCond, []any{"pi", "Running", "0/1", "9m", "10m", "pi", "perl", sel}},
		{"a failed job shows Failed", batch("jobs"), jobWith(batchv1.JobFailureTarget, batchv1.JobFailed), []any{"pi", "Failed", "0/1", "9m", "10m", "pi", "perl", sel}},
		{"a deleted job shows Terminating before Suspended", batch("jobs"), terminating, []any{"pi", "Terminating", "0/1", "9m", "10m", "pi", "perl", sel}},
		{"a suspended job shows Suspended", batch("jobs"), jobWith(batchv1.JobSuspended), []any{"pi", "Suspended", "0/1", "9m", "10m", "pi", "perl", sel}},
		{"a failing job shows FailureTarget", batch("jobs"), jobWith(batchv1.JobFailureTarget), []any{"pi", "FailureTarget", "0/1", "9m", "10m", "pi", "perl", sel}},
		{"a job with only SuccessCriteriaMet still shows Running", batch("jobs"), jobWith(batchv1.JobSuccessCriteriaMet), []any{"pi", "Running", "0/1", "9m", "10m", "pi", "perl", sel}},
		{"a parallel job without completions shows the parallelism", batch("jobs"), parallel, []any{"pi", "Running", "0/1 of 4", "9m", "10m", "pi", "perl", sel}},
		{"a job not started has no duration", batch("jobs"), notStarted, []any{"pi", "Running", "0/1", "", "10m", "pi", "perl", sel}},
		{"a cron job shows schedule, time zone and last schedule", batch("cronjobs"),
			&batchv1.CronJob{ObjectMeta: meta("hello", time.Hour),
				Spec: batchv1.CronJobSpec{Schedule: "*/5 * * * *", TimeZone: ptr("Etc/UTC"), Suspend: ptr(false),
					JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: template(nil, corev1.Container{Name: "c", Image: "busybox"})}}},
				Status: batchv1.CronJobStatus{Active: []corev1.ObjectReference{{Name: "hello-1"}}, LastScheduleTime: agoPtr(3 * time.Minute)}},
			[]any{"hello", "*/5 * * * *", "Etc/UTC", "False", int64(1), "3m", "60m", "c", "busybox", "<none>"}},
		{"a cron job never scheduled shows <none> and unset suspend", batch("cronjobs"),
			&batchv1.CronJob{ObjectMeta: meta("new", time.Minute), Spec: batchv1.CronJobSpec{Schedule: "@daily"}},
			[]any{"new", "@daily", "<none>", "<unset>", int64(0), "<none>", "60s", "", "", "<none>"}},
	})
}

func TestAutoscalingGoldenRows(t *testing.T) {
	q := func(s string) *resource.Quantity { v := resource.MustParse(s); return &v }
	hpa := func(metrics []autoscalingv2.MetricSpec, current []autoscalingv2.MetricStatus) *autoscalingv2.HorizontalPodAutoscaler {
		return &autoscalingv2.HorizontalPodAutoscaler{
			ObjectMeta: meta("web", time.Minute),
			Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
				ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{Kind: "Deployment", Name: "web", APIVersion: "apps/v1"},
				MinReplicas:    ptr(int32(1)), MaxReplicas: 10, Metrics: metrics,
			},
			Status: autoscalingv2.HorizontalPodAutoscalerStatus{CurrentReplicas: 3, CurrentMetrics: current},
		}
	}
	cpu := autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceCPU, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: ptr(int32(80))}}}
	cpuNow := autoscalingv2.MetricStatus{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricStatus{
		Name: corev1.ResourceCPU, Current: autoscalingv2.MetricValueStatus{AverageUtilization: ptr(int32(42)), AverageValue: q("100m")}}}
	mem := autoscalingv2.MetricSpec{Type: autoscalingv2.ResourceMetricSourceType, Resource: &autoscalingv2.ResourceMetricSource{
		Name: corev1.ResourceMemory, Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q("100Mi")}}}
	pods := autoscalingv2.MetricSpec{Type: autoscalingv2.PodsMetricSourceType, Pods: &autoscalingv2.PodsMetricSource{
		Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q("1k")}}}
	external := autoscalingv2.MetricSpec{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricSource{
		Target: autoscalingv2.MetricTarget{Type: autoscalingv2.ValueMetricType, Value: q("30")}}}
	externalNow := autoscalingv2.MetricStatus{Type: autoscalingv2.ExternalMetricSourceType, External: &autoscalingv2.ExternalMetricStatus{
		Current: autoscalingv2.MetricValueStatus{Value: q("12")}}}
	object := autoscalingv2.MetricSpec{Type: autoscalingv2.ObjectMetricSourceType, Object: &autoscalingv2.ObjectMetricSource{
		Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: q("5")}}}

	v1 := &autoscalingv1.HorizontalPodAutoscaler{
		ObjectMeta: meta("old", time.Minute),
		Spec: autoscalingv1.HorizontalPodAutoscalerSpec{ScaleTargetRef: autoscalingv1.CrossVersionObjectReference{Kind: "Deployment", Name: "old"},
			MaxReplicas: 5, TargetCPUUtilizationPercentage: ptr(int32(50))},
		Status: autoscalingv1.HorizontalPodAutoscalerStatus{CurrentReplicas: 2, CurrentCPUUtilizationPercentage: ptr(int32(20))},
	}
	gr := schema.GroupResource{Group: "autoscaling", Resource: "horizontalpodautoscalers"}
	runGolden(t, []goldenCase{
		{"a CPU utilization target shows current/target percentages", gr, hpa([]autoscalingv2.MetricSpec{cpu}, []autoscalingv2.MetricStatus{cpuNow}),
			[]any{"web", "Deployment/web", "cpu: 42%/80%", "1", int64(10), int64(3), "60s"}},
		{"metrics without status are unknown", gr, hpa([]autoscalingv2.MetricSpec{cpu, mem}, nil),
			[]any{"web", "Deployment/web", "cpu: <unknown>/80%, memory: <unknown>/100Mi", "1", int64(10), int64(3), "60s"}},
		{"more than two metrics are summarized", gr, hpa([]autoscalingv2.MetricSpec{external, pods, object, cpu}, []autoscalingv2.MetricStatus{externalNow}),
			[]any{"web", "Deployment/web", "12/30, <unknown>/1k + 2 more...", "1", int64(10), int64(3), "60s"}},
		{"an object average target is marked avg", gr, hpa([]autoscalingv2.MetricSpec{object}, nil),
			[]any{"web", "Deployment/web", "<unknown>/5 (avg)", "1", int64(10), int64(3), "60s"}},
		{"no metrics show <none>", gr, hpa(nil, nil),
			[]any{"web", "Deployment/web", "<none>", "1", int64(10), int64(3), "60s"}},
		{"an autoscaling/v1 object prints its CPU target", gr, v1,
			[]any{"old", "Deployment/old", "cpu: 20%/50%", "<unset>", int64(5), int64(2), "60s"}},
	})
}
