#!/usr/bin/env bash
# Build a Terraform or OpenTofu CLI from source through the Go module proxy, once, into a cache folder
# keyed by version. Prints the binary's path. Reused when present.
#
#   scripts/build-cli.sh terraform 1.15.0   -> $CLI_CACHE/terraform-1.15.0/terraform
#   scripts/build-cli.sh tofu 1.10.7        -> $CLI_CACHE/tofu-1.10.7/tofu
#
# CLI_CACHE defaults to $HOME/.cache/estate-cli (outside the repository). The build runs under
# `nice -n 19`: it is heavy (about 10 minutes cold for Terraform on 2 cores).
set -euo pipefail

name=${1:?usage: build-cli.sh terraform|tofu VERSION}
version=${2:?usage: build-cli.sh terraform|tofu VERSION}
cache=${CLI_CACHE:-$HOME/.cache/estate-cli}
dest="$cache/$name-$version"
bin="$dest/$name"

if [[ -x "$bin" ]]; then
	echo "$bin"
	exit 0
fi

case "$name" in
terraform) module=github.com/hashicorp/terraform ;;
tofu) module=github.com/opentofu/opentofu ;;
*)
	echo "build-cli: unknown CLI $name (terraform or tofu)" >&2
	exit 2
	;;
esac

mkdir -p "$cache"
work=$(mktemp -d "$cache/.build-$name-$version.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

start=$(date +%s)
# The module zip, through the module proxy (GOFLAGS from the environment could say -mod=vendor etc.).
dir=$(cd "$work" && GOFLAGS= go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -n "$dir" && -d "$dir" ]] || {
	echo "build-cli: go mod download $module@v$version gave no directory" >&2
	exit 1
}
src="$work/src"
cp -r "$dir" "$src"
chmod -R u+w "$src"
cd "$src"

case "$name" in
terraform)
	# The remote-state backends that are separate nested modules are not in the module zip; the
	# replace directives point at their folders. Drop them: the acceptance tests use local state.
	backends='azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3'
	aliases='Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3'
	sed -i -E "\#internal/backend/remote-state/($backends)\"#d; /backend($aliases)\.New\(/d" internal/backend/init/init.go
	sed -i -E "\#internal/backend/remote-state/($backends)( |\$)#d" go.mod
	if grep -Eq "backend($aliases)\b" internal/backend/init/init.go; then
		echo "build-cli: patching internal/backend/init/init.go left a reference to a removed backend" >&2
		exit 1
	fi
	out="$dest.tmp/$name"
	mkdir -p "$dest.tmp"
	GOFLAGS=-mod=mod nice -n 19 go build -trimpath -o "$out" \
		-ldflags "-X github.com/hashicorp/terraform/version.dev=no" .
	;;
tofu)
	out="$dest.tmp/$name"
	mkdir -p "$dest.tmp"
	GOFLAGS=-mod=mod nice -n 19 go build -trimpath -o "$out" \
		-ldflags "-X github.com/opentofu/opentofu/version.dev=no" ./cmd/tofu
	;;
esac

rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "build-cli: $name $version built in $(($(date +%s) - start))s" >&2
"$bin" version >&2 || true
echo "$bin"
