// The native CTF reader: decodes lttng-ust stream files with the layouts metadata.c found and
// merges the streams by time, as babeltrace2's source.ctf.fs + filter.utils.muxer do, handing
// out the same items (events, and discarded-events records where a packet's events_discarded
// counter rose). babeltrace2 spends ~370 ns per event here; this spends a few dozen.
// Stream files are mapped; the pages of packets already read are dropped as reading goes on,
// so memory stays flat however long the trace.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ctf_native.h"

enum { PACKET_MAGIC = 0xC1FC1FC1u, MAX_STREAM_FILES = 4096 };
static const size_t drop_every = 8u << 20;  // bytes read between two madvise(DONTNEED)

typedef struct {
    char *path;
    const uint8_t *base;
    size_t size;
    const nat_metadata *md;
    const nat_stream_class *sc;
    size_t pkt, pkt_size;  // the current packet: start and size, in bytes
    size_t pos, end;       // the next event, and the end of the packet's content
    size_t dropped;        // pages below this offset were given back
    uint64_t clock;        // the stream's clock value (the last timestamp read)
    uint64_t discarded;    // events_discarded of the previous packet
    uint64_t last_end;     // timestamp_end of the previous packet
    uint64_t instance;     // stream_instance_id of its packets
    int started;
    int head;              // FT_CTF_EVENT, FT_CTF_DISCARDED or FT_CTF_END
    int64_t key;           // the head's time, ns from the clock's origin
    nat_event ev;
    uint64_t count;
    int64_t begin_ns, end_ns;
} nat_stream;

struct nat_reader {
    nat_metadata *traces;
    size_t ntraces;
    nat_stream *streams;
    size_t nstreams;
    nat_stream *current;  // its head was handed out: advance it on the next call
    uint64_t discarded;   // discarded events handed out so far, in all streams
};

