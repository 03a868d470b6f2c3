// Writes EventArguments+Generated.swift from the vocabulary: one accessor per argument name,
// reading the field each kind declares it in. Generated rather than looked up at run time: the
// replay loop reads offset, size and value of every event, and a table lookup through a lazily
// initialised global cost about a tenth of the replay (perf). `swift run flashtrace-lttng-dev
// gen-accessors` rewrites the file; a test checks it matches the table.

public enum EventArgumentSource {
    public static let fileName = "EventArguments+Generated.swift"

    public static func text() -> String {
        var out = """
            // Generated from EventSpec.table by `swift run flashtrace-lttng-dev gen-accessors`: do not edit.
            // Each accessor reads the argument where the event's kind declares it; 0 (and no effect
            // when set) for kinds without it.

            extension FlashEvent {

            """
        let fields = ["a0", "a1", "a2", "a3", "a4"]
        for arg in EventArgument.allCases {
            var byPosition: [Int: [String]] = [:]
            for spec in EventSpec.table {
                if let i = spec.args.firstIndex(where: { $0.name == arg.name }) {
                    byPosition[i, default: []].append(".\(spec.kind)")
                }
            }
            let cases = byPosition.keys.sorted().map { (byPosition[$0]!, fields[$0]) }
            out += "    /// `\(arg.name)` of \(cases.flatMap(\.0).map { String($0.dropFirst()) }.joined(separator: ", ")).\n"
            out += "    @inlinable public var \(arg.swiftName): UInt64 {\n"
            out += "        get {\n            switch kind {\n"
            for (kinds, field) in cases { out += "            case \(kinds.joined(separator: ", ")): return \(field)\n" }
            out += "            default: return 0\n            }\n        }\n"
            out += "        set {\n            switch kind {\n"
            for (kinds, field) in cases { out += "            case \(kinds.joined(separator: ", ")): \(field) = newValue\n" }
            out += "            default: break\n            }\n        }\n    }\n\n"
        }
        out.removeLast()
        out += "}\n"
        return out
    }
}

extension EventArgument {
    /// The Swift property name (`max` would shadow the standard function in expressions).
    public var swiftName: String { self == .max ? "maxWidth" : name }
}
