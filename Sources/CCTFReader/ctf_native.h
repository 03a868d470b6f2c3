// The native CTF 1.8 reader's parts (private to the shim). LTTng-UST writes one fixed shape of
// trace: little-endian, byte-aligned integers and strings, the packet header and context every
// lttng-ust 2.x channel has, and one of two event headers. metadata.c reads that shape from the
// TSDL text; ctf_native.c decodes the streams with it. Anything else (other field types, event
// contexts, big-endian, several clocks...) is "unsupported", and ft_ctf_open hands the trace to
// libbabeltrace2 instead, which then also produces the error messages for broken traces.
#ifndef FT_CTF_NATIVE_H
#define FT_CTF_NATIVE_H

#include <stddef.h>
#include <stdint.h>
#include "CCTFReader.h"

enum { NAT_MAX_FIELDS = 16 };
enum { NAT_UINT = 1, NAT_SINT = 2, NAT_STRING = 3 };

/// One payload member: an integer of 1, 2, 4 or 8 bytes, or a NUL-terminated string.
typedef struct {
    char *name;            // as babeltrace2 shows it: without the TSDL's leading underscore
    uint8_t kind;          // NAT_UINT, NAT_SINT, NAT_STRING
    uint8_t bytes;         // integer width
    uint8_t align;         // alignment in bytes, relative to the packet start
} nat_field;

typedef struct nat_class {
    char *name;
    uint64_t id;
    uint32_t nfields;
    uint32_t align;        // the payload structure's alignment in bytes
    nat_field fields[NAT_MAX_FIELDS];
    // What ft_ctf_register said about the class.
    int kind;
    ft_ctf_layout layout;
} nat_class;

/// Where an integer lives in the packet header or context: byte offset and width (0 = absent).
typedef struct { uint32_t off, bytes; } nat_slot;

typedef struct {
    uint64_t id;
    int large_header;       // event_header_large (16-bit id) or event_header_compact (5-bit id)
    nat_slot ts_begin, ts_end, content_size, packet_size, discarded;
    uint32_t events_start;  // byte offset of the first event header in a packet
    nat_class **by_id;      // event classes by id (NULL holes)
    size_t nids;
} nat_stream_class;

typedef struct nat_metadata {
    int has_uuid;
    uint8_t uuid[16];
    nat_slot magic, uuid_slot, stream_id, instance;
    uint32_t header_size;
    int64_t clock_offset_ns;  // ns from the origin of clock value 0 (the clock runs at 1 GHz)
    nat_stream_class *streams;
    size_t nstreams;
    nat_class *classes;       // all event classes, in declaration order
    size_t nclasses;
    void *arena;              // every allocation above, freed at once
} nat_metadata;

/// Reads `dir`/metadata. Returns 0 and fills `m`, or -1 when the trace is not of the shape the
/// native reader handles (or unreadable), with a short reason in `why`.
int nat_metadata_read(const char *dir, nat_metadata *m, char *why, size_t whylen);
void nat_metadata_free(nat_metadata *m);

/// The native reader of the traces in `dirs`, or NULL (reason in `why`) when one of them is not
/// of the supported shape or its streams do not look whole (then libbabeltrace2 reads it).
struct nat_reader;
struct nat_reader *nat_open(const char *const *dirs, size_t count, char *why, size_t whylen);
int nat_next(struct nat_reader *r, ft_ctf_item *item, char *err, size_t errlen);
void nat_close(struct nat_reader *r);

/// The current event of a native reader, as ft_ctf_item.payload points to it.
typedef struct {
    const nat_class *cls;
    uint64_t value[NAT_MAX_FIELDS];
    const char *text[NAT_MAX_FIELDS];
} nat_event;

/// Whether argument `k` of layout `l`, read as `raw` (a signed field sign-extended), is outside
/// its declared type: both decoders judge values the same way.
static inline int ft_arg_out_of_range(const ft_ctf_layout *l, uint32_t k, uint64_t raw) {
    if (l->signed_mask & (1u << k)) return (int64_t)raw < 0 || raw > l->max[k];
    return raw > l->max[k];
}

/// Reads seq, ts, dev and the integer arguments of a native event laid out as `l` (as
/// ft_ctf_read_event).
int nat_read_event(const nat_event *e, const ft_ctf_layout *l, ft_ctf_values *out);

#endif
