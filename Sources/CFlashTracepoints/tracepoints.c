// The tracepoint definitions (call sites) of the flashtrace provider. Dynamic linkage: the
// program needs only lttng-ust's headers to build; the probes come from a library loaded at run
// time, and without it (or without liblttng-ust) every tracepoint simply stays disabled.
#define LTTNG_UST_TRACEPOINT_DEFINE
#define LTTNG_UST_TRACEPOINT_PROBE_DYNAMIC_LINKAGE
#include "flashtrace_tp.h"
#include "flashtrace_calls.h"
#include "CFlashTracepoints.h"

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
