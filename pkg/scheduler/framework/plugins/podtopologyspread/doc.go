// Package podtopologyspread implements PodTopologySpread: DoNotSchedule
// constraints filter nodes whose domain would exceed maxSkew (minDomains,
// nodeAffinityPolicy, nodeTaintsPolicy and matchLabelKeys honored);
// ScheduleAnyway constraints score nodes in less crowded domains higher.
package podtopologyspread
