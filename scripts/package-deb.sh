#!/usr/bin/env bash
# Builds the Debian package dist/flashtrace_VERSION_amd64.deb (issue 16): what a firmware engineer
# installs with `apt-get install ./flashtrace_VERSION_amd64.deb`, with no Swift toolchain.
#
#   usr/bin/flashtrace                        release build, Swift stdlib and Foundation linked
#                                             statically (--static-swift-stdlib), stripped
#   usr/lib/flashtrace/libflashtrace-tp.so    the LTTng probe library (product flashtrace-tp),
#                                             where flashtrace looks for it (ProviderLibrary)
#   usr/share/man/man1/flashtrace*.1.gz       from the commands' own help (swift-argument-parser's
#                                             GenerateManual plugin, one page per command)
#   usr/share/{bash-completion,zsh,fish}/...  `flashtrace --generate-completion-script SHELL`
#
# Depends: what the binary needs to start (dpkg-shlibdeps on it: libc6, libstdc++6, libgcc-s1).
# Recommends: liblttng-ust1 (record --sink lttng|both) and libbabeltrace2-0 (CTF traces not
# written by lttng-ust); flashtrace says which is missing when a command needs it.
#
# Usage: scripts/package-deb.sh [--version V]   (default: RELEASE+gitYYYYMMDD.HASH of HEAD, RELEASE
# from Sources/flashtrace/Version.swift)
# Installs what it needs to build (setup.sh's packages, dpkg-dev) when missing. Prints the path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

version=""
while [ $# -gt 0 ]; do
    case "$1" in
        --version) version="${2:?--version needs a value}"; shift 2 ;;
        *) echo "package-deb.sh: unknown option $1 (expected --version V)" >&2; exit 64 ;;
    esac
done
if [ -z "$version" ]; then
    # The release `flashtrace --version` prints, from its one place.
    release=$(sed -n 's/^ *static let release = "\(.*\)"$/\1/p' Sources/flashtrace/Version.swift)
    [ -n "$release" ] || { echo "package-deb.sh: no release in Sources/flashtrace/Version.swift" >&2; exit 70; }
    if git rev-parse --git-dir >/dev/null 2>&1; then
        version="$release+git$(git log -1 --format=%cd --date=format:%Y%m%d).$(git rev-parse --short=7 HEAD)"
    else
        version="$release"
    fi
fi
arch="$(dpkg --print-architecture)"
say() { echo "package-deb: $*" >&2; }

# Build dependencies (setup.sh's: the LTTng and babeltrace2 headers) and dpkg-dev for
# dpkg-shlibdeps, only when missing.
scripts/setup.sh --no-build
if ! command -v dpkg-shlibdeps >/dev/null; then
    sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
    say "installing dpkg-dev"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi
if ! command -v swift >/dev/null; then
    for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi

# 1. Man pages. The plugin builds every product (here in debug: a release build without
#    --static-swift-stdlib would compile everything a second time; after `swift build` or
#    `swift test` the debug build is already there), then runs generate-manual on each
#    executable that uses ArgumentParser (flashtrace alone): one page per command. The date is
#    the commit's, so a commit always gives the same pages. Blank lines of the commands'
#    discussions become paragraph breaks (.Pp), which man would otherwise warn about.
date_arg=()
if git rev-parse --git-dir >/dev/null 2>&1; then
    date_arg=(--date "$(git log -1 --format=%cd --date=format:%Y-%m-%d)")
