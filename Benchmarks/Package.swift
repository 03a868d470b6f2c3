// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in a package of their own so the product's build and tests stay fast.
// Run: cd Benchmarks && swift package --disable-sandbox benchmark
// A path dependency's identity is its folder's name, which depends on where the repo is cloned.
let product = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "main")

let package = Package(
    name: "flashtrace-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "FlashBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FlashModel", package: product),
                .product(name: "FlashTraceIO", package: product),
                .product(name: "FlashAnalysis", package: product),
                .product(name: "FlashLTTng", package: product),
            ],
            path: "Benchmarks/FlashBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
