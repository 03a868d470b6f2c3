/* Generated from EventSpec.table (Sources/FlashEvents/EventKind.swift) by
 * `swift run flashtrace-lttng-dev gen-provider tracepoints`; a test compares. Do not edit. */
#define FT_TP_COUNT 39

int *const ft_tp_state[FT_TP_COUNT] = {
	&lttng_ust_tracepoint_flashtrace___chip_erase_invalid.state,
	&lttng_ust_tracepoint_flashtrace___chip_erase_start.state,
	&lttng_ust_tracepoint_flashtrace___data_read.state,
	&lttng_ust_tracepoint_flashtrace___data_write.state,
	&lttng_ust_tracepoint_flashtrace___data_write_block.state,
	&lttng_ust_tracepoint_flashtrace___device_id.state,
	&lttng_ust_tracepoint_flashtrace___device_info.state,
	&lttng_ust_tracepoint_flashtrace___erase_complete.state,
	&lttng_ust_tracepoint_flashtrace___erase_timeout.state,
	&lttng_ust_tracepoint_flashtrace___io_read.state,
	&lttng_ust_tracepoint_flashtrace___io_write.state,
	&lttng_ust_tracepoint_flashtrace___manufacturer_id.state,
	&lttng_ust_tracepoint_flashtrace___mode_read_array.state,
	&lttng_ust_tracepoint_flashtrace___postload_cb.state,
	&lttng_ust_tracepoint_flashtrace___read_done.state,
	&lttng_ust_tracepoint_flashtrace___read_status.state,
	&lttng_ust_tracepoint_flashtrace___read_unknown_state.state,
	&lttng_ust_tracepoint_flashtrace___reset.state,
	&lttng_ust_tracepoint_flashtrace___sector_erase_start.state,
	&lttng_ust_tracepoint_flashtrace___timer_expired.state,
	&lttng_ust_tracepoint_flashtrace___unlock0_failed.state,
	&lttng_ust_tracepoint_flashtrace___unlock1_failed.state,
	&lttng_ust_tracepoint_flashtrace___unsupported_device_configuration.state,
	&lttng_ust_tracepoint_flashtrace___write.state,
	&lttng_ust_tracepoint_flashtrace___write_block_start.state,
	&lttng_ust_tracepoint_flashtrace___write_block_flush.state,
	&lttng_ust_tracepoint_flashtrace___write_block_abort.state,
	&lttng_ust_tracepoint_flashtrace___write_block_erase.state,
	&lttng_ust_tracepoint_flashtrace___write_failed.state,
	&lttng_ust_tracepoint_flashtrace___write_invalid.state,
	&lttng_ust_tracepoint_flashtrace___write_invalid_command.state,
	&lttng_ust_tracepoint_flashtrace___write_invalid_state.state,
	&lttng_ust_tracepoint_flashtrace___write_start.state,
	&lttng_ust_tracepoint_flashtrace___write_unknown.state,
	&lttng_ust_tracepoint_flashtrace___outer_read.state,
	&lttng_ust_tracepoint_flashtrace___outer_write.state,
	&lttng_ust_tracepoint_flashtrace___write_block.state,
	&lttng_ust_tracepoint_flashtrace___data_write_counted.state,
	&lttng_ust_tracepoint_flashtrace___device_config.state,
};