static inline uint64_t rd(const uint8_t *p, uint32_t bytes) {
    switch (bytes) {
    case 1: return p[0];
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static inline uint64_t slot(const uint8_t *packet, nat_slot s) { return s.bytes ? rd(packet + s.off, s.bytes) : 0; }

/// CTF 1.8 §8: an N-bit timestamp holds the low bits of the clock; a smaller value than the
/// clock's low bits means they wrapped.
static inline void update_clock(uint64_t *clock, uint64_t v, unsigned bits) {
    uint64_t mask = (UINT64_C(1) << bits) - 1;
    if (v < (*clock & mask)) *clock += UINT64_C(1) << bits;
    *clock = (*clock & ~mask) | v;
}

/// A clock value as ns from the clock's origin. Wrapping, not signed overflow (undefined): a
/// hostile offset and timestamp may add up past 2^63.
static inline int64_t at_ns(const nat_stream *s, uint64_t clock) {
    return (int64_t)((uint64_t)s->md->clock_offset_ns + clock);
}

static int corrupt(nat_stream *s, const char *what, char *err, size_t errlen) {
    snprintf(err, errlen, "cannot read the CTF trace: %s: %s at byte %zu (packet at byte %zu)", s->path, what, s->pos, s->pkt);
    return -1;
}

/// Enters the packet at `at`; a rise of events_discarded becomes the head (as babeltrace2 reports
/// it: from the previous packet's end, or this packet's beginning, to this packet's end).
/// Returns 1 for that, 0 without, -1 (with `err`) when the counter went down: the tracer only
/// ever increments it, and the difference would wrap to an absurd count near 2^64.
static int enter_packet(nat_stream *s, size_t at, char *err, size_t errlen) {
    const uint8_t *p = s->base + at;
    const nat_stream_class *sc = s->sc;
    s->pkt = at;
    s->pkt_size = slot(p, sc->packet_size) / 8;
    s->end = at + slot(p, sc->content_size) / 8;
    s->pos = at + sc->events_start;
    uint64_t begin = slot(p, sc->ts_begin), end = slot(p, sc->ts_end), discarded = slot(p, sc->discarded);
    s->clock = begin;
    int first = !s->started;
    s->started = 1;
    if (discarded < s->discarded) return corrupt(s, "events_discarded counter lower than the previous packet's", err, errlen);
    int rose = discarded != s->discarded;
    if (rose) {
        s->head = FT_CTF_DISCARDED;
        s->count = discarded - s->discarded;
        s->begin_ns = at_ns(s, first ? begin : s->last_end);
        s->end_ns = at_ns(s, end);
        s->key = s->begin_ns;
    }
    s->discarded = discarded;
    s->last_end = end;
    if (at - s->dropped >= drop_every) {
        size_t page = (size_t)sysconf(_SC_PAGESIZE), upto = at / page * page;
        madvise((void *)(s->base + s->dropped), upto - s->dropped, MADV_DONTNEED);
        s->dropped = upto;
    }
    return rose;
}

/// Reads the stream's next message into its head.
static int advance(nat_stream *s, char *err, size_t errlen) {
    for (;;) {
        if (s->pos >= s->end) {
            size_t next = s->started ? s->pkt + s->pkt_size : 0;
            if (next >= s->size) { s->head = FT_CTF_END; return 0; }
            int rose = enter_packet(s, next, err, errlen);
            if (rose < 0) return -1;
            if (rose) return 0;
            continue;
        }
        const nat_stream_class *sc = s->sc;
        const uint8_t *b = s->base;
        size_t pos = s->pos, end = s->end;
        uint64_t id;
        if (sc->large_header) {
            if (pos + 6 > end) return corrupt(s, "event header beyond the packet's content", err, errlen);
            id = rd(b + pos, 2);
            if (id == 65535) {
                if (pos + 14 > end) return corrupt(s, "event header beyond the packet's content", err, errlen);
                id = rd(b + pos + 2, 4);
                s->clock = rd(b + pos + 6, 8);
                pos += 14;
            } else {
                update_clock(&s->clock, rd(b + pos + 2, 4), 32);
                pos += 6;
            }
        } else {
            if (pos + 4 > end) return corrupt(s, "event header beyond the packet's content", err, errlen);
            uint32_t w = (uint32_t)rd(b + pos, 4);
            id = w & 31;
            if (id == 31) {
                if (pos + 13 > end) return corrupt(s, "event header beyond the packet's content", err, errlen);
                id = rd(b + pos + 1, 4);
                s->clock = rd(b + pos + 5, 8);
                pos += 13;
            } else {
                update_clock(&s->clock, w >> 5, 27);
                pos += 4;
            }
        }
        const nat_class *c = id < sc->nids ? sc->by_id[id] : NULL;
        if (!c) { s->pos = pos; return corrupt(s, "event of an id the metadata does not declare", err, errlen); }
        s->ev.cls = c;
        size_t base = s->pkt;
        pos = base + (pos - base + c->align - 1) / c->align * c->align;
        for (uint32_t i = 0; i < c->nfields; i++) {
            const nat_field *f = &c->fields[i];
            if (f->kind == NAT_STRING) {
                const uint8_t *nul = pos < end ? memchr(b + pos, 0, end - pos) : NULL;
                if (!nul) { s->pos = pos; return corrupt(s, "string field beyond the packet's content", err, errlen); }
                s->ev.text[i] = (const char *)(b + pos);
                s->ev.value[i] = 0;
                pos = (size_t)(nul - b) + 1;
                continue;
            }
            if (f->align > 1) pos = base + (pos - base + f->align - 1) / f->align * f->align;
            if (pos + f->bytes > end) { s->pos = pos; return corrupt(s, "integer field beyond the packet's content", err, errlen); }
            uint64_t v = rd(b + pos, f->bytes);
            if (f->kind == NAT_SINT && f->bytes < 8) {
                unsigned shift = 64 - 8 * f->bytes;
                v = (uint64_t)((int64_t)(v << shift) >> shift);
            }
            s->ev.value[i] = v;
            s->ev.text[i] = NULL;
            pos += f->bytes;
        }
        s->pos = pos;
        s->head = FT_CTF_EVENT;
        s->key = at_ns(s, s->clock);
        return 0;
    }
}

/// Checks every packet's header and sizes before reading, so a trace that is not whole goes to
/// libbabeltrace2 (and its diagnostics) instead of failing halfway here. The headers are read
/// with pread, not through the mapping: a touch there can map a whole 2 MiB folio of the file.
static int check_packets(nat_stream *s, int fd, char *why, size_t whylen) {
    const nat_metadata *m = s->md;
    uint64_t stream_id = UINT64_MAX;
    uint8_t p[1024];
    for (size_t at = 0; at < s->size;) {
        size_t want = s->size - at < sizeof p ? s->size - at : sizeof p;
        if (pread(fd, p, want, (off_t)at) != (ssize_t)want) { snprintf(why, whylen, "%s: cannot read", s->path); return -1; }
        if (at + m->header_size > s->size || m->header_size > sizeof p || rd(p + m->magic.off, 4) != PACKET_MAGIC) {
            snprintf(why, whylen, "%s: no packet header at byte %zu", s->path, at);
            return -1;
        }
        if (m->has_uuid && m->uuid_slot.bytes == 16 && memcmp(p + m->uuid_slot.off, m->uuid, 16)) {
            snprintf(why, whylen, "%s: packet of another trace (uuid) at byte %zu", s->path, at);
            return -1;
        }
        uint64_t id = slot(p, m->stream_id);
        if (stream_id != UINT64_MAX && id != stream_id) { snprintf(why, whylen, "%s: several stream ids", s->path); return -1; }
        stream_id = id;
        if (!s->sc) {
            for (size_t i = 0; i < m->nstreams; i++)
                if (m->streams[i].id == id) s->sc = &m->streams[i];
            if (!s->sc) { snprintf(why, whylen, "%s: undeclared stream %llu", s->path, (unsigned long long)id); return -1; }
            if (m->instance.bytes) s->instance = slot(p, m->instance);
        }
        const nat_stream_class *sc = s->sc;
        if (at + sc->events_start > s->size || sc->events_start > sizeof p) {
            snprintf(why, whylen, "%s: short packet at byte %zu", s->path, at);
            return -1;
        }
        uint64_t content = slot(p, sc->content_size), packet = slot(p, sc->packet_size);
        if (content % 8 || packet % 8 || content > packet || content / 8 < sc->events_start || packet / 8 > s->size - at) {
            snprintf(why, whylen, "%s: packet sizes out of bounds at byte %zu", s->path, at);
            return -1;
        }
        at += packet / 8;
    }
    return 0;
}

static int open_streams(struct nat_reader *r, const char *dir, const nat_metadata *m, char *why, size_t whylen) {
    DIR *d = opendir(dir);
    if (!d) { snprintf(why, whylen, "%s: cannot list", dir); return -1; }
    struct dirent *de;
    int rc = 0;
    size_t first = r->nstreams;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.' || !strcmp(de->d_name, "metadata")) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) || !S_ISREG(st.st_mode)) continue;
        if (r->nstreams == MAX_STREAM_FILES) { snprintf(why, whylen, "too many stream files"); rc = -1; break; }
        nat_stream *s = &r->streams[r->nstreams];
        memset(s, 0, sizeof *s);
        s->path = strdup(path);
        s->md = m;
        s->size = (size_t)st.st_size;
        r->nstreams++;
        if (!s->path) { rc = -1; break; }
        if (s->size == 0) { s->head = FT_CTF_END; s->started = 1; continue; }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) { snprintf(why, whylen, "%s: cannot open", path); rc = -1; break; }
        rc = check_packets(s, fd, why, whylen);
        void *map = rc ? MAP_FAILED : mmap(NULL, s->size, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (rc) break;
        if (map == MAP_FAILED) { snprintf(why, whylen, "%s: cannot map", path); rc = -1; break; }
        s->base = map;
    }
    closedir(d);
    // Two files of one stream instance (a rotated or size-limited session): babeltrace2 joins
    // them into one stream, with one discarded-events counter; leave that to it.
    for (size_t i = first; rc == 0 && i < r->nstreams; i++)
        for (size_t j = first; rc == 0 && j < i; j++) {
            nat_stream *a = &r->streams[i], *b = &r->streams[j];
            if (a->base && b->base && a->sc == b->sc && m->instance.bytes && a->instance == b->instance)
            {
                snprintf(why, whylen, "%s and %s: one stream in two files", a->path, b->path);
                rc = -1;
            }
        }
    return rc;
}

struct nat_reader *nat_open(const char *const *dirs, size_t count, char *why, size_t whylen) {
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    snprintf(why, whylen, "big-endian host");
    return NULL;
#endif
    struct nat_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->traces = calloc(count ? count : 1, sizeof *r->traces))
        || !(r->streams = calloc(MAX_STREAM_FILES, sizeof *r->streams))) {
        snprintf(why, whylen, "out of memory");
        nat_close(r);
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        if (nat_metadata_read(dirs[i], &r->traces[i], why, whylen)) { nat_close(r); return NULL; }
        r->ntraces++;
        if (open_streams(r, dirs[i], &r->traces[i], why, whylen)) { nat_close(r); return NULL; }
    }
    return r;
}

