/* Generated from EventSpec.table (Sources/FlashEvents/EventKind.swift) by
 * `swift run flashtrace-lttng-dev gen-provider tracepoints`; a test compares. Do not edit. */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER flashtrace

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "flashtrace_tp.h"

#if !defined(FLASHTRACE_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define FLASHTRACE_TP_H

#include <stdint.h>
#include <lttng/tracepoint.h>

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, chip_erase_invalid,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, chip_erase_start,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, data_read,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint32_t, size_, uint32_t, value_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer(uint32_t, size, size_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, data_write,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint32_t, size_, uint32_t, value_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer(uint32_t, size, size_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, data_write_block,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint32_t, size_, uint32_t, value_, uint64_t, counter_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer(uint32_t, size, size_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
		lttng_ust_field_integer_hex(uint64_t, counter, counter_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, device_id,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint16_t, id_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint16_t, id, id_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, device_info,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, erase_complete,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, erase_timeout,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, int32_t, count_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer(int32_t, count, count_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, io_read,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint32_t, size_, uint32_t, value_, uint8_t, cmd_, uint8_t, wcycle_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer(uint32_t, size, size_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
		lttng_ust_field_integer(uint8_t, wcycle, wcycle_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, io_write,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint32_t, size_, uint32_t, value_, uint8_t, wcycle_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer(uint32_t, size, size_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
		lttng_ust_field_integer(uint8_t, wcycle, wcycle_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, manufacturer_id,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint16_t, id_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint16_t, id, id_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, mode_read_array,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, postload_cb,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, read_done,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint64_t, ret_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer_hex(uint64_t, ret, ret_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, read_status,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint32_t, ret_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint32_t, ret, ret_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, read_unknown_state,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint8_t, cmd_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, reset,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, sector_erase_start,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, int32_t, width1_, uint64_t, start_, int32_t, width2_, uint64_t, end_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer(int32_t, width1, width1_)
		lttng_ust_field_integer_hex(uint64_t, start, start_)
		lttng_ust_field_integer(int32_t, width2, width2_)
		lttng_ust_field_integer_hex(uint64_t, end, end_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, timer_expired,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint8_t, cmd_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, unlock0_failed,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint8_t, cmd_, uint16_t, addr0_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
		lttng_ust_field_integer_hex(uint16_t, addr0, addr0_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, unlock1_failed,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint8_t, cmd_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, unsupported_device_configuration,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint8_t, width_, uint8_t, max_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer(uint8_t, width, width_)
		lttng_ust_field_integer(uint8_t, max, max_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, const char *, str_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_string(str, str_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_block_start,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint32_t, value_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_block_flush,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_block_abort,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_block_erase,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint64_t, len_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer_hex(uint64_t, len, len_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_failed,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint8_t, cmd_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_invalid,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint8_t, cmd_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_invalid_command,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint8_t, cmd_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_invalid_state,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint8_t, cmd_, int32_t, wc_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
		lttng_ust_field_integer(int32_t, wc, wc_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_start,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint8_t, cmd_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_unknown,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint8_t, cmd_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint8_t, cmd, cmd_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, outer_read,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint32_t, size_, uint32_t, value_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer(uint32_t, size, size_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, outer_write,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint32_t, size_, uint32_t, value_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer(uint32_t, size, size_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, write_block,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint32_t, value_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, data_write_counted,
	LTTNG_UST_TP_ARGS(uint64_t, seq_, uint64_t, ts_, const char *, dev_, uint64_t, offset_, uint32_t, size_, uint32_t, value_, uint64_t, counter_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, seq, seq_)
		lttng_ust_field_integer(uint64_t, ts, ts_)
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_integer_hex(uint64_t, offset, offset_)
		lttng_ust_field_integer(uint32_t, size, size_)
		lttng_ust_field_integer_hex(uint32_t, value, value_)
		lttng_ust_field_integer_hex(uint64_t, counter, counter_)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(flashtrace, device_config,
	LTTNG_UST_TP_ARGS(const char *, dev_, const char *, config_),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_string(dev, dev_)
		lttng_ust_field_string(config, config_)
	)
)

#endif /* FLASHTRACE_TP_H */

#include <lttng/tracepoint-event.h>
