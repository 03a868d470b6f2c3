// Call sites of the flashtrace LTTng-UST provider, for Swift. The probes live in a separate
// shared library (tracepoints/libflashtrace-tp.so) that flashtrace dlopens only when asked to
// record with LTTng, so the program runs where the LTTng runtime is absent (notes/lttng.md).
#ifndef CFLASHTRACEPOINTS_H
#define CFLASHTRACEPOINTS_H

#include <stddef.h>
#include <stdint.h>

/// State word of each tracepoint: vocabulary kinds by EventKind raw value, then device_config.
extern int *const ft_tp_state[];

/// Whether a session records this tracepoint. Inline so the disabled path costs a load, not a
/// call (about 1 ns instead of 3-5 per event, notes/lttng.md).
static inline int ft_tp_enabled(unsigned index) {
    return __atomic_load_n(ft_tp_state[index], __ATOMIC_RELAXED);
}

/// Number of tracepoints (vocabulary kinds + device_config).
unsigned ft_tp_count(void);

/// Whether any flashtrace tracepoint is enabled by a recording session.
int ft_tp_any_enabled(void);

/// Whether liblttng-ust-tracepoint.so.1 was found at program start (tracepoints registered).
int ft_tp_runtime_present(void);

/// Fires the tracepoint of `kind` (an EventKind raw value) with the record's fields; `text` is
/// `write`'s string (ignored by the other kinds).
void ft_tp_emit(unsigned kind, const char *dev, uint64_t seq, uint64_t ts,
                uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, const char *text);

/// Fires device_config with a device's header object.
void ft_tp_device_config(const char *dev, const char *config);

/// Loads the probe library: dlopen(path, RTLD_NOW | RTLD_GLOBAL), which runs liblttng-ust's
/// constructor (registration with the session daemon). NULL on failure, with dlerror()'s text
/// in `error` (`size` bytes). In ThreadSanitizer builds the dlopen runs on a short-lived thread
/// that this call joins, and once loaded the process exits before library destructors run
/// (tracepoints.c says why); otherwise the dlopen runs on the calling thread.
void *ft_tp_load(const char *path, char *error, size_t size);

#endif
