// The libbabeltrace2 functions the reader uses, resolved with dlsym at run time (the program
// must not need libbabeltrace2.so.0 to start). BT(f) calls f through its resolved pointer;
// the header's static inline helpers (bt_field_class_type_is) are called directly.
#ifndef FT_BT_SYMBOLS_H
#define FT_BT_SYMBOLS_H

#include <babeltrace2/babeltrace.h>

#define FT_BT_FUNCTIONS(X) \
    X(bt_graph_create) X(bt_graph_put_ref) X(bt_graph_add_source_component) \
    X(bt_graph_add_filter_component) X(bt_graph_add_simple_sink_component) \
    X(bt_graph_connect_ports) X(bt_graph_run_once) \
    X(bt_plugin_find) X(bt_plugin_put_ref) \
    X(bt_plugin_borrow_source_component_class_by_name_const) \
    X(bt_plugin_borrow_filter_component_class_by_name_const) \
    X(bt_component_source_get_output_port_count) \
    X(bt_component_source_borrow_output_port_by_index_const) \
    X(bt_component_filter_borrow_input_port_by_index_const) \
    X(bt_component_filter_borrow_output_port_by_index_const) \
    X(bt_component_sink_borrow_input_port_by_index_const) \
    X(bt_value_map_create) X(bt_value_array_create) X(bt_value_array_append_string_element) \
    X(bt_value_map_insert_entry) X(bt_value_put_ref) \
    X(bt_message_iterator_next) X(bt_message_get_type) X(bt_message_put_ref) \
    X(bt_message_event_borrow_event_const) X(bt_event_borrow_class_const) \
    X(bt_event_class_get_name) X(bt_event_borrow_payload_field_const) \
    X(bt_message_discarded_events_get_count) X(bt_message_discarded_events_borrow_stream_const) \
    X(bt_stream_borrow_class_const) X(bt_stream_class_discarded_events_have_default_clock_snapshots) \
    X(bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const) \
    X(bt_message_discarded_events_borrow_end_default_clock_snapshot_const) \
    X(bt_clock_snapshot_get_ns_from_origin) \
    X(bt_field_borrow_class_const) X(bt_field_get_class_type) \
    X(bt_field_class_structure_get_member_count) \
    X(bt_field_class_structure_borrow_member_by_index_const) \
    X(bt_field_class_structure_member_get_name) \
    X(bt_field_structure_borrow_member_field_by_index_const) \
    X(bt_field_integer_unsigned_get_value) X(bt_field_integer_signed_get_value) \
    X(bt_field_string_get_value) \
    X(bt_current_thread_take_error) X(bt_error_get_cause_count) \
    X(bt_error_borrow_cause_by_index) X(bt_error_cause_get_message) X(bt_error_release)

#define FT_BT_DECLARE(f) extern __typeof__(f) *ft_p_##f;
FT_BT_FUNCTIONS(FT_BT_DECLARE)
#undef FT_BT_DECLARE

#define BT(f) (ft_p_##f)

#endif
