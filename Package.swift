// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "fichesync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fichesync", targets: ["FicheSyncCLI"]),
        .library(name: "FicheSync", targets: ["FicheSync"]),
        .library(name: "Accounts", targets: ["Accounts"]),
        .executable(name: "fichesync-bench", targets: ["FicheSyncBenchmarks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .target(
            name: "FicheSync",
            dependencies: [
                "CGit2", "CYAML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.copy("Migrations")]
        ),
        .target(
            name: "Accounts",
            dependencies: [
                "FicheSync",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "FicheSyncCLI",
            dependencies: [
                "FicheSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "FicheSyncBenchmarks",
            dependencies: [
                "FicheSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/FicheSyncBenchmarks"
        ),
        .testTarget(
            name: "AccountsTests",
            dependencies: ["Accounts", "FicheSync"]
        ),
        .testTarget(
            name: "FicheSyncTests",
            dependencies: ["FicheSync", "FicheSyncCLI", "Accounts"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
