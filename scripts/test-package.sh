#!/usr/bin/env bash
# The Debian package as a firmware engineer gets it (issue 16): build it (scripts/package-deb.sh),
# install it with `apt-get install ./flashtrace_*.deb`, and use it from a folder outside the clone
# with no Swift toolchain and no build folder within reach: record and replay, the man pages, the
# bash completion of `flashtrace re<Tab>` (a real Tab in an interactive bash), `record --sink
# lttng` against a real session daemon (its CTF trace replayed), `ldd` without a Swift runtime
# library, and `record --sink lttng` without liblttng-ust saying what is missing. Then the
# package is purged and none of its files may remain.
#
# The use runs in a private mount namespace (`unshare -m`) where tmpfs hides the clone (its
# .build included) and the Swift toolchain, with fresh tmpfs on /run/lttng and /dev/shm so the
# session daemon it starts is its own; the environment is emptied (`env -i`) down to a plain
# PATH. Needs root (apt-get, mount namespaces), as CI has; installs what it uses when missing.
# Run by .ci/run after scripts/test.sh (whose debug build the man page generator reuses).
# Closing line: "N passed, N failed"; exit status 1 when any check failed or a step broke.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "$(id -u)" != 0 ]; then
    echo "test-package: needs root (apt-get install, unshare -m): run it with sudo" >&2
    exit 1
fi

source scripts/apt-missing.sh  # cwd: the repository root
install_missing test-package bash-completion man-db lttng-tools babeltrace2 expect util-linux

start=$(date +%s)
deb="$(scripts/package-deb.sh | tail -1)"
echo "test-package: built $deb ($(du -h "$deb" | cut -f1)) in $(( $(date +%s) - start )) s"

swift_bin="$(command -v swift || true)"
if [ -z "$swift_bin" ]; then
    for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do [ -x "$d/swift" ] && swift_bin="$d/swift"; done
fi
toolchain="$(dirname "$(dirname "$(readlink -f "$swift_bin")")")"   # .../usr of the toolchain

