import FlashEvents
import FlashLTTng
import FlashTraceIO
import Foundation

// Developer tool for the LTTng provider (not installed for users):
//   flashtrace-lttng-dev gen-provider [DIR]   rewrite DIR/flashtrace_tp.h and flashtrace_calls.h
//                                             from EventSpec.table (DIR defaults to tracepoints)
//   flashtrace-lttng-dev gen-accessors [DIR]  rewrite DIR/EventArguments+Generated.swift from
//                                             EventSpec.table (DIR defaults to Sources/FlashEvents)
//   flashtrace-lttng-dev bench [N]            ns per event of the LTTng sink's emit (release build)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("flashtrace-lttng-dev: \(message)\n".utf8))
    exit(64)
}

func generate(into dir: String) {
    for (name, text) in [(ProviderSource.headerName, ProviderSource.header()), (ProviderSource.callsName, ProviderSource.calls())] {
        do { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) } catch {
            fail("cannot write \(dir)/\(name): \(error)")
        }
        print("wrote \(dir)/\(name)")
    }
}

/// Times `n` emits of a mix of typical records; prints ns/event and whether a session recorded.
func bench(_ n: Int) {
    let header = TraceHeader(devices: [.object([("name", .string("virt.flash1"))])])
    let sink: LTTngSink
    do { sink = try LTTngSink(header: header) } catch { fail("\(error)") }
    // As OpScriptRunner does: a fresh TraceRecord per event, handed to the sink.
    let device = "virt.flash1"
    let events: [FlashEvent] = [.ioWrite(0x40000, 4, 0xE800E8, wcycle: 0), .dataWrite(0x40004, 4, 0x60475760),
                                .ioRead(0x40000, 4, 0x80, cmd: 0xE8, wcycle: 1), .cmd(.writeStart, 0xE8)]
    sink.start()
    func run(emitting: Bool) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<n {
            let record = TraceRecord(seq: UInt64(i), ts: UInt64(i), device: device, event: events[i & 3])
            if emitting { sink.emit(record) } else { blackHole(record) }
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n)
    }
    // Alternating runs, best of five each: the difference is small next to the loop's noise.
    var base = Double.infinity, emit = Double.infinity
    for _ in 0..<5 {
        base = min(base, run(emitting: false))
        emit = min(emit, run(emitting: true))
    }
    print(String(format: "events %d  recording %@  loop %.2f ns/event  loop+emit %.2f ns/event  emit %.2f ns/event",
                 n, sink.isRecording ? "yes" : "no", base, emit, emit - base))
}

@inline(never) func blackHole(_ r: TraceRecord) { withExtendedLifetime(r) {} }

let args = CommandLine.arguments.dropFirst()
switch args.first {
case "gen-provider": generate(into: args.dropFirst().first ?? "tracepoints")
case "gen-accessors":
    let dir = args.dropFirst().first ?? "Sources/FlashEvents"
    do { try EventArgumentSource.text().write(toFile: "\(dir)/\(EventArgumentSource.fileName)", atomically: true, encoding: .utf8) } catch {
        fail("cannot write \(dir)/\(EventArgumentSource.fileName): \(error)")
    }
    print("wrote \(dir)/\(EventArgumentSource.fileName)")
case "bench": bench(Int(args.dropFirst().first ?? "") ?? 10_000_000)
default: fail("usage: flashtrace-lttng-dev gen-provider [DIR] | gen-accessors [DIR] | bench [N]")
}
