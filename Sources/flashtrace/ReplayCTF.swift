import ArgumentParser
import Foundation
import FlashLTTng
import FlashTraceIO

// `replay DIR`: a directory is an LTTng (CTF) trace folder, read with libbabeltrace2 at any level
// above the stream files, as `babeltrace2 DIR` accepts it.

extension Replay {
    /// The CTF reader for TRACE, or nil when TRACE is not a directory (a file form).
    func openCTF() throws(ExitCode) -> CTFTraceReader? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: trace, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        do { return try CTFTraceReader(path: trace) } catch let e as CTFReadError {
            throw fail("\(trace): \(e.message)", e.unavailable ? .unavailable : .dataError)
        } catch let e as TraceFormatError {
            throw fail("\(trace):\(e.line > 0 ? "\(e.line):" : "") \(e.message)", .dataError)
        } catch {
            throw fail("\(trace): \(error)", .noInput)
        }
    }

    /// A CTF trace whose recording did not emit device_config (tracing started late).
    func noDevicesInCTF() -> ExitCode {
        fail("\(trace): the LTTng trace has no flashtrace:device_config events (was the session started after flashtrace?): pass --board or --device", .usage)
    }
}
