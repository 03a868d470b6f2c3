// A small reader of CTF traces for Swift: natively for traces of lttng-ust's shape, otherwise
// over libbabeltrace2 (source.ctf.fs -> filter.utils.muxer -> a simple sink). libbabeltrace2 is
// loaded at run time, so flashtrace starts and runs its other commands where it is not
// installed; only reading a CTF trace the native reader declines needs it.
#ifndef CBABELTRACESHIM_H
#define CBABELTRACESHIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct ft_ctf ft_ctf;

enum { FT_CTF_ERROR = -1, FT_CTF_END = 0, FT_CTF_EVENT = 1, FT_CTF_DISCARDED = 2 };
enum { FT_CTF_OTHER = 0, FT_CTF_UNSIGNED = 1, FT_CTF_SIGNED = 2, FT_CTF_STRING = 3 };

/// Where an event class keeps its fields (member indices), worked out once per class, so an
/// event is read with one call instead of one per field.
enum { FT_CTF_MAX_ARGS = 5 };
typedef struct {
    uint64_t seq, ts, dev;
    uint64_t arg[FT_CTF_MAX_ARGS];
    uint64_t max[FT_CTF_MAX_ARGS];  // largest value the argument's declared type holds
    uint32_t nargs;
    uint32_t signed_mask;           // bit k: argument k is a signed integer field
    uint32_t string_mask;           // bit k: argument k is a string (read separately)
} ft_ctf_layout;

typedef struct {
    uint64_t seq, ts;
    const char *dev;
    uint64_t arg[FT_CTF_MAX_ARGS];  // integer arguments; 0 for strings
    int64_t bad;                    // the out-of-range value when ft_ctf_read_event returns >= 0
} ft_ctf_values;

/// One message of the trace. Pointers stay valid until the next ft_ctf_next or ft_ctf_close.
typedef struct {
    const void *event_class;  // identity of the event's class, stable while the trace is open
    const char *name;         // event class name, e.g. "flashtrace:io_write"
    const void *payload;      // the payload structure field, NULL when the event has none
    uint64_t count;           // discarded: how many events, when has_count
    int has_count;
    int has_range;            // discarded: begin_ns/end_ns (ns from the clock's origin) are known
    int64_t begin_ns;
    int64_t end_ns;
    int kind;                 // event: the kind registered for its class (ft_ctf_register), or FT_CTF_UNREGISTERED
    int bad_arg;              // event of a registered kind >= 0: as ft_ctf_read_event returns
    int has_text;             // event of a registered kind >= 0: it has string arguments (not read)
    ft_ctf_values values;     // event of a registered kind >= 0: its fields (read in ft_ctf_next)
} ft_ctf_item;

enum { FT_CTF_UNREGISTERED = -1000 };

/// Tells the reader how to read events of class `event_class`: `kind` >= 0 makes ft_ctf_next
/// read their fields with `layout` (may be NULL for kind < 0, which is only handed back).
/// 0 on success, -1 when out of memory.
int ft_ctf_register(ft_ctf *reader, const void *event_class, int kind, const ft_ctf_layout *layout);

/// Loads libbabeltrace2.so.0 (once). 0 on success; else the reason in err.
int ft_ctf_load_library(char *err, size_t errlen);

enum { FT_CTF_READER_AUTO = 0, FT_CTF_READER_NATIVE = 1, FT_CTF_READER_BABELTRACE2 = 2 };

/// Opens the CTF traces in `dirs` (directories holding a `metadata` file) as one time-ordered
/// message stream, with `reader` (FT_CTF_READER_AUTO: native when it can, else libbabeltrace2).
/// NULL on failure, with the reason in err; *missing_library is then 1 when libbabeltrace2 was
/// needed but could not be loaded.
ft_ctf *ft_ctf_open(const char *const *dirs, size_t count, int reader, char *err, size_t errlen, int *missing_library);

/// 1 when the native reader reads the trace, 0 when libbabeltrace2 does.
int ft_ctf_is_native(const ft_ctf *reader);

/// Next event or discarded-events record: FT_CTF_EVENT, FT_CTF_DISCARDED, FT_CTF_END, or
/// FT_CTF_ERROR with the reason in err.
int ft_ctf_next(ft_ctf *reader, ft_ctf_item *item, char *err, size_t errlen);

void ft_ctf_close(ft_ctf *reader);

// Payload members by index (the order the event class declares them), of a payload `reader`
// handed out.
uint64_t ft_ctf_member_count(const ft_ctf *reader, const void *payload);
const char *ft_ctf_member_name(const ft_ctf *reader, const void *payload, uint64_t index);
int ft_ctf_member_kind(const ft_ctf *reader, const void *payload, uint64_t index);
uint64_t ft_ctf_member_unsigned(const ft_ctf *reader, const void *payload, uint64_t index);
int64_t ft_ctf_member_signed(const ft_ctf *reader, const void *payload, uint64_t index);
const char *ft_ctf_member_string(const ft_ctf *reader, const void *payload, uint64_t index);

/// Reads seq, ts, dev and the integer arguments of an event laid out as `l`. Returns -1, or the
/// index of the first argument whose value does not fit (negative, or above its max).
int ft_ctf_read_event(const ft_ctf *reader, const void *payload, const ft_ctf_layout *l, ft_ctf_values *out);

#endif
