// swift-tools-version:6.1
// Fuzz targets for the parsers that read outside data (issue 8). Built only by scripts/fuzz, with
// `swift build -Xswiftc -sanitize=fuzzer,address`; `swift build` / `swift test` at the top level
// never see this package. Each executable is a libFuzzer binary (see Sources/FuzzSupport).
import Foundation
import PackageDescription

// A path dependency's identity is the lower-cased name of its folder: the checkout's folder, whatever it is called.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()
let parsers: Target.Dependency = .product(name: "LifecertParsers", package: mainPackage)

let targets = ["csv", "registry", "batch", "dates", "ids", "templates", "extract"]

let package = Package(
    name: "lifecert-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: "..")],
    targets: [.target(name: "FuzzSupport", dependencies: [parsers])]
        + targets.map { .executableTarget(name: "fuzz-\($0)", dependencies: ["FuzzSupport", parsers]) },
    swiftLanguageModes: [.v6]
)
