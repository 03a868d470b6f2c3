// swift-tools-version:6.0
import PackageDescription

// Targets, from the bottom up:
//   FlashEvents   the event vocabulary (QEMU's 34 pflash events + outer_read/outer_write), declared once
//   FlashModel    the CFI01/CFI02 state machines and the bus that routes accesses to them
//   FlashTraceIO  trace formats: JSON lines, QEMU log text, op scripts, --device specs
//   FlashAnalysis the replay engine, findings and extent summary (drives FlashModel, never re-implements it)
//   flashtrace    the command-line tool
let package = Package(
    name: "flashtrace",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "flashtrace", targets: ["flashtrace"]),
        .library(name: "FlashModel", targets: ["FlashModel"]),
        .library(name: "FlashTraceIO", targets: ["FlashTraceIO"]),
        .library(name: "FlashAnalysis", targets: ["FlashAnalysis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .target(name: "FlashEvents"),
        .target(name: "FlashModel", dependencies: ["FlashEvents"]),
        .target(name: "FlashTraceIO", dependencies: [
            "FlashEvents", "FlashModel",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "FlashAnalysis", dependencies: ["FlashEvents", "FlashModel", "FlashTraceIO"]),
        .executableTarget(name: "flashtrace", dependencies: [
            "FlashEvents", "FlashModel", "FlashTraceIO", "FlashAnalysis",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "FlashModelTests", dependencies: ["FlashModel", "FlashTraceIO", "FlashEvents"]),
        .testTarget(name: "FlashTraceIOTests", dependencies: ["FlashTraceIO"]),
        .testTarget(name: "FlashAnalysisTests", dependencies: ["FlashAnalysis", "FlashTraceIO", "FlashModel", "FlashEvents"]),
        .testTarget(name: "CLITests", dependencies: ["FlashTraceIO"]),
        .testTarget(name: "QEMUConformanceTests", dependencies: ["FlashModel", "FlashTraceIO"]),
    ],
    swiftLanguageModes: [.v6]
)
