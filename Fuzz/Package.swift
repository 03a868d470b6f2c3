// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for flashtrace's parsers and model (issue 7). A package of its own so the
// main package never builds with sanitizer flags; it depends on the main package by path.
// Build and run with scripts/fuzz.sh (it passes -sanitize=fuzzer,address and -parse-as-library:
// libFuzzer supplies main(), each target only exports LLVMFuzzerTestOneInput).
let package = Package(
    name: "flashtrace-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "flashtrace", path: "..")],
    targets: [
        // The drivers, kept apart from the entry points so each target stays a few lines.
        .target(name: "FuzzHarness", dependencies: [
            .product(name: "FlashTraceIO", package: "flashtrace"),
            .product(name: "FlashModel", package: "flashtrace"),
            .product(name: "FlashAnalysis", package: "flashtrace"),
            .product(name: "FlashLTTng", package: "flashtrace"),
            .product(name: "FlashVariables", package: "flashtrace"),
        ]),
        .executableTarget(name: "fuzz-jsonlines", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "fuzz-qemulog", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "fuzz-opscript", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "fuzz-devicespec", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "fuzz-model", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "fuzz-replay", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "fuzz-ctf", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "fuzz-records", dependencies: ["FuzzHarness"]),
        .executableTarget(name: "fuzz-varstore", dependencies: ["FuzzHarness"]),
    ],
    swiftLanguageModes: [.v6]
)