# From here on every step is a check: a failure is counted, not the end of the script.
set +e
work="$(mktemp -d /tmp/flashtrace-package-test.XXXXXX)"
chmod 755 "$work"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
cp "$deb" "$work/"
chmod 644 "$work"/*.deb
results="$work/results.txt"
: > "$results"
check() {  # check NAME STATUS [DETAIL]: one result line
    if [ "$2" = 0 ]; then echo "ok   $1" | tee -a "$results"
    else echo "FAIL $1${3:+: $3}" | tee -a "$results"; fi
}

# The control fields: only what the binary needs to start in Depends.
control_depends="$(dpkg-deb -f "$deb" Depends)"
control_recommends="$(dpkg-deb -f "$deb" Recommends)"
echo "test-package: Depends: $control_depends; Recommends: $control_recommends"
echo "$control_depends" | grep -q -i -E "lttng|babeltrace|swift"; check "Depends has no lttng, babeltrace or swift" $(( $? == 0 )) "$control_depends"
[ "$control_recommends" = "liblttng-ust1, libbabeltrace2-0" ]; check "Recommends liblttng-ust1, libbabeltrace2-0" $? "$control_recommends"

# Install as a user would, from the folder that holds the .deb.
if dpkg-query -W -f='${Status}' flashtrace 2>/dev/null | grep -q "install ok installed"; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq flashtrace >/dev/null
fi
(cd "$work" && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./flashtrace_*.deb) > "$work/install.log" 2>&1
status=$?
check "apt-get install ./$(basename "$deb")" $status "$(tail -5 "$work/install.log")"
[ $status = 0 ] || { cat "$work/install.log"; exit 1; }
dpkg -L flashtrace | sort > "$work/files.txt"

# The use, in a private mount namespace without the clone or the toolchain.
mkdir -p "$work/home" "$work/run"
cat > "$work/use.sh" <<EOF
set -u
mount -t tmpfs none '$root'
mount -t tmpfs none '$toolchain'
EOF
cat scripts/private-sessiond.sh >> "$work/use.sh"
cat >> "$work/use.sh" <<EOF
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME='$work/home' \
  LANG=C.UTF-8 TERM=dumb LTTNG_HOME='$work/home' bash '$work/checks.sh'
EOF
cat > "$work/checks.sh" <<EOF
set -u
root='$root'; work='$work'; toolchain='$toolchain'
EOF
cat >> "$work/checks.sh" <<'EOF'
check() {
    if [ "$2" = 0 ]; then echo "ok   $1"; else echo "FAIL $1${3:+: $3}"; fi
}
cd "$work/run"

# Nothing of the toolchain or the build is within reach.
! command -v swift >/dev/null && ! command -v swiftc >/dev/null; check "no Swift toolchain on PATH" $? "$(command -v swift)"
[ ! -e "$root/.build" ] && [ -z "$(ls -A "$toolchain")" ]; check "the clone's .build and the toolchain are out of reach" $?
[ "$(command -v flashtrace)" = /usr/bin/flashtrace ]; check "flashtrace is /usr/bin/flashtrace" $? "$(command -v flashtrace)"
out="$(flashtrace --version 2>&1)"; pv="$(dpkg-query -W -f='${Version}' flashtrace)"
[ "$out" = "${pv%%+*}" ]; check "flashtrace --version is the package's release" $? "$out against $pv"
out="$(ldd /usr/bin/flashtrace 2>&1)"
! echo "$out" | grep -E -i "swift|Foundation|libdispatch|BlocksRuntime|not found"; check "ldd /usr/bin/flashtrace: no Swift runtime library" $? "$out"
out="$(ldd /usr/lib/flashtrace/libflashtrace-tp.so 2>&1)"
! echo "$out" | grep -E -i "swift|not found"; check "ldd libflashtrace-tp.so: no Swift runtime library" $? "$out"

# The main job: record the default scenario, replay it.
out="$(flashtrace record 2>&1)"; st=$?
[ $st = 0 ] && [ -s flashtrace.jsonl ]; check "flashtrace record" $? "rc=$st $out"
flashtrace replay flashtrace.jsonl > replay.txt 2>&1; st=$?
[ $st = 0 ] && grep -q "^flashtrace replay: flashtrace.jsonl: [0-9]* events" replay.txt && grep -q "0 errors" replay.txt
check "flashtrace replay flashtrace.jsonl" $? "rc=$st $(head -3 replay.txt)"

# The man pages.
out="$(man -w flashtrace 2>&1)"
[ "$out" = /usr/share/man/man1/flashtrace.1.gz ]; check "man -w flashtrace" $? "$out"
n=$(MANWIDTH=100 man flashtrace 2>/dev/null | grep -cE '^ +(record|replay|vars|convert|diff) +[a-z]')
[ "$n" = 5 ]; check "man flashtrace: one line per subcommand" $? "$n of 5 lines"
out="$(man -w flashtrace.record 2>&1)"
[ "$out" = /usr/share/man/man1/flashtrace.record.1.gz ]; check "man -w flashtrace.record" $? "$out"
MANWIDTH=80 man -P cat flashtrace.record > man.txt 2>&1
grep -q -- "--sink" man.txt && ! grep -q "mdoc warning" man.txt; check "man flashtrace.record shows the options, without warnings" $? "$(head -5 man.txt)"

# Tab completion in an interactive bash with bash-completion on (as ~/.bashrc of /etc/skel
# turns it on), in an empty folder so no file name can stand in for a subcommand: `flashtrace
# re` then Tab Tab lists record and replay; `flashtrace rec` then Tab completes to record; and
# bash-completion loaded the package's script for it.
mkdir -p "$HOME/empty"
printf '%s\n' '. /usr/share/bash-completion/bash_completion' 'PS1="ready> "' 'cd "$HOME/empty"' > "$HOME/rc"
cat > complete.exp <<'EXP'
set timeout 30
log_user 0
spawn bash --rcfile $env(HOME)/rc -i
expect "ready> "
send "flashtrace re\t\t"
expect {
    -re {record\s+replay} { puts "listed: record replay" }
    timeout { puts "no listing"; exit 1 }
}
send "\x15"
expect "ready> "
send "flashtrace rec\t"
expect {
    "flashtrace record " { puts "completed: flashtrace record" }
    timeout { puts "no completion"; exit 1 }
}
send "\x15"
send "complete -p flashtrace\r"
expect {
    -ex "-F _flashtrace flashtrace" { puts "loaded: complete -F _flashtrace flashtrace" }
    timeout { puts "no completion function"; exit 1 }
}
send "exit\r"
expect eof
EXP
out="$(expect complete.exp 2>&1)"; st=$?
[ $st = 0 ]; check "bash completion of flashtrace re<Tab>" $? "$out"
echo "$out" | sed 's/^/     /'
for f in /usr/share/zsh/vendor-completions/_flashtrace /usr/share/fish/vendor_completions.d/flashtrace.fish; do
    grep -q "record" "$f"; check "completion script $f" $?
done

# record --sink lttng against a real session daemon; the CTF trace replays to the same events.
lttng-sessiond --daemonize --no-kernel > sessiond.log 2>&1; check "lttng-sessiond starts" $? "$(cat sessiond.log)"
{ lttng create pkgtest --output="$work/run/ctf" && lttng enable-event -u 'flashtrace:*' && lttng start; } > lttng.log 2>&1
check "lttng session created" $? "$(cat lttng.log)"
out="$(flashtrace record --sink lttng 2>&1)"; st=$?
{ lttng stop && lttng destroy; } >> lttng.log 2>&1
[ $st = 0 ] && echo "$out" | grep -q "to LTTng"; check "flashtrace record --sink lttng" $? "rc=$st $out"
n="$(babeltrace2 "$work/run/ctf" 2>/dev/null | grep -c "flashtrace:")"
[ "$n" -gt 0 ]; check "babeltrace2 reads $n flashtrace events" $?
flashtrace replay "$work/run/ctf" > ctf.txt 2>&1; st=$?
json_events="$(sed -n 's/^flashtrace replay: [^:]*: \([0-9]*\) events.*/\1/p' replay.txt)"
ctf_events="$(sed -n 's/^flashtrace replay: [^:]*: \([0-9]*\) events.*/\1/p' ctf.txt)"
[ $st = 0 ] && [ -n "$ctf_events" ] && [ "$ctf_events" = "$json_events" ]
check "flashtrace replay of the CTF trace: $ctf_events events, as the JSON trace's $json_events" $? "rc=$st $(head -3 ctf.txt)"

