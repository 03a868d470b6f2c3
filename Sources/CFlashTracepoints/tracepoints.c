// The tracepoint definitions (call sites) of the flashtrace provider. Dynamic linkage: the
// program needs only lttng-ust's headers to build; the probes come from a library loaded at run
// time, and without it (or without liblttng-ust) every tracepoint simply stays disabled.
#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#include "flashtrace_tp.h"
#include "flashtrace_calls.h"
#include "CFlashTracepoints.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

unsigned ft_tp_count(void) { return FT_TP_COUNT; }

int ft_tp_any_enabled(void) {
    for (unsigned i = 0; i < FT_TP_COUNT; i++)
        if (ft_tp_enabled(i)) return 1;
    return 0;
}

int ft_tp_runtime_present(void) {
    return lttng_ust_tracepoint_dlopen_ptr && lttng_ust_tracepoint_dlopen_ptr->liblttngust_handle;
}

void ft_tp_emit(unsigned kind, const char *dev, uint64_t seq, uint64_t ts,
                uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, const char *text) {
    const uint64_t a[5] = { a0, a1, a2, a3, a4 };
    ft_tp_emit_kind(kind, dev, seq, ts, a, text ? text : "");
}

void ft_tp_device_config(const char *dev, const char *config) {
    ft_tp_emit_device_config(dev, config);
}

// Loading the probes: dlopen runs liblttng-ust's constructor, which registers the process with
// the session daemon (its listener threads) and, when lttng-ust's per-user "wait" shared memory
// does not exist yet (the first LTTng application of this user since /dev/shm was mounted;
// always so in the LTTng tests, which mount a fresh /dev/shm), forks a helper process that
// creates it and calls _exit(0).
//
// ThreadSanitizer builds (scripts/sanitize.sh) need two accommodations; neither changes what TSan
// checks in flashtrace's own code, and other builds load and exit exactly as before.
//
// 1. The dlopen runs on a thread of its own, joined at once. TSan's dlopen interceptor ignores
//    the calling thread's memory accesses until dlopen returns, and lttng-ust's helper is a copy
//    of the process taken inside dlopen that never returns from it. In the child of a
//    single-threaded process TSan keeps checking, and its _exit interceptor finds the dlopen
//    ignore still open: "ThreadSanitizer: main thread finished with ignores enabled", exit
//    status 66 instead of 0, after which lttng-ust disables per-user tracing for the process.
//    The child of a multi-threaded process is exempt (TSan stops checking after such a fork), so
//    with the loading thread alive during the fork the helper exits 0 as it does without TSan.
//
// 2. Once the probes are loaded, exit() ends with _exit(status) before any library destructor
//    runs. lttng-ust's destructor pthread_cancel()s its listener threads, which wait in recvmsg
//    for the session daemon. The TSan runtime of the Swift toolchain defaults to
//    ignore_interceptors_accesses=1 and ignore_noninstrumented_modules=1, so TSan's recvmsg
//    interceptor, called from the uninstrumented liblttng-ust, opens an ignore that it closes on
//    return. Cancellation unwinds through the interceptor without that cleanup (TSan cleans up
//    after cancellation only in its pthread_cond_*wait interceptors), and when the thread ends
//    TSan aborts the process: "ThreadSanitizer: thread Tn flashtrace-ust finished with ignores
//    enabled", exit status 66. Turning both flags off is no cure: TSan then also checks the
//    interceptor calls of Swift's uninstrumented libraries and reports races inside Foundation's
//    Process, whose synchronization it cannot see. TSan's _exit interceptor still finalizes
//    (every race report counts and makes the exit status 66); what is skipped is lttng-ust's
//    teardown, as when a traced application is killed, which LTTng handles: the session daemon
//    sees the process go and the events stay in the session's buffers.
#if defined(__has_feature)
#  if __has_feature(thread_sanitizer)
#    define FT_TP_THREAD_SANITIZER 1
#  endif
#endif

struct ft_tp_load_request {
    const char *path;
    char *error;
    size_t size;
    void *handle;
};

static void *ft_tp_load_now(void *argument) {
    struct ft_tp_load_request *r = argument;
    r->handle = dlopen(r->path, RTLD_NOW | RTLD_GLOBAL);
    if (!r->handle && r->size > 0) {
        const char *reason = dlerror();  // per thread: read where dlopen failed
        snprintf(r->error, r->size, "%s", reason ? reason : "unknown error");
    }
    return NULL;
}

#ifdef FT_TP_THREAD_SANITIZER
static void ft_tp_exit_before_destructors(int status, void *unused) {
    (void)unused;
    fflush(NULL);
    _exit(status);
}
#endif

void *ft_tp_load(const char *path, char *error, size_t size) {
    struct ft_tp_load_request r = { path, error, size, NULL };
    if (size > 0) error[0] = 0;
#ifdef FT_TP_THREAD_SANITIZER
    pthread_t loader;
    if (pthread_create(&loader, NULL, ft_tp_load_now, &r) == 0) {
        pthread_join(loader, NULL);
    } else {
        ft_tp_load_now(&r);
    }
    if (r.handle) on_exit(ft_tp_exit_before_destructors, NULL);
#else
    ft_tp_load_now(&r);
#endif
    return r.handle;
}
