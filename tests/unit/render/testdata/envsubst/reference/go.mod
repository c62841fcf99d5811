module sluice.dev/envsubst-reference

go 1.21

require github.com/drone/envsubst v1.0.3