# Without liblttng-ust (the Recommends not installed): hidden by /dev/null bound over it.
for lib in liblttng-ust.so.1 liblttng-ust-tracepoint.so.1; do
    for p in $(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF }'); do mount --bind /dev/null "$(readlink -f "$p")"; done
done
out="$(flashtrace record --sink lttng 2>&1)"; st=$?
[ $st = 69 ] && echo "$out" | grep -q "install liblttng-ust1"; check "record --sink lttng without liblttng-ust says what is missing" $? "rc=$st $out"
EOF
unshare -m --propagation private bash "$work/use.sh" 2>&1 | tee -a "$results"

# Removal: nothing of the package remains.
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq flashtrace > "$work/purge.log" 2>&1
check "apt-get purge flashtrace" $? "$(tail -5 "$work/purge.log")"
! dpkg-query -W -f='${Status}' flashtrace 2>/dev/null | grep -q "installed"; check "dpkg no longer lists flashtrace" $?
left=()
while read -r f; do
    [ -d "$f" ] && [ -n "$(ls -A "$f")" ] && continue   # shared folders (/usr/share/man/man1, ...)
    [ -e "$f" ] && left+=("$f")
done < "$work/files.txt"
[ "${#left[@]}" = 0 ]; check "no file of the package is left" $? "${left[*]:-}"

passed=$(grep -c "^ok " "$results" || true)
failed=$(grep -c "^FAIL " "$results" || true)
echo "test-package: $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
# Every check above, counted by hand (raise it with each new check): a step that stopped
# early and skipped the rest must not pass.
expected=27
[ "$failed" = 0 ] && [ "$passed" = "$expected" ] || { echo "test-package: expected $expected checks to pass" >&2; exit 1; }
