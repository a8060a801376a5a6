package v1

// SetDefaults_HorizontalPodAutoscaler defaults minReplicas to 1.
func SetDefaults_HorizontalPodAutoscaler(h *HorizontalPodAutoscaler) {
	if h.Spec.MinReplicas == nil {
		one := int32(1)
		h.Spec.MinReplicas = &one
	}
}
