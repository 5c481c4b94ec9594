#!/usr/bin/env bash
# make release-snapshot: build every release archive with goreleaser into dist/ (a snapshot: unsigned,
# nothing published), then check what the Terraform Registry reads from a release.
# make release-check (CI): the same for linux/amd64 alone (a full matrix takes minutes on two cores), signed
# with a throwaway GPG key in a temporary keyring, and the signature verified.
#
# Checked: each platform has terraform-provider-gitdeploy_<version>_<os>_<arch>.zip holding
# terraform-provider-gitdeploy_v<version>[.exe] and LICENSE, and a gitdeploy-emulator archive; the
# SHA256SUMS file names exactly the provider zips and the manifest, and its sums match; the manifest is
# terraform-registry-manifest.json; the host's binaries print the stamped version.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1

project=terraform-provider-gitdeploy
config=.goreleaser.yml
work=$(mktemp -d)
cleanup() {
  # Key generation starts a gpg-agent for the throwaway keyring: stop it with the keyring.
  if [ -d "$work/gnupg" ]; then GNUPGHOME="$work/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
goreleaser() { go tool -modfile=tools/go.mod goreleaser "$@"; }
fail() { echo "release check: $*" >&2; exit 1; }

goreleaser check --config "$config"

sign=(--skip=sign)
ci=false
if [ "${1:-}" = "--ci" ]; then
  ci=true
  # The one targets line of .goreleaser.yml (both builds use it), narrowed to linux/amd64.
  sed -E 's/^( *targets: &targets) \[.*\]$/\1 [linux_amd64]/' "$config" >"$work/goreleaser.yml"
  cmp -s "$config" "$work/goreleaser.yml" && fail "no 'targets: &targets [...]' line to narrow in $config"
  config="$work/goreleaser.yml"
  command -v gpg >/dev/null 2>&1 || fail "gpg is needed to check the signing step"
  export GNUPGHOME="$work/gnupg"
  mkdir -m 700 "$GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-gen-key "gitdeploy release check <release-check@example.invalid>" ed25519 sign 1d 2>/dev/null
  GPG_FINGERPRINT=$(gpg --list-keys --with-colons | awk -F: '/^fpr/ {print $10; exit}')
  export GPG_FINGERPRINT
  sign=()
fi

goreleaser release --snapshot --clean "${sign[@]}" --config "$config"

version=$(sed -n 's/.*"version":"\([^"]*\)".*/\1/p' dist/metadata.json)
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || fail "version '$version' is not a semantic version"
targets=$(sed -n -E 's/^ *targets: &targets \[(.*)\]$/\1/p' "$config" | tr -d ' ' | tr ',' '\n')
[ -n "$targets" ] || fail "no targets in $config"

expected_sums="${project}_${version}_manifest.json"
archives=0
for target in $targets; do
  os=${target%%_*} arch=${target#*_}
  ext=""
  [ "$os" = windows ] && ext=.exe
  zip="dist/${project}_${version}_${os}_${arch}.zip"
  [ -f "$zip" ] || fail "missing $zip"
  contents=$(unzip -Z1 "$zip" | sort | tr '\n' ' ')
  [ "$contents" = "LICENSE ${project}_v${version}${ext} " ] || fail "$zip holds '$contents', not LICENSE and ${project}_v${version}${ext}"
  expected_sums+=$'\n'"$(basename "$zip")"
  emulator="dist/gitdeploy-emulator_${version}_${os}_${arch}.tar.gz"
  [ "$os" = windows ] && emulator="dist/gitdeploy-emulator_${version}_${os}_${arch}.zip"
  [ -f "$emulator" ] || fail "missing $emulator"
  archives=$((archives + 2))
done
found=$(find dist -maxdepth 1 -type f \( -name '*.zip' -o -name '*.tar.gz' \) | wc -l)
[ "$found" -eq "$archives" ] || fail "dist/ has $found archives, expected $archives"

sums="dist/${project}_${version}_SHA256SUMS"
[ -f "$sums" ] || fail "missing $sums"
listed=$(awk '{print $2}' "$sums" | sort)
[ "$listed" = "$(sort <<<"$expected_sums")" ] || fail "$sums names:
$listed
expected exactly the provider zips and the manifest:
$(sort <<<"$expected_sums")"
# The manifest is uploaded from the repository under its release name: it is not copied into dist/.
manifest="${project}_${version}_manifest.json"
grep -v "  $manifest\$" "$sums" >"$work/archive.sums"
(cd dist && sha256sum --check --quiet) <"$work/archive.sums" || fail "$sums does not match the archives"
[ "$(awk -v m="$manifest" '$2 == m {print $1}' "$sums")" = "$(sha256sum terraform-registry-manifest.json | awk '{print $1}')" ] ||
  fail "$sums has another sum for $manifest than terraform-registry-manifest.json's"

if $ci; then
  # GoReleaser v2.15 added the signature to the file it had signed (goreleaser/goreleaser#6514): the list
  # above and this verification catch that.
  gpg --batch --quiet --verify "$sums.sig" "$sums" 2>/dev/null || fail "$sums.sig is not a valid signature of $sums"
fi

host="$(go env GOOS)_$(go env GOARCH)"
if grep -qx "$host" <<<"$targets"; then
  unzip -q "dist/${project}_${version}_${host}.zip" -d "$work/provider"
  got=$("$work/provider/${project}_v${version}" -version)
  [ "$got" = "$project $version" ] || fail "the provider binary says '$got', not '$project $version'"
  tar -xzf "dist/gitdeploy-emulator_${version}_${host}.tar.gz" -C "$work" gitdeploy-emulator
  got=$("$work/gitdeploy-emulator" -version)
  [ "$got" = "gitdeploy-emulator $version" ] || fail "the emulator says '$got', not 'gitdeploy-emulator $version'"
fi

signed=unsigned
$ci && signed="signed (throwaway key)"
echo "release check: $(wc -l <<<"$targets") platform(s), version $version: archives, $(basename "$sums") ($signed) and manifest as the Terraform Registry expects"
