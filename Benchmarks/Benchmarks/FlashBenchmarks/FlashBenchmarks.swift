import Benchmark
import Glibc
import FlashAnalysis
import FlashEvents
import FlashLTTng
import FlashModel
import Foundation
import FlashTraceIO

// The product's hot paths, one benchmark each. Throughput is per scaled iteration: one bus
// access, one event encoded/decoded, or one trace line parsed/replayed.

let virtFlash1 = "cfi01,name=virt.flash1,addr=0x4000000,num-blocks=256,sector-length=256K,width=4,device-width=2,max-device-width=2,id0=0x89,id1=0x18"
let musicpal = "cfi02,name=musicpal.flash,addr=0xfe000000,num-blocks=128,sector-length=64K,width=2,mappings=4,id0=0xbf,id1=0x236d,unlock-addr0=0x5555,unlock-addr1=0x2aaa"

/// The default scenario recorded `times` times: its records and its devices.
func scenarioRecords(times: Int) -> (configs: [DeviceConfig], records: [TraceRecord]) {
    let s = Scenario.named(Scenario.defaultName)!
    let script = try! OpScript(text: s.text, name: s.name)
    let configs = try! script.deviceSpecs.map(DeviceSpec.parse)
    let runner = OpScriptRunner(bus: FlashBus(devices: try! configs.map { try makeDevice($0) }))
    var records: [TraceRecord] = []
    runner.start { records.append($0) }
    for _ in 0..<times { try! runner.run(script) { records.append($0) } }
    return (configs, records)
}

