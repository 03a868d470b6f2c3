# Sourced by setup.sh and test-package.sh: install_missing LABEL PACKAGE... installs (apt-get,
# through sudo when not root) the packages dpkg does not list as installed, and nothing when all
# are: every set-up step stays idempotent and quiet on a machine that has them.
install_missing() {
    local label="$1" p missing=() sudo_cmd=""
    shift
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ "${#missing[@]}" -gt 0 ] || return 0
    echo "$label: installing ${missing[*]}" >&2
    [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
