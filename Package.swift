// swift-tools-version:6.1
import PackageDescription

// Module map (one module per concern; see docs/ARCHITECTURE.md):
//   LifecertDomain      – pure Swift rules: policy, certification dates, identity numbers, recipients
//   LifecertNames       – personal names across scripts and romanisations (tables from Unihan)
//   LifecertMatching    – linking a certificate to its recipient: candidates, Fellegi–Sunter scores, checks
//   LifecertQueue       – the reviewer's terminal queue (ncurses) and the case sheet
//   LifecertInterchange – reading outside files: CSV with encoding detection, the registry extract
//   LifecertStore       – the store (SQLite through GRDB, or PostgreSQL through postgres-nio): schema, migrations, queries
//   LifecertDocuments   – scans, rendering and OCR (Tesseract, poppler-glib, cairo, Leptonica)
//   LifecertCLI         – the `lifecert` commands (swift-argument-parser)
let package = Package(
    name: "lifecert",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lifecert", targets: ["lifecert"]),
        .executable(name: "lifecert-samples", targets: ["lifecert-samples"]),
        .executable(name: "lifecert-load", targets: ["lifecert-load"]),
        // For the fuzzing package in Fuzz/ (scripts/fuzz); the normal build does not use it.
        .library(name: "LifecertParsers", targets: ["LifecertDomain", "LifecertInterchange", "LifecertForms"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(
            name: "CTesseract", path: "Sources/CTesseract", pkgConfig: "tesseract lept",
            providers: [.apt(["libtesseract-dev", "libleptonica-dev"])]),
        .systemLibrary(
            name: "CPoppler", path: "Sources/CPoppler", pkgConfig: "poppler-glib cairo",
            providers: [.apt(["libpoppler-glib-dev", "libcairo2-dev", "zlib1g-dev", "libfontconfig-dev"])]),

        .systemLibrary(
            name: "CNcurses", path: "Sources/CNcurses",
            providers: [.apt(["libncurses-dev"])]),

        .target(name: "LifecertDomain"),
        .target(name: "LifecertNames"),
        .target(name: "LifecertMatching", dependencies: ["LifecertDomain", "LifecertNames"]),
        .target(name: "LifecertInterchange", dependencies: ["LifecertDomain"]),
        .target(
            name: "LifecertStore",
            dependencies: [
                "LifecertDomain", "LifecertNames",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // Optimised in debug builds too: drawing ~9,500 name-character templates (NameShapes) takes
        // 16 s unoptimised, in every process that checks a name, tests included; ~1 s optimised.
        .target(name: "LifecertDocuments", dependencies: ["LifecertDomain", "CTesseract", "CPoppler"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "LifecertForms", dependencies: ["LifecertDomain", .product(name: "Yams", package: "Yams")]),
        .target(name: "LifecertIntake", dependencies: ["LifecertDomain", "LifecertDocuments", "LifecertForms", "LifecertStore", "LifecertMatching", "LifecertNames"]),
        .target(name: "LifecertQueue", dependencies: ["LifecertDomain", "LifecertStore", "CNcurses"]),
        .target(name: "LifecertBatch", dependencies: ["LifecertDomain", "LifecertInterchange", "LifecertStore", "LifecertMatching", "LifecertIntake"]),
        .target(
            name: "LifecertCLI",
            dependencies: [
                "LifecertDomain", "LifecertInterchange", "LifecertStore", "LifecertBatch", "LifecertDocuments", "LifecertForms", "LifecertIntake", "LifecertMatching", "LifecertQueue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]),
        .executableTarget(name: "lifecert", dependencies: ["LifecertCLI"]),
        .executableTarget(
            name: "lifecert-samples",
            dependencies: [
                "LifecertDomain", "CPoppler", "CTesseract",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Load for the review workflow: the concurrency test and docs/BENCHMARKS.md (not for users).
        .executableTarget(
            name: "lifecert-load",
            dependencies: ["LifecertDomain", "LifecertStore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        .testTarget(name: "LifecertBatchTests", dependencies: ["LifecertBatch", "LifecertStore", "LifecertDomain", "LifecertInterchange", "LifecertMatching", "LifecertIntake"]),
        .testTarget(name: "LifecertDomainTests", dependencies: ["LifecertDomain"]),
        .testTarget(name: "LifecertNamesTests", dependencies: ["LifecertNames"]),
        .testTarget(name: "LifecertMatchingTests", dependencies: ["LifecertMatching", "LifecertDomain"]),
        .testTarget(name: "LifecertInterchangeTests", dependencies: ["LifecertInterchange"]),
        .testTarget(
            name: "LifecertStoreTests",
            dependencies: ["LifecertStore", "LifecertInterchange", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "LifecertDocumentsTests", dependencies: ["LifecertDocuments"]),
        .testTarget(name: "LifecertFormsTests", dependencies: ["LifecertForms"]),
        .testTarget(name: "LifecertIntakeTests", dependencies: ["LifecertIntake", "LifecertDomain", "LifecertDocuments"]),
        .testTarget(name: "LifecertCLITests", dependencies: ["LifecertCLI", "LifecertStore", "LifecertDomain", .product(name: "GRDB", package: "GRDB.swift")]),
    ],
    swiftLanguageModes: [.v6]
)