let benchmarks: @Sendable () -> Void = {
    let perMillion = Benchmark.Configuration(metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
                                             scalingFactor: .mega, maxDuration: .seconds(3), maxIterations: 20)

    Benchmark("model: ROMD array reads (CFI01)", configuration: perMillion) { benchmark in
        let device = try makeDevice(try DeviceSpec.parse(virtFlash1 + ",backing-size=768K"))
        var sum: UInt32 = 0
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            sum &+= device.read(offset: UInt64(i & 0x3FFFC), size: 4)
        }
        blackHole(sum)
    }

    Benchmark("model: word program 0x40 + data + status read (CFI01)", configuration: perMillion) { benchmark in
        let device = try makeDevice(try DeviceSpec.parse(virtFlash1))
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            let o = UInt64(i & 0xFFFC)
            device.write(offset: o, size: 4, value: 0x0040_0040)
            device.write(offset: o, size: 4, value: UInt32(truncatingIfNeeded: i))
            blackHole(device.read(offset: o, size: 4))
            device.events.removeAll(keepingCapacity: true)
        }
    }

    Benchmark("model: buffered write of 32 words (CFI01)", configuration: .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))) { benchmark in
        let device = try makeDevice(try DeviceSpec.parse(virtFlash1))
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            let base = UInt64((i * 128) & 0x3FF80)
            device.write(offset: base, size: 4, value: 0x00E8_00E8)
            device.write(offset: base, size: 4, value: 0x001F_001F)
            for w in 0..<32 { device.write(offset: base + UInt64(w * 4), size: 4, value: UInt32(w)) }
            device.write(offset: base, size: 4, value: 0x00D0_00D0)
            device.write(offset: base, size: 4, value: 0x00FF_00FF)
            device.events.removeAll(keepingCapacity: true)
        }
    }

    Benchmark("model: sector erase with both timers (CFI02)", configuration: .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))) { benchmark in
        let bus = FlashBus(devices: [try makeDevice(try DeviceSpec.parse(musicpal))])
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            let sector = 0xFE00_0000 + UInt64((i & 127) << 16)
            for (a, v) in [(0xFE00_0AAA, 0xAA), (0xFE00_0554, 0x55), (0xFE00_0AAA, 0x80), (0xFE00_0AAA, 0xAA), (0xFE00_0554, 0x55)] {
                try bus.write(UInt64(a), size: 2, value: UInt64(v))
            }
            try bus.write(sector, size: 2, value: 0x30)
            blackHole(try bus.read(sector, size: 2))
            bus.step(nil)
            bus.step(nil)
            bus.output.removeAll(keepingCapacity: true)
        }
    }

    let (configs, records) = scenarioRecords(times: 500)  // ~100 k events

    Benchmark("JSON lines: encode events", configuration: perMillion) { benchmark in
        let fd = open("/dev/null", O_WRONLY)
        let writer = JSONLinesWriter(fd: fd)
        try writer.writeHeader(TraceHeader(configs: configs))
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            var r = records[i % records.count]
            r.seq = UInt64(i)
            try writer.write(r)
        }
        try writer.flush()
        benchmark.stopMeasurement()
        close(fd)
    }

    let jsonBytes: [UInt8] = {
        let path = "/tmp/flashtrace-bench-\(getpid()).jsonl"
        let writer = try! JSONLinesWriter(path: path)
        try! writer.writeHeader(TraceHeader(configs: configs))
        for r in records { try! writer.write(r) }
        try! writer.close()
        defer { unlink(path) }
        return Array(try! readAll(path))
    }()

    Benchmark("JSON lines: decode events", configuration: .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident], scalingFactor: .kilo, maxDuration: .seconds(3))) { benchmark in
        // One iteration decodes 1,000 events (the file holds ~100 k; decoded in slices).
        var reader = try JSONLinesReader(bytes: jsonBytes)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<1000 {
                if try reader.next() == nil { reader = try JSONLinesReader(bytes: jsonBytes) }
            }
        }
    }

    let logBytes: [UInt8] = {
        var out: [UInt8] = []
        for r in records {
            appendQemuLogLine(device: r.device, event: r.event, tid: 17157, ts: 1_795_645_194_220_881_000 + r.seq * 1000, to: &out)
            out.append(0x0A)
        }
        return out
    }()

    Benchmark("QEMU log: parse lines", configuration: .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))) { benchmark in
        var reader = QemuLogReader(bytes: logBytes)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<1000 {
                if try reader.next() == nil { reader = QemuLogReader(bytes: logBytes) }
            }
        }
    }

    // The sink's cost per event, with the tracepoints enabled by no session (an inlined state
    // check) and inside a session recording flashtrace:* (record --lttng-session's channel);
    // Benchmarks/lttng.sh compares the latter with the same events fired from a C loop.
    Benchmark("LTTng sink: the same loop without emit (baseline)", configuration: perMillion) { benchmark in
        let device = "virt.flash1"
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            blackHole(TraceRecord(seq: UInt64(i), ts: UInt64(i), device: device, event: lttngEvents[i & 3]))
        }
    }

    Benchmark("LTTng sink: emit, nothing recording", configuration: perMillion) { benchmark in
        guard let sink = lttngSink() else { return }
        let device = "virt.flash1"
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            sink.emit(TraceRecord(seq: UInt64(i), ts: UInt64(i), device: device, event: lttngEvents[i & 3]))
        }
    }

    Benchmark("LTTng sink: emit into a recording session", configuration: .init(
        metrics: [.wallClock, .throughput], scalingFactor: .mega, maxDuration: .seconds(5), maxIterations: 5),
        closure: { benchmark in
            guard lttngSession != nil, let sink = lttngSink() else { return }
            let device = "virt.flash1"
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations {
                sink.emit(TraceRecord(seq: UInt64(i), ts: UInt64(i), device: device, event: lttngEvents[i & 3]))
            }
        },
        setup: {
            let dir = NSTemporaryDirectory() + "flashtrace-bench-\(getpid())"
            lttngOutput = dir
            do {
                lttngSession = try LTTngSession.begin(LTTngSessionSettings(name: "ftbench\(getpid())", output: dir)) { _ in }
            } catch {
                print("LTTng session benchmark skipped: \(error)")
            }
        },
        teardown: {
            try? lttngSession?.finish { _ in }
            lttngSession = nil
            if let dir = lttngOutput { try? FileManager.default.removeItem(atPath: dir) }
        })

    Benchmark("replay: records through the engine", configuration: .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(3))) { benchmark in
        // One iteration replays 1,000 events.
        let engine = try ReplayEngine(configs: configs, images: [:])
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<1000 {
                try engine.consume(records[i], line: i + 2)
                i += 1
                if i == records.count { i = 0 }
            }
        }
    }
}

/// The LTTng sink with the probe library built in the source tree (`make -C tracepoints`);
/// nil (and a note) when it cannot be loaded.
func lttngSink() -> LTTngSink? {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    setenv("FLASHTRACE_TP_LIB", "\(repo)/tracepoints/libflashtrace-tp.so", 0)
    do {
        return try LTTngSink(header: TraceHeader(devices: [.object([("name", .string("virt.flash1"))])]))
    } catch {
        print("LTTng sink benchmarks skipped: \(error) (make -C tracepoints; lttng-tools for the session)")
        return nil
    }
}

/// `flashtrace-lttng-dev bench`'s mix of events, as the runner hands them to the sink.
let lttngEvents: [FlashEvent] = [.ioWrite(0x40000, 4, 0xE800E8, wcycle: 0), .dataWrite(0x40004, 4, 0x60475760),
                                 .ioRead(0x40000, 4, 0x80, cmd: 0xE8, wcycle: 1), .cmd(.writeStart, 0xE8)]

/// The session of the "recording" benchmark (started in its setup, finished in its teardown).
nonisolated(unsafe) var lttngSession: LTTngSession?
nonisolated(unsafe) var lttngOutput: String?

func readAll(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        if n <= 0 { break }
        out.append(contentsOf: buffer[0..<n])
    }
    return out
}
