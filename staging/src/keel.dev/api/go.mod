module keel.dev/api

go 1.26

require (
	github.com/google/go-cmp v0.7.0
	keel.dev/apimachinery v0.0.0
)

require (
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	sigs.k8s.io/yaml v1.6.0 // indirect
)

replace keel.dev/apimachinery => ../apimachinery
