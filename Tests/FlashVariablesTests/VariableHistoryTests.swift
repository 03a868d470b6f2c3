import XCTest
import FlashModel
@testable import FlashVariables

/// The variable history, rewrites and loss windows, on a synthetic store written the way EDK2's
/// variable driver and NOR drivers write (StoreImage).
final class VariableHistoryTests: XCTestCase {
    func ops(_ view: VariableStoreView, _ name: String) -> [VariableOpKind] {
        view.variables.first { $0.name == name }?.history.map(\.kind) ?? []
    }

    func testInitialVariablesAreFoundWithTheirValues() throws {
        var (img, _) = StoreImage.formatted([("Lang", Array("eng\0".utf8)), ("Timeout", [5, 0])])
        img.start()
        let (views, findings) = img.finish()
        XCTAssertEqual(views.count, 1)
        let v = views[0]
        XCTAssertEqual(v.layout.fvOffset, 0)
        XCTAssertEqual(v.layout.storeOffset, StoreImage.storeOffset)
        XCTAssertEqual(v.layout.working, 0xF000..<0x10000)
        XCTAssertEqual(v.layout.spare, 0x10000..<0x20000)
        XCTAssertTrue(v.layout.authenticated)
        XCTAssertEqual(v.variables.map(\.name), ["Lang", "Timeout"])
        XCTAssertEqual(v.variables[1].history, [VariableOp(kind: .initial, at: nil, attributes: 7, data: [5, 0])])
        XCTAssertEqual(v.variables[0].guid.description, "3b1c2a4d-1111-4a5b-8c9d-0123456789ab")
        XCTAssertTrue(findings.isEmpty)
        XCTAssertEqual(v.fillStart.dead, 0)
        XCTAssertEqual(v.fillStart.live, StoreImage.extent(name: "Lang", data: Array("eng\0".utf8)) + StoreImage.extent(name: "Timeout", data: [5, 0]))
    }

    func testAddUpdateDeleteInEDK2Order() throws {
        var (img, offsets) = StoreImage.formatted([("Timeout", [5, 0])])
        img.start()
        var next = offsets[0] + StoreImage.extent(name: "Timeout", data: [5, 0])
        // add: the op is at the state write that makes the copy live
        let added = img.add(at: next, name: "FtA", data: [1, 2, 3, 4])
        let ftA = next
        next += StoreImage.extent(name: "FtA", data: [1, 2, 3, 4])
        // update: old copy in deleted transition, new copy, old copy deleted
        img.setState(offsets[0], VariableState.added & VariableState.inDeletedTransition)
        let updated = img.add(at: next, name: "Timeout", data: [9, 0])
        img.setState(offsets[0], VariableState.added & VariableState.inDeletedTransition & VariableState.deleted)
        // delete
        let deleted = img.setState(ftA, VariableState.added & VariableState.deleted)
        let (views, findings) = img.finish()
        let v = views[0]
        XCTAssertEqual(ops(v, "Timeout"), [.initial, .update])
        XCTAssertEqual(v.variables.first { $0.name == "Timeout" }?.history.last?.at?.seq, updated)
        XCTAssertEqual(v.variables.first { $0.name == "Timeout" }?.value, [9, 0])
        XCTAssertEqual(ops(v, "FtA"), [.add, .delete])
        XCTAssertEqual(v.variables.first { $0.name == "FtA" }?.history.map { $0.at?.seq }, [added, deleted])
        XCTAssertEqual(v.variables.first { $0.name == "FtA" }?.history[0].data, [1, 2, 3, 4])
        XCTAssertTrue(findings.isEmpty, "\(findings.map(\.message))")
        XCTAssertTrue(v.rewrites.isEmpty)
        XCTAssertEqual(v.dataBytes, 4 + 2)
    }

    /// Header and data in one write, then the state (edk2-stable202402 on): the same history.
    func testHeaderAndDataTogether() throws {
        var (img, offsets) = StoreImage.formatted([("A", [1])])
        img.start()
        let o = offsets[0] + StoreImage.extent(name: "A", data: [1])
        img.program(o, StoreImage.record(name: "B", data: [7, 7], state: VariableState.headerValidOnly))
        let live = img.setState(o, VariableState.added)
        let (views, _) = img.finish()
        XCTAssertEqual(views[0].variables.first { $0.name == "B" }?.history.map(\.kind), [.add])
        XCTAssertEqual(views[0].variables.first { $0.name == "B" }?.history[0].at?.seq, live)
    }

