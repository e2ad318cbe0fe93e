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
    ],
    targets: [
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "HDF5", dependencies: ["CHDF5"], swiftSettings: vectorISA),
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
        .target(name: "NN", dependencies: ["CBLAS", "CKernels"], swiftSettings: kernelSettings),
        .target(name: "Data", dependencies: ["HDF5", "NN", "CZlib"], swiftSettings: vectorISA),
        .target(
            name: "PruneBenchCLI",
            dependencies: [
                "HDF5", "NN", "Data",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: vectorISA),
        .executableTarget(name: "prunebench", dependencies: ["PruneBenchCLI"], swiftSettings: vectorISA),

        .testTarget(name: "NNTests", dependencies: ["NN"], swiftSettings: vectorISA),
    ]
)
