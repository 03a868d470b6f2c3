// Type names for error messages, spelled as spec §5.0 spells them.

import FlashEvents

extension ArgType {
    var displayName: String {
        switch self {
        case .u8: return "uint8"
        case .u16: return "uint16"
        case .u32: return "uint32"
        case .u64: return "uint64"
        case .i32: return "int32"
        case .string: return "string"
        }
    }
}
