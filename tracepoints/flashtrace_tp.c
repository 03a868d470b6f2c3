/* The probes of the flashtrace LTTng-UST provider, built apart from the program
 * (`make -C tracepoints` -> libflashtrace-tp.so) so flashtrace itself never links liblttng-ust:
 * it dlopens this library only for `record --sink lttng|both`. */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#include "flashtrace_tp.h"