fi
say "man pages (swift package plugin generate-manual)"
manual=".build/plugins/GenerateManual/outputs/flashtrace"
rm -rf "$manual"
swift package plugin generate-manual --configuration debug --multi-page "${date_arg[@]}" >&2
[ -f "$manual/flashtrace.1" ] || { say "the plugin wrote no $manual/flashtrace.1"; exit 1; }
sed -i 's/^$/.Pp/' "$manual"/*.1

# 2. The release build that is shipped, the Swift runtime inside.
say "release build (--static-swift-stdlib)"
swift build -c release --static-swift-stdlib >&2
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"
if ldd "$bin/flashtrace" | grep -E -i "libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime"; then
    say "$bin/flashtrace still links a Swift runtime library"; exit 1
fi

# 3. The tree.
rm -rf "$root/.build/deb"
pkg="$root/.build/deb/flashtrace_${version}_${arch}"
install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/usr/lib/flashtrace" "$pkg/usr/share/man/man1" \
    "$pkg/usr/share/doc/flashtrace" "$pkg/usr/share/bash-completion/completions" \
    "$pkg/usr/share/zsh/vendor-completions" "$pkg/usr/share/fish/vendor_completions.d"
install -m 0755 "$bin/flashtrace" "$pkg/usr/bin/flashtrace"
install -m 0644 "$bin/libflashtrace-tp.so" "$pkg/usr/lib/flashtrace/libflashtrace-tp.so"
strip --strip-unneeded "$pkg/usr/bin/flashtrace" "$pkg/usr/lib/flashtrace/libflashtrace-tp.so"
for page in "$manual"/*.1; do
    gzip -9n < "$page" > "$pkg/usr/share/man/man1/$(basename "$page").gz"
done
"$pkg/usr/bin/flashtrace" --generate-completion-script bash > "$pkg/usr/share/bash-completion/completions/flashtrace"
"$pkg/usr/bin/flashtrace" --generate-completion-script zsh > "$pkg/usr/share/zsh/vendor-completions/_flashtrace"
"$pkg/usr/bin/flashtrace" --generate-completion-script fish > "$pkg/usr/share/fish/vendor_completions.d/flashtrace.fish"
chmod 0644 "$pkg"/usr/share/*/completions/flashtrace "$pkg"/usr/share/zsh/vendor-completions/_flashtrace \
    "$pkg"/usr/share/fish/vendor_completions.d/flashtrace.fish
cat > "$pkg/usr/share/doc/flashtrace/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: flashtrace
Comment: usr/bin/flashtrace contains, linked statically, the Swift standard library,
 Foundation and Dispatch of the Swift toolchain, and swift-argument-parser and swift-crypto.

Files: *
Copyright: the flashtrace authors
License: see the flashtrace source repository

Files: usr/bin/flashtrace
Copyright: Apple Inc. and the Swift project authors
License: Apache-2.0 WITH Swift-exception
 Licensed under the Apache License, Version 2.0 with Runtime Library Exception
 (https://swift.org/LICENSE.txt); on Debian systems the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.
EOF

# 4. Dependencies of the binary alone: the probe library's liblttng-ust is a Recommends.
shlib="$(mktemp -d)"
trap 'rm -rf "$shlib"' EXIT
mkdir "$shlib/debian"
printf 'Source: flashtrace\n\nPackage: flashtrace\nArchitecture: any\n' > "$shlib/debian/control"
depends="$(cd "$shlib" && dpkg-shlibdeps -O "$pkg/usr/bin/flashtrace" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || { say "dpkg-shlibdeps found no dependencies of flashtrace"; exit 1; }

cat > "$pkg/DEBIAN/control" <<EOF
Package: flashtrace
Version: $version
Architecture: $arch
Maintainer: flashtrace developers <flashtrace@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: $depends
Recommends: liblttng-ust1, libbabeltrace2-0
Suggests: lttng-tools, babeltrace2, qemu-system-arm, qemu-system-x86
Section: devel
Priority: optional
Description: post-mortem analysis of how firmware drives QEMU's parallel NOR flash
 flashtrace models QEMU's cfi.pflash01 and cfi.pflash02 devices. It records
 flash traces (scripted scenarios, a real QEMU boot, or LTTng-UST tracepoints),
 replays them through the state machines and reports what the firmware did
 wrong: commands in the wrong state, writes outside erased bytes, divergences
 from what QEMU logged. It reads QEMU's own trace log, JSON lines and CTF.
EOF

mkdir -p dist
out="dist/flashtrace_${version}_${arch}.deb"
rm -f dist/flashtrace_*_"$arch".deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >&2
say "$(du -h "$out" | cut -f1) $out (installed $(du -sh --exclude=DEBIAN "$pkg" | cut -f1))"
echo "$root/$out"
