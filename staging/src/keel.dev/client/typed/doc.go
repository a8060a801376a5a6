// Package typed is one generic client, Client[T, L], for every kind served
// by the API, and the Clientset that hands out per-kind clients through type
// aliases (cs.CoreV1().Pods(ns) is a *Client[*corev1.Pod, *corev1.PodList]).
// Resource names come from the scheme; no per-kind code is generated.
package typed
