// CTF reading. Traces of lttng-ust's own shape are decoded natively (ctf_native.c, ~10x faster
// than libbabeltrace2); anything else goes through libbabeltrace2: source.ctf.fs (one input per
// metadata directory) feeds filter.utils.muxer, which orders every stream's messages by time,
// into a simple sink whose consume function only hands each batch of messages to ft_ctf_next.
// The graph is run one step at a time, so the caller pulls events at its own pace and memory
// stays flat. Both give the same items; tests compare them on real LTTng traces.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bt_symbols.h"
#include "CCTFReader.h"
#include "ctf_native.h"

/// A registered event class: how ft_ctf_next reads its events.
struct class_entry {
    const void *cls;
    int kind;
    ft_ctf_layout layout;
};

enum { SLOTS = 256 };

struct ft_ctf {
    struct nat_reader *native;  // set: the native reader does everything
    bt_graph *graph;
    struct class_entry *classes;
    size_t nclasses, capclasses;
    int slots[SLOTS];          // direct-mapped cache: index + 1 into classes, 0 = empty
    const bt_message **batch;  // the last batch, owned references from index on
    uint64_t capacity, count, index;
    const bt_message *held;    // the message the last item points into
    int ended;
};

/// Copies the current thread's libbabeltrace2 error causes (outermost first) into err.
static void take_error(const char *what, char *err, size_t errlen) {
    size_t used = (size_t)snprintf(err, errlen, "%s", what);
    const bt_error *e = BT(bt_current_thread_take_error)();
    if (!e) return;
    uint64_t n = BT(bt_error_get_cause_count)(e);
    for (uint64_t i = 0; i < n && used + 3 < errlen; i++) {
        const char *m = BT(bt_error_cause_get_message)(BT(bt_error_borrow_cause_by_index)(e, i));
        used += (size_t)snprintf(err + used, errlen - used, ": %s", m);
    }
    BT(bt_error_release)(e);
}

