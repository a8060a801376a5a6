package envvars

import (
	"fmt"
	"sort"
	"strings"

	corev1 "keel.dev/api/core/v1"
)

func serviceVars(ctx Context) ([]Var, error) {
	master := ctx.MasterNamespace
	if master == "" {
		master = "default"
	}
	links := ctx.Pod.Spec.EnableServiceLinks == nil || *ctx.Pod.Spec.EnableServiceLinks
	byName := map[string]*corev1.Service{}
	if links {
		svcs, err := ctx.Services.ListServices(ctx.Pod.Namespace)
		if err != nil {
			return nil, fmt.Errorf("list services: %w", err)
		}
		for _, s := range svcs {
			byName[s.Name] = s
		}
	}
	if ctx.Pod.Namespace != master || !links {
		svcs, err := ctx.Services.ListServices(master)
		if err != nil {
			return nil, fmt.Errorf("list services: %w", err)
		}
		for _, s := range svcs {
			if s.Name == "kubernetes" {
				if _, taken := byName[s.Name]; !taken {
					byName[s.Name] = s
				}
			}
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Var
	for _, n := range names {
		out = append(out, ServiceVars(byName[n])...)
	}
	return out, nil
}

// ServiceVars returns the docker-link style variables of one service; none
// for headless services or services without a cluster IP.
func ServiceVars(s *corev1.Service) []Var {
	ip := s.Spec.ClusterIP
	if ip == "" || ip == corev1.ClusterIPNone {
		return nil
	}
	prefix := strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_"))
	out := []Var{{prefix + "_SERVICE_HOST", ip}}
	for i, p := range s.Spec.Ports {
		port := fmt.Sprint(p.Port)
		if i == 0 {
			out = append(out, Var{prefix + "_SERVICE_PORT", port})
		}
		if p.Name != "" {
			out = append(out, Var{prefix + "_SERVICE_PORT_" + strings.ToUpper(strings.ReplaceAll(p.Name, "-", "_")), port})
		}
	}
	hostPort := ip
	if strings.Contains(ip, ":") {
		hostPort = "[" + ip + "]"
	}
	for i, p := range s.Spec.Ports {
		proto := strings.ToLower(string(p.Protocol))
		if proto == "" {
			proto = "tcp"
		}
		url := fmt.Sprintf("%s://%s:%d", proto, hostPort, p.Port)
		if i == 0 {
			out = append(out, Var{prefix + "_PORT", url})
		}
		base := fmt.Sprintf("%s_PORT_%d_%s", prefix, p.Port, strings.ToUpper(proto))
		out = append(out,
			Var{base, url},
			Var{base + "_PROTO", proto},
			Var{base + "_PORT", fmt.Sprint(p.Port)},
			Var{base + "_ADDR", ip})
	}
	return out
}