static void ft_tp_emit_kind(unsigned kind, const char *dev, uint64_t seq, uint64_t ts,
		const uint64_t *a, const char *text)
{
	switch (kind) {
	case 0: lttng_ust_tracepoint(flashtrace, chip_erase_invalid, seq, ts, dev, (uint64_t)a[0]); break;
	case 1: lttng_ust_tracepoint(flashtrace, chip_erase_start, seq, ts, dev); break;
	case 2: lttng_ust_tracepoint(flashtrace, data_read, seq, ts, dev, (uint64_t)a[0], (uint32_t)a[1], (uint32_t)a[2]); break;
	case 3: lttng_ust_tracepoint(flashtrace, data_write, seq, ts, dev, (uint64_t)a[0], (uint32_t)a[1], (uint32_t)a[2]); break;
	case 4: lttng_ust_tracepoint(flashtrace, data_write_block, seq, ts, dev, (uint64_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint64_t)a[3]); break;
	case 5: lttng_ust_tracepoint(flashtrace, device_id, seq, ts, dev, (uint16_t)a[0]); break;
	case 6: lttng_ust_tracepoint(flashtrace, device_info, seq, ts, dev, (uint64_t)a[0]); break;
	case 7: lttng_ust_tracepoint(flashtrace, erase_complete, seq, ts, dev); break;
	case 8: lttng_ust_tracepoint(flashtrace, erase_timeout, seq, ts, dev, (int32_t)a[0]); break;
	case 9: lttng_ust_tracepoint(flashtrace, io_read, seq, ts, dev, (uint64_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint8_t)a[3], (uint8_t)a[4]); break;
	case 10: lttng_ust_tracepoint(flashtrace, io_write, seq, ts, dev, (uint64_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint8_t)a[3]); break;
	case 11: lttng_ust_tracepoint(flashtrace, manufacturer_id, seq, ts, dev, (uint16_t)a[0]); break;
	case 12: lttng_ust_tracepoint(flashtrace, mode_read_array, seq, ts, dev); break;
	case 13: lttng_ust_tracepoint(flashtrace, postload_cb, seq, ts, dev); break;
	case 14: lttng_ust_tracepoint(flashtrace, read_done, seq, ts, dev, (uint64_t)a[0], (uint64_t)a[1]); break;
	case 15: lttng_ust_tracepoint(flashtrace, read_status, seq, ts, dev, (uint32_t)a[0]); break;
	case 16: lttng_ust_tracepoint(flashtrace, read_unknown_state, seq, ts, dev, (uint8_t)a[0]); break;
	case 17: lttng_ust_tracepoint(flashtrace, reset, seq, ts, dev); break;
	case 18: lttng_ust_tracepoint(flashtrace, sector_erase_start, seq, ts, dev, (int32_t)a[0], (uint64_t)a[1], (int32_t)a[2], (uint64_t)a[3]); break;
	case 19: lttng_ust_tracepoint(flashtrace, timer_expired, seq, ts, dev, (uint8_t)a[0]); break;
	case 20: lttng_ust_tracepoint(flashtrace, unlock0_failed, seq, ts, dev, (uint64_t)a[0], (uint8_t)a[1], (uint16_t)a[2]); break;
	case 21: lttng_ust_tracepoint(flashtrace, unlock1_failed, seq, ts, dev, (uint64_t)a[0], (uint8_t)a[1]); break;
	case 22: lttng_ust_tracepoint(flashtrace, unsupported_device_configuration, seq, ts, dev, (uint8_t)a[0], (uint8_t)a[1]); break;
	case 23: lttng_ust_tracepoint(flashtrace, write, seq, ts, dev, text); break;
	case 24: lttng_ust_tracepoint(flashtrace, write_block_start, seq, ts, dev, (uint32_t)a[0]); break;
	case 25: lttng_ust_tracepoint(flashtrace, write_block_flush, seq, ts, dev); break;
	case 26: lttng_ust_tracepoint(flashtrace, write_block_abort, seq, ts, dev); break;
	case 27: lttng_ust_tracepoint(flashtrace, write_block_erase, seq, ts, dev, (uint64_t)a[0], (uint64_t)a[1]); break;
	case 28: lttng_ust_tracepoint(flashtrace, write_failed, seq, ts, dev, (uint64_t)a[0], (uint8_t)a[1]); break;
	case 29: lttng_ust_tracepoint(flashtrace, write_invalid, seq, ts, dev, (uint8_t)a[0]); break;
	case 30: lttng_ust_tracepoint(flashtrace, write_invalid_command, seq, ts, dev, (uint8_t)a[0]); break;
	case 31: lttng_ust_tracepoint(flashtrace, write_invalid_state, seq, ts, dev, (uint8_t)a[0], (int32_t)a[1]); break;
	case 32: lttng_ust_tracepoint(flashtrace, write_start, seq, ts, dev, (uint8_t)a[0]); break;
	case 33: lttng_ust_tracepoint(flashtrace, write_unknown, seq, ts, dev, (uint8_t)a[0]); break;
	case 34: lttng_ust_tracepoint(flashtrace, outer_read, seq, ts, dev, (uint64_t)a[0], (uint32_t)a[1], (uint32_t)a[2]); break;
	case 35: lttng_ust_tracepoint(flashtrace, outer_write, seq, ts, dev, (uint64_t)a[0], (uint32_t)a[1], (uint32_t)a[2]); break;
	case 36: lttng_ust_tracepoint(flashtrace, write_block, seq, ts, dev, (uint32_t)a[0]); break;
	case 37: lttng_ust_tracepoint(flashtrace, data_write_counted, seq, ts, dev, (uint64_t)a[0], (uint32_t)a[1], (uint32_t)a[2], (uint64_t)a[3]); break;
	default: break;
	}
}

static void ft_tp_emit_device_config(const char *dev, const char *config)
{
	lttng_ust_tracepoint(flashtrace, device_config, dev, config);
}
