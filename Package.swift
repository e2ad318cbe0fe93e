// swift-tools-version: 6.1
import PackageDescription

/// Release builds get AVX2 + FMA (see PLATFORM.md: without it SIMD `addProduct` is a library call).
let vectorISA: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v3"])]
/// The engine's hot loops run without bounds or exclusivity checks in release builds.
let kernelSettings: [SwiftSetting] = vectorISA + [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "PruneBench",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "prunebench", targets: ["prunebench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "HDF5", dependencies: ["CHDF5"], swiftSettings: vectorISA),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "NN", dependencies: ["CBLAS", "CKernels"], swiftSettings: kernelSettings),
        .target(name: "Data", dependencies: ["HDF5", "NN", "CZlib", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: vectorISA),
        .target(name: "Training", dependencies: ["NN", "Data"], swiftSettings: vectorISA),
        .target(
            name: "Bench",
            dependencies: [
                "HDF5", "NN", "Data", "Training",
                "Pruning",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: vectorISA),
        .target(
            name: "PruneBenchCLI",
            dependencies: [
                "HDF5", "NN", "Data",
                "Training",
                "Pruning",
                "Bench",
                "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: vectorISA),
        .target(name: "Pruning", dependencies: ["NN", "Data", "Training"], swiftSettings: vectorISA),
        .target(name: "Reports", dependencies: ["Bench", "Data", "Pruning", "Training", .product(name: "CSV", package: "CSV.swift")], swiftSettings: vectorISA),
        .executableTarget(name: "prunebench", dependencies: ["PruneBenchCLI"], swiftSettings: vectorISA),
        // Fuzzing (scripts/fuzz.sh): the readers of untrusted input as byte functions, and a driver that replays
        // inputs (or, built with -DFUZZING and libFuzzer, fuzzes them).
        .target(name: "FuzzTargets", dependencies: ["Bench", "Data", "Reports"], swiftSettings: vectorISA),
        .executableTarget(name: "prunebench-fuzz", dependencies: ["FuzzTargets"], swiftSettings: vectorISA),

        .testTarget(name: "TrainingTests", dependencies: ["Training", "NN", "Data"], swiftSettings: vectorISA),
        .testTarget(name: "NNTests", dependencies: ["NN"], swiftSettings: vectorISA),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets"], exclude: ["Regressions"], swiftSettings: vectorISA),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "Pruning", "Training", "Data", "NN", "HDF5"], swiftSettings: vectorISA),
        .testTarget(name: "PruningTests", dependencies: ["Pruning", "NN", "Data", "Training", "HDF5"], swiftSettings: vectorISA),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5"], exclude: ["Fixtures"], swiftSettings: vectorISA),
        .testTarget(name: "ModelTests", dependencies: ["NN", "HDF5", "Data"], exclude: ["Fixtures"], swiftSettings: vectorISA),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Bench", "Pruning"], exclude: ["Golden", "Reference"], swiftSettings: vectorISA),
        .testTarget(name: "DataTests", dependencies: ["Data", "HDF5", "NN"], exclude: ["Fixtures"], swiftSettings: vectorISA),
        .testTarget(name: "CLITests", dependencies: ["prunebench", "HDF5"], swiftSettings: vectorISA),
        .testTarget(name: "ScoreTests", dependencies: ["Pruning", "Data", "HDF5", "NN", "Training"], exclude: ["Fixtures"],
                    swiftSettings: vectorISA),
    ]
)
