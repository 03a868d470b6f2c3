/* The reference for the LTTng sink's cost (issue 6: "record to LTTng ≤ 1.1× the same events
 * fired from a C loop"): the events `flashtrace-lttng-dev bench` emits, in the same mix and
 * order, fired straight from C through the same probe library flashtrace loads
 * (libflashtrace-tp.so, dlopen'ed: dynamic linkage, as in flashtrace). Prints ns per event.
 *   make -C tracepoints libflashtrace-tp.so bench-c && tracepoints/bench-c 10000000 [LIB]
 * Run it inside a session recording flashtrace:* (Benchmarks/lttng.sh does both sides). */
#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#include "flashtrace_tp.h"

#include <dlfcn.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* io_write, data_write, io_read, write_start: as in flashtrace-lttng-dev bench. */
static void fire(uint64_t i, const char *dev) {
    switch (i & 3) {
    case 0: lttng_ust_tracepoint(flashtrace, io_write, i, i, dev, 0x40000, 4, 0xE800E8, 0); break;
    case 1: lttng_ust_tracepoint(flashtrace, data_write, i, i, dev, 0x40004, 4, 0x60475760); break;
    case 2: lttng_ust_tracepoint(flashtrace, io_read, i, i, dev, 0x40000, 4, 0x80, 0xE8, 1); break;
    default: lttng_ust_tracepoint(flashtrace, write_start, i, i, dev, 0xE8); break;
    }
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10000000;
    if (n <= 0) { fprintf(stderr, "usage: bench-c [EVENTS] [PROBE-LIBRARY]\n"); return 64; }
    const char *lib = argc > 2 ? argv[2] : "tracepoints/libflashtrace-tp.so";
    if (!dlopen(lib, RTLD_NOW | RTLD_GLOBAL)) { fprintf(stderr, "bench-c: %s\n", dlerror()); return 69; }
    const char *dev = "virt.flash1";
    double best = 1e300;
    /* Best of five, as flashtrace-lttng-dev bench does. */
    for (int run = 0; run < 5; run++) {
        double start = now_ns();
        for (long i = 0; i < n; i++) fire((uint64_t)i, dev);
        double per = (now_ns() - start) / (double)n;
        if (per < best) best = per;
    }
    printf("events %ld  C loop %.2f ns/event\n", n, best);
    return 0;
}
