import XCTest
import FlashEvents
import FlashModel
import FlashTraceIO

/// An image smaller than the region: storage costs the image, accesses beyond it bypass the
/// state machine (reads 0, writes discarded) and emit outer_read / outer_write.
final class BackingTests: XCTestCase {
    func virtFlash1(image: [UInt8]) throws -> FlashBus {
        var c = try DeviceSpec.parse("cfi01,name=virt.flash1,addr=0x4000000,num-blocks=256,sector-length=256K,width=4,device-width=2,id0=0x89,id1=0x18")
        c.backingSize = UInt64(image.count)
        return FlashBus(devices: [try makeDevice(c, initial: image)])
    }

    func testStorageOfA64MiBRegionWithA768KiBImageStaysUnder1MiB() throws {
        let image = [UInt8](repeating: 0xA5, count: 768 << 10)
        let bus = try virtFlash1(image: image)
        let device = bus.devices[0]
        XCTAssertEqual(device.config.regionSize, 64 << 20)
        XCTAssertEqual(device.storage.count, 768 << 10)
        XCTAssertLessThan(device.storage.count, 1 << 20)
        XCTAssertEqual(try bus.read(0x4000000 + 0xBFFFC, size: 4), 0xA5A5_A5A5, "last word of the image")
    }

    func testReadsBeyondTheImageReturnZeroAndWritesChangeNothing() throws {
        let bus = try virtFlash1(image: [UInt8](repeating: 0x5A, count: 768 << 10))
        let device = bus.devices[0]
        let before = device.storage.bytes

        XCTAssertEqual(try bus.read(0x40C0000, size: 4), 0)
        XCTAssertEqual(bus.output.map(\.event), [FlashEvent(.outerRead, 0xC0000, 4, 0)])
        bus.output.removeAll()

        // A full program sequence beyond the image: setup and data both dropped.
        try bus.write(0x40C0100, size: 4, value: 0x0040_0040)
        try bus.write(0x40C0100, size: 4, value: 0x1234_5678)
        XCTAssertEqual(bus.output.map(\.event), [
            FlashEvent(.outerWrite, 0xC0100, 4, 0x0040_0040),
            FlashEvent(.outerWrite, 0xC0100, 4, 0x1234_5678),
        ])
        XCTAssertEqual(device.storage.bytes, before)
        XCTAssertEqual(device.wcycle, 0, "the state machine never saw the writes")
        XCTAssertTrue(device.romd)

        // Erasing the last block inside the image stops at the image's edge.
        bus.output.removeAll()
        try bus.write(0x4080000, size: 4, value: 0x0020_0020)
        XCTAssertEqual(device.storage.bytes[0x80000], 0xFF)
        XCTAssertEqual(device.storage.bytes[0xBFFFF], 0xFF)
        XCTAssertEqual(device.storage.count, 768 << 10)
    }

    func testDefaultContentsAreErasedFlash() throws {
        let c = try DeviceSpec.parse("cfi02,name=f,num-blocks=16,sector-length=64K,width=2,unlock-addr0=0x555,unlock-addr1=0x2aa")
        let bus = FlashBus(devices: [try makeDevice(c)])
        XCTAssertEqual(try bus.read(0x1234, size: 2), 0xFFFF)
        XCTAssertTrue(bus.output.isEmpty, "ROMD reads are not traced")
    }
}