static bt_graph_simple_sink_component_consume_func_status consume(bt_message_iterator *it, void *data) {
    struct ft_ctf *r = data;
    bt_message_array_const messages;
    uint64_t n = 0;
    switch (BT(bt_message_iterator_next)(it, &messages, &n)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
        break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
    default:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
    }
    if (n > r->capacity) {
        const bt_message **b = realloc(r->batch, n * sizeof *b);
        if (!b) {
            for (uint64_t i = 0; i < n; i++) BT(bt_message_put_ref)(messages[i]);
            return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
        }
        r->batch = b;
        r->capacity = n;
    }
    memcpy(r->batch, messages, n * sizeof *messages);
    r->count = n;
    r->index = 0;
    return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

static const bt_plugin *find_plugin(const char *name, char *err, size_t errlen) {
    const bt_plugin *plugin = NULL;
    // Standard places only (env var, system dir, built-in); a broken unrelated plugin must not
    // stop the read, so load errors are not fatal.
    if (BT(bt_plugin_find)(name, BT_TRUE, BT_FALSE, BT_TRUE, BT_TRUE, BT_FALSE, &plugin)
            != BT_PLUGIN_FIND_STATUS_OK) {
        char what[96];
        snprintf(what, sizeof what, "babeltrace2 plugin \"%s\" not found", name);
        take_error(what, err, errlen);
        return NULL;
    }
    return plugin;
}

/// Builds source -> muxer -> sink; 0 on success.
static int build(struct ft_ctf *r, const char *const *dirs, size_t count, char *err, size_t errlen) {
    const bt_plugin *ctf = find_plugin("ctf", err, errlen);
    if (!ctf) return -1;
    const bt_plugin *utils = find_plugin("utils", err, errlen);
    if (!utils) { BT(bt_plugin_put_ref)(ctf); return -1; }
    const bt_component_class_source *fs = BT(bt_plugin_borrow_source_component_class_by_name_const)(ctf, "fs");
    const bt_component_class_filter *muxer = BT(bt_plugin_borrow_filter_component_class_by_name_const)(utils, "muxer");
    int rc = -1;
    bt_value *params = BT(bt_value_map_create)();
    bt_value *inputs = BT(bt_value_array_create)();
    const bt_component_source *src = NULL;
    const bt_component_filter *mux = NULL;
    const bt_component_sink *sink = NULL;
    if (!fs || !muxer || !params || !inputs) {
        snprintf(err, errlen, "babeltrace2 lacks source.ctf.fs or filter.utils.muxer");
        goto out;
    }
    for (size_t i = 0; i < count; i++) BT(bt_value_array_append_string_element)(inputs, dirs[i]);
    BT(bt_value_map_insert_entry)(params, "inputs", inputs);
    if (BT(bt_graph_add_source_component)(r->graph, fs, "src", params, BT_LOGGING_LEVEL_WARNING, &src)
            != BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
        take_error("cannot read the CTF trace", err, errlen);
        goto out;
    }
    if (BT(bt_graph_add_filter_component)(r->graph, muxer, "muxer", NULL, BT_LOGGING_LEVEL_WARNING, &mux)
            != BT_GRAPH_ADD_COMPONENT_STATUS_OK
        || BT(bt_graph_add_simple_sink_component)(r->graph, "sink", NULL, consume, NULL, r, &sink)
            != BT_GRAPH_ADD_COMPONENT_STATUS_OK) {
        take_error("cannot build the babeltrace2 graph", err, errlen);
        goto out;
    }
    // The muxer adds an input port each time one is connected, so port i exists in turn.
    uint64_t ports = BT(bt_component_source_get_output_port_count)(src);
    for (uint64_t i = 0; i < ports; i++) {
        if (BT(bt_graph_connect_ports)(r->graph, BT(bt_component_source_borrow_output_port_by_index_const)(src, i),
                                        BT(bt_component_filter_borrow_input_port_by_index_const)(mux, i), NULL)
                != BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
            take_error("cannot connect the trace's streams", err, errlen);
            goto out;
        }
    }
    if (BT(bt_graph_connect_ports)(r->graph, BT(bt_component_filter_borrow_output_port_by_index_const)(mux, 0),
                                    BT(bt_component_sink_borrow_input_port_by_index_const)(sink, 0), NULL)
            != BT_GRAPH_CONNECT_PORTS_STATUS_OK) {
        take_error("cannot connect the muxer", err, errlen);
        goto out;
    }
    rc = 0;
out:
    BT(bt_value_put_ref)(inputs);
    BT(bt_value_put_ref)(params);
    BT(bt_plugin_put_ref)(utils);
    BT(bt_plugin_put_ref)(ctf);
    return rc;
}

ft_ctf *ft_ctf_open(const char *const *dirs, size_t count, int reader, char *err, size_t errlen, int *missing_library) {
    *missing_library = 0;
    struct ft_ctf *r = calloc(1, sizeof *r);
    if (!r) { snprintf(err, errlen, "out of memory"); return NULL; }
    if (reader != FT_CTF_READER_BABELTRACE2) {
        char why[512];
        r->native = nat_open(dirs, count, why, sizeof why);
        if (r->native) return r;
        if (reader == FT_CTF_READER_NATIVE) {
            snprintf(err, errlen, "the native CTF reader does not read this trace: %s", why);
            free(r);
            return NULL;
        }
    }
    if (ft_ctf_load_library(err, errlen) != 0) {
        *missing_library = 1;
        free(r);
        return NULL;
    }
    r->graph = BT(bt_graph_create)(0);
    if (!r->graph || build(r, dirs, count, err, errlen) != 0) {
        ft_ctf_close(r);
        return NULL;
    }
    return r;
}

static size_t slot_of(const void *cls) { return ((uintptr_t)cls >> 4) & (SLOTS - 1); }

static const struct class_entry *find_class(ft_ctf *r, const void *cls) {
    int s = r->slots[slot_of(cls)];
    if (s > 0 && r->classes[s - 1].cls == cls) return &r->classes[s - 1];
    for (size_t i = 0; i < r->nclasses; i++) {
        if (r->classes[i].cls == cls) {
            r->slots[slot_of(cls)] = (int)i + 1;
            return &r->classes[i];
        }
    }
    return NULL;
}

static void fill_discarded(const bt_message *m, ft_ctf_item *item) {
    item->has_count = BT(bt_message_discarded_events_get_count)(m, &item->count) == BT_PROPERTY_AVAILABILITY_AVAILABLE;
    const bt_stream_class *sc = BT(bt_stream_borrow_class_const)(BT(bt_message_discarded_events_borrow_stream_const)(m));
    if (!BT(bt_stream_class_discarded_events_have_default_clock_snapshots)(sc)) return;
    const bt_clock_snapshot *b = BT(bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const)(m);
    const bt_clock_snapshot *e = BT(bt_message_discarded_events_borrow_end_default_clock_snapshot_const)(m);
    item->has_range = BT(bt_clock_snapshot_get_ns_from_origin)(b, &item->begin_ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK
        && BT(bt_clock_snapshot_get_ns_from_origin)(e, &item->end_ns) == BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK;
}

static int bt_read_event(const void *payload, const ft_ctf_layout *l, ft_ctf_values *out);

int ft_ctf_is_native(const ft_ctf *r) { return r->native != NULL; }

int ft_ctf_next(ft_ctf *r, ft_ctf_item *item, char *err, size_t errlen) {
    if (r->native) return nat_next(r->native, item, err, errlen);
    if (r->held) { BT(bt_message_put_ref)(r->held); r->held = NULL; }
    memset(item, 0, sizeof *item);
    for (;;) {
        while (r->index < r->count) {
            const bt_message *m = r->batch[r->index++];
            switch (BT(bt_message_get_type)(m)) {
            case BT_MESSAGE_TYPE_EVENT: {
                const bt_event *ev = BT(bt_message_event_borrow_event_const)(m);
                const bt_event_class *cls = BT(bt_event_borrow_class_const)(ev);
                item->event_class = cls;
                item->name = BT(bt_event_class_get_name)(cls);
                item->payload = BT(bt_event_borrow_payload_field_const)(ev);
                r->held = m;
                // Registered classes are read here, in one call per event.
                const struct class_entry *e = find_class(r, cls);
                item->kind = e ? e->kind : FT_CTF_UNREGISTERED;
                item->bad_arg = -1;
                item->has_text = e && e->layout.string_mask != 0;
                if (e && e->kind >= 0 && item->payload) item->bad_arg = bt_read_event(item->payload, &e->layout, &item->values);
                return FT_CTF_EVENT;
            }
            case BT_MESSAGE_TYPE_DISCARDED_EVENTS:
                fill_discarded(m, item);
                r->held = m;
                return FT_CTF_DISCARDED;
            default:
                BT(bt_message_put_ref)(m);  // stream/packet boundaries, inactivity: nothing to replay
            }
        }
        if (r->ended) return FT_CTF_END;
        r->count = r->index = 0;
        switch (BT(bt_graph_run_once)(r->graph)) {
        case BT_GRAPH_RUN_ONCE_STATUS_OK:
        case BT_GRAPH_RUN_ONCE_STATUS_AGAIN:
            break;
        case BT_GRAPH_RUN_ONCE_STATUS_END:
            r->ended = 1;
            break;
        default:
            take_error("cannot read the CTF trace", err, errlen);
            return FT_CTF_ERROR;
        }
    }
}

int ft_ctf_register(ft_ctf *r, const void *cls, int kind, const ft_ctf_layout *layout) {
    if (r->native) {  // the class is the reader's own: it keeps the registration itself
        nat_class *c = (nat_class *)cls;
        c->kind = kind;
        if (layout) c->layout = *layout; else memset(&c->layout, 0, sizeof c->layout);
        return 0;
    }
    if (r->nclasses == r->capclasses) {
        size_t cap = r->capclasses ? 2 * r->capclasses : 32;
        struct class_entry *c = realloc(r->classes, cap * sizeof *c);
        if (!c) return -1;
        r->classes = c;
        r->capclasses = cap;
    }
    struct class_entry *e = &r->classes[r->nclasses++];
    e->cls = cls;
    e->kind = kind;
    if (layout) e->layout = *layout; else memset(&e->layout, 0, sizeof e->layout);
    r->slots[slot_of(cls)] = (int)r->nclasses;
    return 0;
}

void ft_ctf_close(ft_ctf *r) {
    if (!r) return;
    nat_close(r->native);
    free(r->classes);
    if (r->held) BT(bt_message_put_ref)(r->held);
    for (uint64_t i = r->index; i < r->count; i++) BT(bt_message_put_ref)(r->batch[i]);
    if (r->graph) BT(bt_graph_put_ref)(r->graph);
    free(r->batch);
    free(r);
}

static const bt_field *member(const void *payload, uint64_t i) {
    return BT(bt_field_structure_borrow_member_field_by_index_const)(payload, i);
}

static const nat_field *nat_member(const void *payload, uint64_t i) {
    return &((const nat_event *)payload)->cls->fields[i];
}

uint64_t ft_ctf_member_count(const ft_ctf *r, const void *payload) {
    if (!payload) return 0;
    if (r->native) return ((const nat_event *)payload)->cls->nfields;
    return BT(bt_field_class_structure_get_member_count)(BT(bt_field_borrow_class_const)(payload));
}

const char *ft_ctf_member_name(const ft_ctf *r, const void *payload, uint64_t i) {
    if (r->native) return nat_member(payload, i)->name;
    const bt_field_class *c = BT(bt_field_borrow_class_const)(payload);
    return BT(bt_field_class_structure_member_get_name)(BT(bt_field_class_structure_borrow_member_by_index_const)(c, i));
}

int ft_ctf_member_kind(const ft_ctf *r, const void *payload, uint64_t i) {
    if (r->native) {
        int k = nat_member(payload, i)->kind;
        return k == NAT_UINT ? FT_CTF_UNSIGNED : k == NAT_SINT ? FT_CTF_SIGNED : FT_CTF_STRING;
    }
    bt_field_class_type t = BT(bt_field_get_class_type)(member(payload, i));
    if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER)) return FT_CTF_UNSIGNED;
    if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER)) return FT_CTF_SIGNED;
    if (t == BT_FIELD_CLASS_TYPE_STRING) return FT_CTF_STRING;
    return FT_CTF_OTHER;
}

