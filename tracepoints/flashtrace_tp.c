/* The probes of the flashtrace LTTng-UST provider, built apart from the program (`swift build`:
 * Package.swift's flashtrace-tp product, libflashtrace-tp.so; or `make -C tracepoints`) so
 * flashtrace itself never links liblttng-ust: it dlopens this library only for
 * `record --sink lttng|both`. */
#if defined(__has_include) && !__has_include(<lttng/tracepoint.h>)
#  error "lttng-ust's headers are missing: apt-get install liblttng-ust-dev (scripts/setup.sh installs it)"
#else
#  define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#  include "flashtrace_tp.h"
#endif
