module keel.dev/client

go 1.26

require (
	github.com/google/go-cmp v0.7.0
	keel.dev/api v0.0.0
	keel.dev/apimachinery v0.0.0
	sigs.k8s.io/yaml v1.6.0
)

require (
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
)

replace (
	keel.dev/api => ../api
	keel.dev/apimachinery => ../apimachinery
)
