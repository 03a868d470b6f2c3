import FlashEvents
import FlashTraceIO

// Trace readers: JSON lines and QEMU logs. Besides "never trap", each checks a round trip: what
// the reader accepted, the matching writer/formatter must reproduce so that it reads back equal.

nonisolated(unsafe) private let scratch = ScratchFile()

extension Drivers {
    /// The JSON-lines reader (header, fast and general paths, torn lines), then the header's
    /// devices, then writer → reader round trip of every record it accepted.
    public static func jsonLines(_ data: UnsafeBufferPointer<UInt8>) {
        let (bytes, maxLine, chunk) = readerLimits(data)
        guard var reader = try? JSONLinesReader(bytes: bytes, maxLineLength: maxLine, chunkSize: chunk) else { return }
        _ = try? reader.header.configs()
        var records: [TraceRecord] = []
        // Errors are per line: carry on as `replay --keep-going` does (the reader must move on).
        var lastLine = 0
        for _ in 0..<maxItemsPerInput {
            do {
                guard let r = try reader.next() else { break }
                records.append(r)
                expect(reader.lineNumber > lastLine, "line numbers must increase")
                lastLine = reader.lineNumber
            } catch is TraceFormatError {
                continue
            } catch {
                fatalError("an in-memory reader threw \(error)")
            }
        }
        roundTrip(header: reader.header, records: records)
    }

    private static func roundTrip(header: TraceHeader, records: [TraceRecord]) {
        scratch.reset()
        let writer = JSONLinesWriter(fd: scratch.fd, bufferSize: 4096)
        var written: [TraceRecord] = []
        do {
            try writer.writeHeader(header)
            for r in records where written.last.map({ r.seq > $0.seq }) ?? true {
                try writer.write(r)
                written.append(r)
            }
            try writer.flush()
        } catch {
            fatalError("writing back what the reader accepted failed: \(error)")
        }
        do {
            var back = try JSONLinesReader(bytes: scratch.contents(), maxLineLength: 1 << 17, chunkSize: 1 << 12)
            expect(back.header == header, "header changed in the round trip")
            for r in written {
                let b = try back.next()
                expect(b == r, "record changed in the round trip: \(r) became \(String(describing: b))")
            }
            let extra = try back.next()
            expect(extra == nil, "extra records after the round trip")
        } catch {
            fatalError("re-reading the writer's output failed: \(error)")
        }
    }

    /// The QEMU-log reader, then formatter → parser round trip of every event it accepted.
    public static func qemuLog(_ data: UnsafeBufferPointer<UInt8>) {
        let (bytes, maxLine, chunk) = readerLimits(data)
        var reader = QemuLogReader(bytes: bytes, maxLineLength: maxLine, chunkSize: chunk)
        var parser = QemuLogParser()
        for _ in 0..<maxItemsPerInput {
            let entry: (record: TraceRecord, tid: UInt64?)
            do {
                guard let e = try reader.nextEntry() else { break }
                entry = e
            } catch is TraceFormatError {
                continue
            } catch {
                fatalError("an in-memory reader threw \(error)")
            }
            let r = entry.record
            let line = qemuLogLine(device: r.device, event: r.event, tid: entry.tid, ts: entry.tid == nil ? nil : r.ts)
            guard case .event(let again)? = try? parser.parse(line) else {
                fatalError("formatted line does not parse back: \(line)")
            }
            expect(again.device == r.device && qemuLogEquivalent(again.event, r.event),
                   "event changed in the round trip: \(line)")
            expect(again.tid == entry.tid && (entry.tid == nil || again.ts == r.ts), "prefix changed: \(line)")
        }
    }
}