    /// A NOR driver that erases the block and rewrites it in place: the variables have no copy
    /// from the erase until each is rewritten (a loss window), and nothing is an operation.
    func testInPlaceRewriteIsALossWindowAndNoOperation() throws {
        var (img, _) = StoreImage.formatted([("A", [1]), ("B", [2, 2])])
        img.start()
        let block = img.storage.bytes(at: 0, count: 0x1000)!
        let erased = img.erase(0, 0x1000)
        // rewritten in four writes, ascending; free space (0xFF) is skipped, as NorFlashDxe does
        for part in stride(from: 0, to: 0x100, by: 0x40) { img.program(part, Array(block[part..<part + 0x40])) }
        let (views, findings) = img.finish()
        let v = views[0]
        XCTAssertEqual(ops(v, "A"), [.initial])
        XCTAssertEqual(ops(v, "B"), [.initial])
        XCTAssertEqual(v.variables.map(\.rewrites), [1, 1])
        XCTAssertEqual(v.rewrites.count, 1)
        XCTAssertEqual(v.rewrites[0].start.seq, erased)
        XCTAssertNotNil(v.rewrites[0].end)
        XCTAssertFalse(v.rewrites[0].compacting)
        XCTAssertFalse(v.rewrites[0].throughSpare)
        XCTAssertEqual(findings.map(\.kind), [.lossWindow])
        XCTAssertEqual(findings.first?.at.seq, erased)
        XCTAssertTrue(findings.first?.message.contains("2 live variables (A, B)") ?? false, findings.first?.message ?? "")
        XCTAssertTrue(findings.first?.message.contains("seq \(erased)–") ?? false)
    }

    /// A reclaim through the FTW spare block: the compacted store is written to the spare first,
    /// so every variable keeps a copy throughout; the reclaim is compacting and goes through the spare.
    func testReclaimThroughSpareKeepsACopy() throws {
        var (img, offsets) = StoreImage.formatted([("A", [1]), ("B", [2, 2])])
        // A deleted copy of B before the live one: the reclaim drops it.
        img.storage.replace(offsets[1] + 2, with: [VariableState.added & VariableState.deleted][...])
        let bOffset = offsets[1] + StoreImage.extent(name: "B", data: [2, 2])
        img.storage.replace(bOffset, with: StoreImage.record(name: "B", data: [3, 3], state: VariableState.added)[...])
        img.start()
        // the compacted image: A, then B's live copy
        var compact = img
        compact.storage.fill(UInt64(offsets[1]), 0x1000 - UInt64(offsets[1]))
        compact.storage.replace(offsets[1], with: StoreImage.record(name: "B", data: [3, 3], state: VariableState.added)[...])
        let image = compact.storage.bytes(at: 0, count: 0x1000)!
        let spareErase = img.erase(0x10000, 0x10000)
        img.program(0x10000, Array(image[0..<0x200]))
        img.erase(0, 0x1000)
        let last = img.program(0, Array(image[0..<0x200]))
        let (views, findings) = img.finish()
        let v = views[0]
        XCTAssertTrue(findings.isEmpty, "\(findings.map(\.message))")
        XCTAssertEqual(v.rewrites, [StoreRewrite(start: TracePlace(seq: spareErase, line: Int(spareErase) + 1),
                                                 end: TracePlace(seq: last, line: Int(last) + 1), compacting: true, throughSpare: true)])
        XCTAssertEqual(ops(v, "B"), [.initial])
        XCTAssertEqual(v.variables.first { $0.name == "B" }?.value, [3, 3])
        XCTAssertLessThan(v.fillEnd.dead, v.fillStart.dead)
        XCTAssertEqual(views.count, 1, "the FV image in the spare block is a copy, not a store of its own")
    }

    /// A delete done by erasing and rewriting the block with the copy marked deleted.
    func testDeleteThroughRewrite() throws {
        var (img, offsets) = StoreImage.formatted([("A", [1]), ("B", [2])])
        img.start()
        var block = img.storage.bytes(at: 0, count: 0x1000)!
        block[offsets[1] + 2] = VariableState.added & VariableState.deleted
        img.erase(0, 0x1000)
        let last = img.program(0, Array(block[0..<0x100]))
        let (views, findings) = img.finish()
        XCTAssertEqual(ops(views[0], "B"), [.initial, .delete])
        XCTAssertEqual(views[0].variables.first { $0.name == "B" }?.history.last?.at?.seq, last)
        XCTAssertEqual(findings.map(\.kind), [.lossWindow], "A and B had no copy between the erase and the rewrite")
    }