int nat_read_event(const nat_event *e, const ft_ctf_layout *l, ft_ctf_values *out) {
    out->seq = e->value[l->seq];
    out->ts = e->value[l->ts];
    out->dev = e->text[l->dev];
    // Unused arguments must read 0: events compare all five (the item is reused, not cleared).
    for (uint32_t k = l->nargs; k < FT_CTF_MAX_ARGS; k++) out->arg[k] = 0;
    for (uint32_t k = 0; k < l->nargs; k++) {
        uint64_t v = e->value[l->arg[k]];
        out->arg[k] = 0;
        if (l->string_mask & (1u << k)) continue;
        if (ft_arg_out_of_range(l, k, v)) {
            out->bad = (int64_t)v;
            return (int)k;
        }
        out->arg[k] = v;
    }
    return -1;
}

int nat_next(struct nat_reader *r, ft_ctf_item *item, char *err, size_t errlen) {
    // The item is not cleared (that was a tenth of the time): each kind sets what it hands out.
    if (r->current) {
        nat_stream *s = r->current;
        r->current = NULL;
        if (advance(s, err, errlen)) return FT_CTF_ERROR;
    }
    nat_stream *best = NULL;
    for (size_t i = 0; i < r->nstreams; i++) {
        nat_stream *s = &r->streams[i];
        if (!s->started && advance(s, err, errlen)) return FT_CTF_ERROR;
        if (s->head != FT_CTF_END && (!best || s->key < best->key)) best = s;
    }
    if (!best) return FT_CTF_END;
    r->current = best;
    if (best->head == FT_CTF_DISCARDED) {
        // The readers add the counts up in 64 bits: a hostile trace whose counters (each
        // stream's own, so one stream cannot) add up past 2^64 is corrupt, not a trap.
        if (best->count > UINT64_MAX - r->discarded) {
            snprintf(err, errlen, "cannot read the CTF trace: %s: more than 2^64 discarded events in all (packet at byte %zu)", best->path, best->pkt);
            return FT_CTF_ERROR;
        }
        r->discarded += best->count;
        item->count = best->count;
        item->has_count = 1;
        item->has_range = 1;
        item->begin_ns = best->begin_ns;
        item->end_ns = best->end_ns;
        return FT_CTF_DISCARDED;
    }
    nat_class *c = (nat_class *)best->ev.cls;
    item->event_class = c;
    item->name = c->name;
    item->payload = &best->ev;
    item->kind = c->kind;
    item->bad_arg = -1;
    item->has_text = c->kind >= 0 && c->layout.string_mask != 0;
    if (c->kind >= 0) item->bad_arg = nat_read_event(&best->ev, &c->layout, &item->values);
    return FT_CTF_EVENT;
}

void nat_close(struct nat_reader *r) {
    if (!r) return;
    for (size_t i = 0; r->streams && i < r->nstreams; i++) {
        if (r->streams[i].base) munmap((void *)r->streams[i].base, r->streams[i].size);
        free(r->streams[i].path);
    }
    for (size_t i = 0; r->traces && i < r->ntraces; i++) nat_metadata_free(&r->traces[i]);
    free(r->streams);
    free(r->traces);
    free(r);
}
