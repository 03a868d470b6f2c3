import CBabeltraceShim
import Glibc
import FlashEvents
import FlashTraceIO

// How one CTF event class maps back to the vocabulary: worked out once per class from its
// payload's member names (the JSON-lines keys, see ProviderSource), then applied by index.

struct CTFEventMap {
    enum Role { case vocabulary(EventKind), deviceConfig, foreign }
    var role: Role
    var seq = 0, ts = 0, dev = 0, config = 0
    /// Member index of each argument of the kind, in EventSpec order, and its declared type.
    var args: [UInt64] = []
    var types: [ArgType] = []

    /// `payload` is any event of the class; `name` its class name.
    init(name: String, payload: UnsafeRawPointer?) throws(CTFMapError) {
        let prefix = ProviderSource.provider + ":"
        guard name.hasPrefix(prefix) else { role = .foreign; return }
        let bare = String(name.dropFirst(prefix.count))
        var members: [String: (index: UInt64, kind: Int)] = [:]
        for i in 0..<ft_ctf_member_count(payload) {
            members[String(cString: ft_ctf_member_name(payload, i))] = (i, Int(ft_ctf_member_kind(payload, i)))
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
        seq = try index("seq", .u64)
        ts = try index("ts", .u64)
        dev = try index("dev", .string)
        for a in spec.args {
            args.append(UInt64(try index(a.name, a.type)))
            types.append(a.type)
        }
    }

    /// The event's arguments; throws when a value does not fit its declared type.
    /// `texts` caches the ids of `write` texts by their C bytes (no String per event).
    func event(_ kind: EventKind, payload: UnsafeRawPointer, texts: inout [([CChar], EventText)]) throws(CTFMapError) -> FlashEvent {
        var e = FlashEvent(kind)
        for k in 0..<args.count {
            let i = args[k]
            switch types[k] {
            case .string:
                let c = ft_ctf_member_string(payload, i)!
                if let hit = texts.first(where: { strcmp($0.0, c) == 0 }) {
                    e.textID = hit.1
                } else {
                    let id = EventText(String(cString: c))
                    if texts.count < 256 { texts.append((Array(UnsafeBufferPointer(start: c, count: strlen(c) + 1)), id)) }
                    e.textID = id
                }
            case .i32 where Int(ft_ctf_member_kind(payload, i)) == FT_CTF_SIGNED:
                let v = ft_ctf_member_signed(payload, i)
                guard v >= 0 else { throw CTFMapError("\"\(kind.spec.args[k].name)\" out of range for \(kind.name): \(v)") }
                e[argument: k] = UInt64(v)
            default:
                let v = ft_ctf_member_unsigned(payload, i)
                guard v <= types[k].maxValue else { throw CTFMapError("\"\(kind.spec.args[k].name)\" out of range for \(kind.name): \(v)") }
                e[argument: k] = v
            }
        }
        return e
    }
}

struct CTFMapError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
