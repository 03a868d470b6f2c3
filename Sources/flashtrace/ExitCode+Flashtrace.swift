import ArgumentParser
import Foundation

// Exit statuses (BSD sysexits where one fits), documented in the README:
//   0 ok · 1 findings at or above --fail-on · 64 usage · 65 malformed input · 66 unreadable input
//   69 a needed part of the machine is missing (LTTng runtime, probes, tools)
//   73 cannot create output · 74 I/O error while writing
extension ExitCode {
    static let findings = ExitCode(1)
    static let usage = ExitCode(64)
    static let dataError = ExitCode(65)
    static let noInput = ExitCode(66)
    static let unavailable = ExitCode(69)
    static let cantCreate = ExitCode(73)
    static let ioError = ExitCode(74)
}

/// Prints `flashtrace: message` on stderr and exits with `code`.
func fail(_ message: String, _ code: ExitCode) -> ExitCode {
    FileHandle.standardError.write(Data("flashtrace: \(message)\n".utf8))
    return code
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("flashtrace: \(message)\n".utf8))
}
