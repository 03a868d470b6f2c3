import FlashEvents

// The C sources of the LTTng-UST provider, generated from EventSpec.table so the vocabulary stays
// declared once: C cannot import Swift, so the committed files in tracepoints/ are this text, and
// a test fails when they differ (regenerate with `swift run flashtrace-lttng-dev gen-provider`).
//
// Every event carries `seq`, `ts` (the record's virtual clock; UInt64.max when it has none) and
// `dev` before its own arguments: the JSON-lines keys, so a CTF trace maps back to the same
// TraceRecords and replay reports the same positions.

public enum ProviderSource {
    public static let provider = "flashtrace"
    public static let headerName = "flashtrace_tp.h"
    public static let callsName = "flashtrace_calls.h"

    /// The extra event that carries one device's header object (JSON) at the start of a recording.
    public static let deviceConfigEvent = "device_config"
    /// Index of `device_config` in the call-site tables (after the vocabulary's kinds).
    public static var deviceConfigIndex: Int { EventSpec.table.count }

    /// Fields before the arguments, in every vocabulary event.
    public static let commonFields: [(name: String, type: ArgType)] = [("seq", .u64), ("ts", .u64), ("dev", .string)]
    /// Fields of `device_config`.
    public static let deviceConfigFields: [(name: String, type: ArgType)] = [("dev", .string), ("config", .string)]

    /// Arguments shown in decimal by babeltrace2 (sizes and counts); the rest (offsets, values,
    /// commands, ids) in hex, as QEMU's log prints them.
    static let decimalArguments: Set<String> = ["size", "wcycle", "count", "width", "max", "width1", "width2", "wc"]

    static func cType(_ t: ArgType) -> String {
        switch t {
        case .u8: return "uint8_t"
        case .u16: return "uint16_t"
        case .u32: return "uint32_t"
        case .u64: return "uint64_t"
        case .i32: return "int32_t"
        case .string: return "const char *"
        }
    }

    static func field(_ name: String, _ type: ArgType, hex: Bool) -> String {
        if type == .string { return "lttng_ust_field_string(\(name), \(name)_)" }
        return "lttng_ust_field_integer\(hex ? "_hex" : "")(\(cType(type)), \(name), \(name)_)"
    }

    static func event(_ name: String, _ fields: [(name: String, type: ArgType, hex: Bool)]) -> String {
        let args = fields.map { "\(cType($0.type)), \($0.name)_" }.joined(separator: ", ")
        var s = "LTTNG_UST_TRACEPOINT_EVENT(\(provider), \(name),\n"
        s += "\tLTTNG_UST_TP_ARGS(\(args)),\n"
        s += "\tLTTNG_UST_TP_FIELDS(\n"
        for f in fields { s += "\t\t\(field(f.name, f.type, hex: f.hex))\n" }
        s += "\t)\n)\n\n"
        return s
    }

    static let generatedNote = """
        /* Generated from EventSpec.table (Sources/FlashEvents/EventKind.swift) by
         * `swift run flashtrace-lttng-dev gen-provider tracepoints`; a test compares. Do not edit. */

        """

    /// tracepoints/flashtrace_tp.h: the provider declaration (lttng-ust 2.13 API).
    public static func header() -> String {
        var s = generatedNote
        s += """
            #undef LTTNG_UST_TRACEPOINT_PROVIDER
            #define LTTNG_UST_TRACEPOINT_PROVIDER \(provider)

            #undef LTTNG_UST_TRACEPOINT_INCLUDE
            #define LTTNG_UST_TRACEPOINT_INCLUDE "\(headerName)"

            #if !defined(FLASHTRACE_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
            #define FLASHTRACE_TP_H

            #include <stdint.h>
            #include <lttng/tracepoint.h>


            """
        for spec in EventSpec.table {
            let fields = commonFields.map { (name: $0.name, type: $0.type, hex: false) }
                + spec.args.map { (name: $0.name, type: $0.type, hex: !decimalArguments.contains($0.name)) }
            s += event(spec.name, fields)
        }
        s += event(deviceConfigEvent, deviceConfigFields.map { (name: $0.name, type: $0.type, hex: false) })
        s += """
            #endif /* FLASHTRACE_TP_H */

            #include <lttng/tracepoint-event.h>

            """
        return s
    }

    /// tracepoints/flashtrace_calls.h: the call sites by kind index and the tracepoints' state
    /// words, included once by the call-site unit (Sources/CFlashTracepoints).
    public static func calls() -> String {
        var s = generatedNote
        s += "#define FT_TP_COUNT \(EventSpec.table.count + 1)\n\n"
        s += "int *const ft_tp_state[FT_TP_COUNT] = {\n"
        for spec in EventSpec.table {
            s += "\t&lttng_ust_tracepoint_\(provider)___\(spec.name).state,\n"
        }
        s += "\t&lttng_ust_tracepoint_\(provider)___\(deviceConfigEvent).state,\n};\n\n"
        s += """
            static void ft_tp_emit_kind(unsigned kind, const char *dev, uint64_t seq, uint64_t ts,
            \t\tconst uint64_t *a, const char *text)
            {
            \tswitch (kind) {

            """
        for (i, spec) in EventSpec.table.enumerated() {
            var args = ["seq", "ts", "dev"]
            for (k, a) in spec.args.enumerated() {
                args.append(a.type == .string ? "text" : "(\(cType(a.type)))a[\(k)]")
            }
            s += "\tcase \(i): lttng_ust_tracepoint(\(provider), \(spec.name), \(args.joined(separator: ", "))); break;\n"
        }
        s += "\tdefault: break;\n\t}\n}\n\n"
        s += """
            static void ft_tp_emit_device_config(const char *dev, const char *config)
            {
            \tlttng_ust_tracepoint(\(provider), \(deviceConfigEvent), dev, config);
            }

            """
        return s
    }
}
