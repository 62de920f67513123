// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "fichesync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fichesync", targets: ["FicheSyncCLI"]),
        .library(name: "FicheSync", targets: ["FicheSync"]),
        .library(name: "Accounts", targets: ["Accounts"]),
        .library(name: "PRBot", targets: ["PRBot"]),
        .library(name: "Scheduler", targets: ["Scheduler"]),
        .executable(name: "fichesync-bench", targets: ["FicheSyncBenchmarks"]),
        .executable(name: "fichesync-floor", targets: ["FicheSyncFloor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Provider clients (reconcile): HTTP with retries, and SHA-1/HMAC for OVH and webhooks.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Counters and timers (provider requests, sync, reconcile) through the SSWG metrics
        // API, so `serve` can export them to Prometheus and tests read them with its test kit.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // Settings read once from the environment, secrets marked (fichesync config).
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: []),
        // Child processes (the embedded cluster's initdb and server, the tests' CLI runs and
        // tools): awaited without holding a thread of the concurrency pool, as Foundation's
        // Process did, and run as another user without runuser. FilePath comes from swift-system.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // GitHub App authentication: the app's JWT (RS256) traded for installation tokens.
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // The PR bot's messages (email text and HTML, Mattermost) as templates in files.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // `fichesync serve`: the web layer (Hummingbird 2 builds ~3x faster than Vapor here),
        // graceful shutdown on SIGTERM/SIGINT, and /metrics in the Prometheus text format.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Hummingbird's header types (already resolved through it): named here because the
        // server and its tests write headers GitHub's webhooks and browsers need by name.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
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
        // SMTP sending (STARTTLS, AUTH) for the outbox.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .target(
            name: "FicheSync",
            dependencies: [
                "CGit2", "CYAML",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // The embedded cluster's initdb and server, as the postgres user when root.
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            resources: [.copy("Migrations")]
        ),
        .target(
            name: "Providers",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
                "CCurl",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Sandbox",
            dependencies: [
                "FicheSync", "Providers",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
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
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The PR bot: submissions, fiches rendered with libyaml's emitter, in-place changes to
        // existing fiches, and the fork workflow. Its core is pure; GitHub sits at the edge.
        .target(
            name: "PRBot",
            dependencies: [
                "FicheSync", "CYAML", "Providers",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.copy("Messages/Templates")]
        ),
        // Cron-like jobs (Europe/Paris), one instance per tick through advisory locks and
        // `job_runs`. Knows no provider: the wiring layer gives each job its action.
        .target(
            name: "Scheduler",
            dependencies: [
                "FicheSync",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // `fichesync serve`: routes, templates and metrics over PRBot, Accounts and FicheSync;
        // the sandbox for the zero-config mode. The CLI's `serve` only parses its options.
        .target(
            name: "FicheSyncServer",
            dependencies: [
                "FicheSync", "Accounts", "PRBot", "Providers", "Sandbox", "Scheduler",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                // The sandbox's GitHub App key for the checks (RSA, which Crypto alone lacks).
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Templates")]
        ),
        .executableTarget(
            name: "FicheSyncCLI",
            dependencies: [
                "FicheSync", "Accounts", "PRBot", "Providers", "Sandbox", "Scheduler", "FicheSyncServer",
                // `serve` bootstraps swift-metrics on the server's Prometheus registry.
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "FicheSyncBenchmarks",
            dependencies: [
                "FicheSync", "Accounts", "PRBot", "Providers", "Sandbox",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Benchmarks/FicheSyncBenchmarks"
        ),
        // The floor `fichesync check` is measured against: libgit2 reads and libyaml events, one thread.
        .executableTarget(
            name: "FicheSyncFloor",
            dependencies: ["CGit2", "CYAML"],
            path: "Benchmarks/FicheSyncFloor"
        ),
        // Test-only helpers every test target uses: temporary databases (a real Postgres),
        // test trees and repositories, the CLI and child processes, the metrics test backend.
        .target(
            name: "TestKit",
            dependencies: [
                "FicheSync",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"), "Providers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/TestKit"
        ),
        // One test target per module.
        .testTarget(
            name: "FicheSyncTests",
            dependencies: [
                "FicheSync", "TestKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "ProvidersTests",
            dependencies: [
                "Providers", "Sandbox", "TestKit",
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "AccountsTests",
            dependencies: [
                "Accounts", "FicheSync", "Providers", "Sandbox", "TestKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "PRBotTests",
            dependencies: [
                // Accounts only for the merge-to-accounts test, which wires the reconcile in as
                // the CLI does: PRBot itself never depends on it.
                "PRBot", "FicheSync", "Providers", "Sandbox", "TestKit", "Accounts",
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // The outbox and reminder tests query their tables directly.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "SchedulerTests",
            dependencies: [
                "Scheduler", "FicheSync", "TestKit",
                .product(name: "Logging", package: "swift-log"),
                // The runs' tests read job_runs and open sessions of their own (a crashed claim).
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "SandboxTests",
            dependencies: [
                "Sandbox", "FicheSync", "Providers", "TestKit",
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // The hosted repositories' tests build their requests (methods, headers, bodies).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "FicheSyncCLITests",
            dependencies: [
                // The executable, so that `swift build --build-tests` builds the binary the tests run.
                "FicheSyncCLI",
                "FicheSync", "Accounts", "Providers", "Sandbox", "TestKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "FicheSyncServerTests",
            dependencies: [
                // The executable too: the zero-config test runs `fichesync serve` as a child.
                "FicheSyncCLI",
                "FicheSyncServer", "PRBot", "FicheSync", "Accounts", "Scheduler", "Providers", "Sandbox", "TestKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // The webhook test calls the sandbox GitHub's REST API (methods by name).
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
