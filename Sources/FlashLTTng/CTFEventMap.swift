import CCTFReader
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FlashEvents
import FlashTraceIO

// How one CTF event class maps back to the vocabulary: worked out once per class from its
// payload's member names (the JSON-lines keys, see ProviderSource), then applied by index.
// A plain value (the C layout holds the indices), so using it per event costs no reference
// counting; ft_ctf_read_event reads an event's fields in one call.

struct CTFEventMap {
    enum Role { case vocabulary(EventKind), deviceConfig, foreign }
    var role: Role
    var dev = 0, config = 0
    /// Member indices of seq, ts, dev and each argument of the kind (EventSpec order).
    var layout = ft_ctf_layout()

    /// `payload` is any event of the class; `name` its class name.
    init(name: String, payload: UnsafeRawPointer?, reader: OpaquePointer?) throws(CTFMapError) {
        let prefix = ProviderSource.provider + ":"
        guard name.hasPrefix(prefix) else { role = .foreign; return }
        let bare = String(name.dropFirst(prefix.count))
        var members: [String: (index: UInt64, kind: Int)] = [:]
        for i in 0..<ft_ctf_member_count(reader, payload) {
            members[String(cString: ft_ctf_member_name(reader, payload, i))] = (i, Int(ft_ctf_member_kind(reader, payload, i)))
        }
        func index(_ field: String, _ type: ArgType) throws(CTFMapError) -> Int {
            guard let m = members[field] else { throw CTFMapError("\(name) has no field \"\(field)\"") }
            let ok = type == .string ? m.kind == FT_CTF_STRING
                : type == .i32 ? m.kind == FT_CTF_SIGNED || m.kind == FT_CTF_UNSIGNED : m.kind == FT_CTF_UNSIGNED
            guard ok else { throw CTFMapError("\(name): field \"\(field)\" is not a \(type == .string ? "string" : "integer")") }
            return Int(m.index)
        }
        if bare == ProviderSource.deviceConfigEvent {
            role = .deviceConfig
            dev = try index("dev", .string)
            config = try index("config", .string)
            return
        }
        guard let spec = EventSpec.table.first(where: { $0.name == bare }) else {
            throw CTFMapError("unknown event \(name): it is not in this flashtrace's vocabulary")
        }
        role = .vocabulary(spec.kind)
        layout.seq = UInt64(try index("seq", .u64))
        layout.ts = UInt64(try index("ts", .u64))
        layout.dev = UInt64(try index("dev", .string))
        precondition(spec.args.count <= Int(FT_CTF_MAX_ARGS))
        layout.nargs = UInt32(spec.args.count)
        for (k, a) in spec.args.enumerated() {
            let i = UInt64(try index(a.name, a.type))
            withUnsafeMutableBytes(of: &layout.arg) { $0.bindMemory(to: UInt64.self)[k] = i }
            withUnsafeMutableBytes(of: &layout.max) { $0.bindMemory(to: UInt64.self)[k] = a.type == .string ? 0 : a.type.maxValue }
            if a.type == .string { layout.string_mask |= 1 << UInt32(k) }
            if a.type == .i32 && Int(ft_ctf_member_kind(reader, payload, i)) == FT_CTF_SIGNED { layout.signed_mask |= 1 << UInt32(k) }
        }
    }

    /// What ft_ctf_next is told about the class (ft_ctf_register): the kind, whose events it
    /// then reads itself, or a negative code for classes handed back as they are.
    var registeredKind: Int32 {
        switch role {
        case .vocabulary(let kind): return Int32(kind.rawValue)
        case .foreign: return CTFEventMap.foreignCode
        case .deviceConfig: return CTFEventMap.deviceConfigCode
        }
    }
    static let foreignCode: Int32 = -1
    static let deviceConfigCode: Int32 = -2

    /// The event of an item ft_ctf_next has read with this map's layout; throws when a value does
    /// not fit its declared type. `texts` caches the ids of `write` texts by their C bytes.
    func event(_ kind: EventKind, item: ft_ctf_item, reader: OpaquePointer?, texts: inout [([CChar], EventText)]) throws(CTFMapError) -> FlashEvent {
        let v = item.values
        if item.bad_arg >= 0 {
            let bad = Int(item.bad_arg)
            let shown = layout.signed_mask & (1 << UInt32(bad)) != 0 ? "\(v.bad)" : "\(UInt64(bitPattern: v.bad))"
            throw CTFMapError("\"\(kind.spec.args[bad].name)\" out of range for \(kind.name): \(shown)")
        }
        var e = FlashEvent(kind, v.arg.0, v.arg.1, v.arg.2, v.arg.3, v.arg.4)
        if layout.string_mask != 0, let payload = item.payload {
            for k in 0..<Int(layout.nargs) where layout.string_mask & (1 << UInt32(k)) != 0 {
                let i = withUnsafeBytes(of: layout.arg) { $0.bindMemory(to: UInt64.self)[k] }
                let c = ft_ctf_member_string(reader, payload, i)!
                if let hit = texts.first(where: { strcmp($0.0, c) == 0 }) {
                    e.textID = hit.1
                } else {
                    let id = EventText(String(cString: c))
                    if texts.count < 256 { texts.append((Array(UnsafeBufferPointer(start: c, count: strlen(c) + 1)), id)) }
                    e.textID = id
                }
            }
        }
        return e
    }
}

struct CTFMapError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
