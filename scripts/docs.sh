#!/usr/bin/env bash
# make docs: tfplugindocs writes docs/ from the provider schema, examples/ and templates/. The schema is
# read from the freshly built provider with the local terraform binary, so nothing is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bin/terraform-provider-gitdeploy" .
cat >"$work/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "gitdeploy/gitdeploy" = "$work/bin"
  }
  direct {}
}
RC
mkdir "$work/schema"
printf 'terraform {\n  required_providers {\n    gitdeploy = { source = "gitdeploy/gitdeploy" }\n  }\n}\n' >"$work/schema/main.tf"
(cd "$work/schema" && TF_CLI_CONFIG_FILE="$work/terraform.rc" terraform providers schema -json >"$work/schema.json" 2>"$work/schema.err") || {
  cat "$work/schema.err" >&2; exit 1; }
# tfplugindocs looks the schema up by the short name (or under the hashicorp namespace): rename our key.
sed 's|"registry.terraform.io/gitdeploy/gitdeploy":|"gitdeploy":|' "$work/schema.json" >"$work/schema.short.json"
go tool -modfile=tools/go.mod tfplugindocs generate \
  --provider-name gitdeploy \
  --providers-schema "$work/schema.short.json" \
  --rendered-provider-name "gitdeploy"
