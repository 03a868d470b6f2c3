// swift-tools-version:6.0
import PackageDescription

// Targets, from the bottom up:
//   FlashEvents   the event vocabulary (QEMU's 34 pflash events + outer_read/outer_write), declared once
//   FlashModel    the CFI01/CFI02 state machines and the bus that routes accesses to them
//   FlashTraceIO  trace formats: JSON lines, QEMU log text, op scripts, --device specs
//   FlashVariables EDK2 UEFI variable stores in a device's contents: found, walked, followed
//                 through a replay into per-variable histories, rewrites and loss windows
//   FlashAnalysis the replay engine, findings and extent summary (drives FlashModel, never re-implements it)
//   FlashReports  renderings beyond text/JSON: HTML page, SARIF log, Chrome trace events, the diff of two boots
//   FlashLTTng    LTTng-UST sink (tracepoints/ provider, loaded at run time) and CTF trace reader
//   FlashSession  opening any trace and resolving its devices (header, inference from a QEMU log's
//                 evidence, --board/--device/--image): the one pipeline every command starts from
//   CCTFReader    the CTF decoding in C: native for lttng-ust's traces, libbabeltrace2 (loaded at run time) otherwise
//   flashtrace    the command-line tool
// The model, trace I/O, replay and the LTTng sink and CTF reader run once per bus access or trace
// event; there the runtime's dynamic exclusivity checks cost about a tenth of the time (perf), so
// release builds skip them.
// The compile-time exclusivity checks still apply.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Platforms: Linux only (Debian 12 and Ubuntu are what is built and tested). No Apple platform
// is declared because none builds: the LTTng call sites and probes need lttng-ust's headers,
// which exist for Linux alone, and the tools read /proc/self/exe and load Linux .so libraries.
let package = Package(
    name: "flashtrace",
    products: [
        .executable(name: "flashtrace", targets: ["flashtrace"]),
        .library(name: "FlashModel", targets: ["FlashModel"]),
        .library(name: "FlashTraceIO", targets: ["FlashTraceIO"]),
        .library(name: "FlashAnalysis", targets: ["FlashAnalysis"]),
        .library(name: "FlashVariables", targets: ["FlashVariables"]),
        .library(name: "FlashLTTng", targets: ["FlashLTTng"]),
        .library(name: "FlashSession", targets: ["FlashSession"]),
        // The LTTng probe library, libflashtrace-tp.so: flashtrace dlopens it for
        // `record --sink lttng|both`, from beside its executable or from ../lib/flashtrace.
        .library(name: "flashtrace-tp", type: .dynamic, targets: ["FlashTraceProbes"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .target(name: "FlashEvents"),
        .target(name: "FlashModel", dependencies: ["FlashEvents"], swiftSettings: hotPath),
        .target(name: "FlashTraceIO", dependencies: [
            "FlashEvents", "FlashModel",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: hotPath),
        .target(name: "FlashVariables", dependencies: ["FlashModel"]),
        .target(name: "FlashAnalysis", dependencies: ["FlashEvents", "FlashModel", "FlashTraceIO", "FlashVariables"], swiftSettings: hotPath),
        .target(name: "FlashReports", dependencies: ["FlashEvents", "FlashModel", "FlashTraceIO", "FlashAnalysis", "FlashVariables"]),
        // LTTng: the tracepoint call sites (probes in tracepoints/, loaded at run time), a CTF
        // reader (its own decoder, or libbabeltrace2 loaded at run time), and the Swift sink /
        // RecordSource.
        // Building needs liblttng-ust-dev and libbabeltrace2-dev; running needs neither.
        .target(name: "CFlashTracepoints", cSettings: [.headerSearchPath("../../tracepoints")],
                linkerSettings: [.linkedLibrary("dl")]),
        // The probes (LTTNG_UST_TRACEPOINT_CREATE_PROBES), built from tracepoints/ into the
        // flashtrace-tp product; the only part that links liblttng-ust. Plain C: -nostartfiles
        // leaves out the Swift image registration (swiftrt.o) and -static-stdlib turns the
        // driver's -lswiftCore into an archive nothing pulls from, so the library needs no Swift
        // runtime (and no toolchain rpath) whether flashtrace links it statically or not.
        .target(name: "FlashTraceProbes", path: "tracepoints",
                exclude: ["Makefile", "bench_c.c", "flashtrace_calls.h"],
                sources: ["flashtrace_tp.c"], publicHeadersPath: ".",
                cSettings: [.headerSearchPath(".")],
                linkerSettings: [.linkedLibrary("lttng-ust"), .linkedLibrary("dl"),
                                 .unsafeFlags(["-nostartfiles", "-static-stdlib"], .when(platforms: [.linux]))]),
        .target(name: "CCTFReader", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "FlashLTTng", dependencies: ["FlashEvents", "FlashTraceIO", "CFlashTracepoints", "CCTFReader"],
                swiftSettings: hotPath),
        .target(name: "FlashSession", dependencies: ["FlashEvents", "FlashModel", "FlashTraceIO", "FlashAnalysis", "FlashLTTng"]),
        .executableTarget(name: "flashtrace-lttng-dev", dependencies: ["FlashLTTng", "FlashEvents", "FlashTraceIO"]),
        .executableTarget(name: "flashtrace", dependencies: [
            "FlashEvents", "FlashModel", "FlashTraceIO", "FlashAnalysis", "FlashLTTng", "FlashReports", "FlashSession",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "FlashModelTests", dependencies: ["FlashModel", "FlashTraceIO", "FlashEvents"]),
        .testTarget(name: "FlashTraceIOTests", dependencies: ["FlashTraceIO"]),
        .testTarget(name: "FlashVariablesTests", dependencies: ["FlashVariables", "FlashModel"]),
        .testTarget(name: "FlashAnalysisTests", dependencies: ["FlashAnalysis", "FlashTraceIO", "FlashModel", "FlashEvents", "FlashVariables"]),
        .testTarget(name: "CLITests", dependencies: ["FlashTraceIO"]),
        .testTarget(name: "FlashSessionTests", dependencies: ["FlashSession", "FlashTraceIO"]),
        .testTarget(name: "FlashReportsTests", dependencies: ["FlashReports", "FlashAnalysis", "FlashTraceIO", "FlashModel", "FlashEvents"]),
        .testTarget(name: "QEMUConformanceTests", dependencies: ["FlashModel", "FlashTraceIO"]),
        .testTarget(name: "LTTngTests", dependencies: ["FlashLTTng", "FlashTraceIO", "FlashEvents"]),
        // Issue 7: hostile and malformed input, killed/interrupted recorders, full disks, closed
        // pipes, and the fuzzers' regressions (the fuzz targets themselves live in Fuzz/).
        .testTarget(name: "HostileInputTests", dependencies: ["FlashTraceIO", "FlashModel", "FlashEvents", "FlashAnalysis", "FlashSession"]),
    ],
    swiftLanguageModes: [.v6]
)
