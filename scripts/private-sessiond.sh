# Pasted into scripts that run under `unshare -m` (test-package.sh's package checks,
# Fuzz/make-ctf-seeds.sh, the LTTng tests' LTTngTools.prelude): a private LTTng session
# daemon's run directory and shared memory, so it neither sees nor disturbs a daemon of the
# machine, and the daemon stopped on exit.
mkdir -p /run/lttng
mount -t tmpfs none /run/lttng
mount -t tmpfs -o size=1g none /dev/shm
stop_daemon() {
  if [ -f /run/lttng/lttng-sessiond.pid ]; then
    pid=$(cat /run/lttng/lttng-sessiond.pid)
    kill "$pid" 2>/dev/null
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}
trap stop_daemon EXIT
