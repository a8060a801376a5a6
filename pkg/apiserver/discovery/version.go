package discovery

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
)

// Version is the /version document.
type Version struct {
	Major        string `json:"major"`
	Minor        string `json:"minor"`
	GitVersion   string `json:"gitVersion"`
	GitCommit    string `json:"gitCommit"`
	GitTreeState string `json:"gitTreeState"`
	BuildDate    string `json:"buildDate"`
	GoVersion    string `json:"goVersion"`
	Compiler     string `json:"compiler"`
	Platform     string `json:"platform"`
}

// The Kubernetes release Keel reports. The installed kubectl dispatcher
// picks the kubectl it runs from Minor (27–33 select kubectl.1.<minor>,
// others its built-in 1.32), and kubectl warns when the skew is over one.
const (
	KubeMajor      = "1"
	KubeMinor      = "32"
	KubeGitVersion = "v1.32.4+keel"
)

// DefaultVersion returns the version document of this binary: the
// Kubernetes release above, with the commit, tree state and build date from
// the Go build information when it has them.
func DefaultVersion() Version {
	v := Version{
		Major:        KubeMajor,
		Minor:        KubeMinor,
		GitVersion:   KubeGitVersion,
		GitTreeState: "",
		BuildDate:    "1970-01-01T00:00:00Z",
		GoVersion:    runtime.Version(),
		Compiler:     runtime.Compiler,
		Platform:     fmt.Sprintf("%s/%s", runtime.GOOS, runtime.GOARCH),
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.GitCommit = s.Value
			case "vcs.time":
				v.BuildDate = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					v.GitTreeState = "dirty"
				} else {
					v.GitTreeState = "clean"
				}
			}
		}
	}
	return v
}

// VersionHandler serves v as JSON on GET /version.
func VersionHandler(v Version) http.Handler {
	body, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("discovery: marshal version: %v", err))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeStatus(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "the server does not allow this method on the requested resource")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	})
}