    /// A store formatted by the trace (a first boot from an all-zero or erased image): found
    /// when its headers are written; its variables are adds.
    func testStoreFormattedByTheTrace() throws {
        let (formatted, _) = StoreImage.formatted()
        var img = StoreImage()
        img.storage.fill(0, UInt64(StoreImage.size), 0)
        img.start()
        img.erase(0, 0x20000)
        let header = formatted.storage.bytes(at: 0, count: 0x100)!
        let format = img.program(0, header)
        img.program(0xF000, formatted.storage.bytes(at: 0xF000, count: 0x20)!)
        let add = img.add(at: StoreImage.firstRecord, name: "X", data: [1])
        let (views, findings) = img.finish()
        XCTAssertEqual(views.count, 1)
        XCTAssertEqual(views[0].foundAt?.seq, format)
        XCTAssertEqual(views[0].variables.first?.history.map { $0.at?.seq }, [add])
        XCTAssertTrue(findings.isEmpty, "\(findings.map(\.message))")
    }

    /// Without an image, a store whose block the trace rewrites is found at its FV header; the
    /// copies after it count only once their bytes are written again (not the erased 0xFF).
    func testBlockRewriteFoundWithoutAnImage() throws {
        let (formatted, _) = StoreImage.formatted([("A", [1]), ("Bee", [2, 2, 2])])
        let block = formatted.storage.bytes(at: 0, count: 0x1000)!
        var img = StoreImage()
        img.start(imageKnown: false)
        img.erase(0, 0x1000)
        for part in stride(from: 0, to: 0x100, by: 0x20) { img.program(part, Array(block[part..<part + 0x20])) }
        let (views, findings) = img.finish()
        XCTAssertEqual(views.count, 1)
        XCTAssertTrue(views[0].partial)
        XCTAssertEqual(views[0].variables.map(\.name), ["A", "Bee"])
        XCTAssertEqual(views[0].variables.map { $0.history.map(\.kind) }, [[.add], [.add]])
        XCTAssertTrue(findings.isEmpty, "\(findings.map(\.message))")
    }

    func testWriteOutsideTheStore() throws {
        var (img, _) = StoreImage.formatted([("A", [1])])
        img.start()
        let first = img.program(0x30000, [0])
        img.program(0x30004, [0])
        img.program(0xE800, [0])  // inside the FV, between the store and the working block
        img.add(at: 0x200, name: "B", data: [2])
        let (_, findings) = img.finish()
        XCTAssertEqual(findings.map(\.kind), [.writeOutside])
        XCTAssertEqual(findings.first?.at.seq, first)
        XCTAssertTrue(findings.first?.message.contains("3 consecutive writes") ?? false, findings.first?.message ?? "")
    }

    /// Bytes from a trace are hostile: sizes that run past the store, headers cut anywhere.
    func testHostileHeadersStopTheWalk() throws {
        var (img, offsets) = StoreImage.formatted([("A", [1])])
        img.start()
        let o = offsets[0] + StoreImage.extent(name: "A", data: [1])
        var r = StoreImage.record(name: "B", data: [1], state: VariableState.added)
        r.replaceSubrange(40..<44, with: [0xFF, 0xFF, 0xFF, 0x7F])  // NameSize near Int32.max
        img.program(o, r)
        img.program(o, StoreImage.record(name: "C", data: [], state: VariableState.added).map { _ in 0xFF })
        for _ in 0..<3 { img.program(0x48, [0]) }  // the store header broken
        let (views, _) = img.finish()
        XCTAssertEqual(views.count, 1)
        XCTAssertEqual(ops(views[0], "A"), [.initial])
    }

    func testGUIDText() {
        let g = GUID("8be4df61-93ca-11d2-aa0d-00e098032b8c")!
        XCTAssertEqual(g.bytes[0..<4], [0x61, 0xdf, 0xe4, 0x8b])
        XCTAssertEqual(g.description, "8be4df61-93ca-11d2-aa0d-00e098032b8c")
        XCTAssertNil(GUID("8be4df61-93ca-11d2-aa0d-00e098032b8"))
        XCTAssertNil(GUID("zbe4df61-93ca-11d2-aa0d-00e098032b8c"))
    }
}