uint64_t ft_ctf_member_unsigned(const ft_ctf *r, const void *payload, uint64_t i) {
    if (r->native) return ((const nat_event *)payload)->value[i];
    return BT(bt_field_integer_unsigned_get_value)(member(payload, i));
}

int64_t ft_ctf_member_signed(const ft_ctf *r, const void *payload, uint64_t i) {
    if (r->native) return (int64_t)((const nat_event *)payload)->value[i];
    return BT(bt_field_integer_signed_get_value)(member(payload, i));
}

const char *ft_ctf_member_string(const ft_ctf *r, const void *payload, uint64_t i) {
    if (r->native) return ((const nat_event *)payload)->text[i];
    return BT(bt_field_string_get_value)(member(payload, i));
}

static int bt_read_event(const void *payload, const ft_ctf_layout *l, ft_ctf_values *out) {
    out->seq = BT(bt_field_integer_unsigned_get_value)(member(payload, l->seq));
    out->ts = BT(bt_field_integer_unsigned_get_value)(member(payload, l->ts));
    out->dev = BT(bt_field_string_get_value)(member(payload, l->dev));
    for (uint32_t k = 0; k < l->nargs; k++) {
        out->arg[k] = 0;
        if (l->string_mask & (1u << k)) continue;
        const bt_field *f = member(payload, l->arg[k]);
        uint64_t v = (l->signed_mask & (1u << k)) ? (uint64_t)BT(bt_field_integer_signed_get_value)(f)
                                                  : BT(bt_field_integer_unsigned_get_value)(f);
        if (ft_arg_out_of_range(l, k, v)) { out->bad = (int64_t)v; return (int)k; }
        out->arg[k] = v;
    }
    return -1;
}

int ft_ctf_read_event(const ft_ctf *r, const void *payload, const ft_ctf_layout *l, ft_ctf_values *out) {
    if (r->native) return nat_read_event(payload, l, out);
    return bt_read_event(payload, l, out);
}
