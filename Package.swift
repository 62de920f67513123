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
        // Provider clients (reconcile): HTTP with retries, and SHA-1/HMAC for OVH and webhooks.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
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
            name: "Providers",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "FicheSync", "Providers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Accounts",
            dependencies: [
                "FicheSync", "Providers",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .executableTarget(
            name: "FicheSyncCLI",
            dependencies: [
                "FicheSync", "Accounts", "Providers", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "FicheSyncBenchmarks",
            dependencies: [
                "FicheSync", "Accounts", "Providers", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
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
            dependencies: ["FicheSync", "FicheSyncCLI", "Accounts", "Providers", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
