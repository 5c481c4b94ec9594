#!/usr/bin/env bash
# make demo: build the provider and the emulator, start the emulator on a free loopback port, and run a
# real terraform apply / plan / destroy of examples/quickstart (Netlify) and examples/dokploy against it.
# Offline, without credentials.
# Terraform finds the provider through a CLI config in a temporary directory, never ~/.terraformrc.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CHECKPOINT_DISABLE=1

work=$(mktemp -d)
emulator_pid=""
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "build the provider and the emulator"
go build -o "$work/bin/terraform-provider-gitdeploy" .
go build -o "$work/bin/gitdeploy-emulator" ./cmd/gitdeploy-emulator

step "start the emulator"
"$work/bin/gitdeploy-emulator" -listen 127.0.0.1:0 >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 1 100); do
  grep -q '^gitlab:' "$work/emulator.out" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; echo "the emulator exited" >&2; exit 1; }
  sleep 0.1
done
cat "$work/emulator.out"
url_of() { sed -n "s/^$1: *//p" "$work/emulator.out" | head -n1; }
export NETLIFY_API_URL GITHUB_BASE_URL GITLAB_BASE_URL
NETLIFY_API_URL=$(url_of netlify)
GITHUB_BASE_URL=$(url_of github)
GITLAB_BASE_URL=$(url_of gitlab)
[ -n "$NETLIFY_API_URL" ] && [ -n "$GITHUB_BASE_URL" ] && [ -n "$GITLAB_BASE_URL" ] || { echo "could not read the emulator's URLs" >&2; exit 1; }
# The default seed's tokens (see internal/emulator/seed.go).
export NETLIFY_AUTH_TOKEN=emulator-netlify-token GITHUB_TOKEN=emulator-github-token GITLAB_TOKEN=emulator-gitlab-token

cat >"$work/terraform.rc" <<RC
provider_installation {
  dev_overrides {
    "gitdeploy/gitdeploy" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraform.rc" TF_IN_AUTOMATION=1
cp -R examples/quickstart "$work/quickstart"
cd "$work/quickstart"

step "terraform apply"
terraform apply -auto-approve -input=false

step "terraform output"
terraform output

step "push to main on each repository: the webhooks deliver, Netlify builds"
admin=$(url_of admin)
command -v curl >/dev/null 2>&1 || { echo "error: the demo needs curl to call the emulator's admin API" >&2; exit 1; }
# The quickstart's default repositories.
for target in github:gitdeploy-demo/private-app gitlab:gitdeploy-demo/frontend/app; do
  host=${target%%:*} repo=${target#*:}
  echo "push to main of $repo on $host:"
  curl -fsS -X POST "${admin}push" -H 'Content-Type: application/json' \
    -d "{\"host\":\"$host\",\"repository\":\"$repo\",\"branch\":\"main\"}" >"$work/push.json"
  sed -e 's/,"/,\n  "/g' "$work/push.json"; echo
done
echo "builds Netlify recorded:"
curl -fsS "${admin}netlify/builds" >"$work/builds.json"
sed -e 's/},{/},\n{/g' "$work/builds.json"; echo
if grep -q '"state":"error"' "$work/builds.json" || ! grep -q '"state":"ready"' "$work/builds.json"; then
  echo "error: the push did not produce successful builds" >&2
  exit 1
fi
echo "OK: every push built its linked site."

step "terraform plan (must show no changes)"
set +e
terraform plan -detailed-exitcode -input=false
plan_status=$?
set -e
if [ "$plan_status" -ne 0 ]; then
  echo "error: the plan after apply is not empty (exit $plan_status)" >&2
  exit 1
fi
echo "OK: no changes after apply."

step "terraform destroy"
terraform destroy -auto-approve -input=false

# The same chain on Dokploy: only Dokploy is configured for it, so no resource needs platform = ...
cp -R "$root/examples/dokploy" "$work/dokploy"
cd "$work/dokploy"
unset NETLIFY_API_URL NETLIFY_AUTH_TOKEN
export DOKPLOY_URL DOKPLOY_API_KEY=emulator-dokploy-api-key TF_VAR_dokploy_environment_id
DOKPLOY_URL=$(url_of dokploy)
TF_VAR_dokploy_environment_id=$(sed -n 's/^dokploy environment ([^)]*): *//p' "$work/emulator.out" | head -n1)
[ -n "$DOKPLOY_URL" ] && [ -n "$TF_VAR_dokploy_environment_id" ] || { echo "could not read the emulator's Dokploy URL and environment" >&2; exit 1; }

step "terraform apply (examples/dokploy)"
terraform apply -auto-approve -input=false

step "terraform output"
terraform output

step "push to main on each repository: the webhooks deliver to the deploy URLs, Dokploy deploys"
for target in github:gitdeploy-demo/private-app gitlab:gitdeploy-demo/frontend/app; do
  host=${target%%:*} repo=${target#*:}
  echo "push to main of $repo on $host:"
  curl -fsS -X POST "${admin}push" -H 'Content-Type: application/json' \
    -d "{\"host\":\"$host\",\"repository\":\"$repo\",\"branch\":\"main\"}" >"$work/push.json"
  sed -e 's/,"/,\n  "/g' -e 's/"url":"[^"]*deploy\/[^"]*"/"url":"(deploy URL)"/' "$work/push.json"; echo
done
echo "deployments Dokploy recorded:"
curl -fsS "${admin}dokploy/deployments" >"$work/deployments.json"
sed -e 's/},{/},\n{/g' "$work/deployments.json"; echo
if grep -q '"status":"error"' "$work/deployments.json" || ! grep -q '"status":"done"' "$work/deployments.json"; then
  echo "error: the push did not produce successful deployments" >&2
  exit 1
fi
echo "OK: every push deployed its linked application."

step "terraform plan (must show no changes)"
set +e
terraform plan -detailed-exitcode -input=false
plan_status=$?
set -e
if [ "$plan_status" -ne 0 ]; then
  echo "error: the plan after apply is not empty (exit $plan_status)" >&2
  exit 1
fi
echo "OK: no changes after apply."

step "terraform destroy"
terraform destroy -auto-approve -input=false

step "demo finished: apply, empty plan and destroy all worked, on Netlify and on Dokploy"
