import Foundation
import GRDB

/// Runs the built `lifecert` and `lifecert-samples` binaries as a user would, capturing their output.
struct CommandRunner {
    struct Result {
        let status: Int32
        /// True when a signal ended the process (then `status` is the signal's number).
        var signalled = false
        let stdout: String
        let stderr: String
    }

    /// The folder holding the built products (the test bundle sits beside them).
    static let productsFolder: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("lifecert").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        fatalError("the lifecert binary was not built beside the tests (\(exe.path)); run `swift build` first")
    }()

    /// The repository root (for samples/).
    static let repository: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }()

    var environment: [String: String] = [:]
    var workingDirectory: URL?
    /// Whether `--store PATH` is pointed at the test backend (``TestBackend``); off for a test about
    /// a store file itself.
    var mapsStores = true

    func run(_ arguments: [String], tool: String = "lifecert") throws -> Result {
        let p = Process()
        p.executableURL = Self.productsFolder.appendingPathComponent(tool)
        let (mapped, storeEnvironment) = mapsStores ? TestBackend.arguments(arguments) : (arguments, [:])
        p.arguments = mapped
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "LIFECERT_STORE")
        env.removeValue(forKey: "LIFECERT_POLICY")
        for (k, v) in storeEnvironment { env[k] = v }
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if let workingDirectory { p.currentDirectoryURL = workingDirectory }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes while the process runs, so a large output cannot block it.
        // stderr is read on a thread of its own; a semaphore hands its bytes over (a happens-before
        // edge ThreadSanitizer sees, which polling `isFinished` is not).
        nonisolated(unsafe) var errData = Data()
        let errRead = DispatchSemaphore(value: 0)
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile(); errRead.signal() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        errRead.wait()
        return Result(status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A temporary folder for one test, removed when the value is released.
final class Scratch {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lifecert-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A GRDB configuration for a test that reads a store while lifecert processes write it (or were
/// just killed mid-write): it waits for their locks, as lifecert itself does, instead of failing
/// with "database is locked" while the next opener recovers the WAL.
func patientReader() -> Configuration {
    var c = Configuration()
    c.busyMode = .timeout(30)
    return c
}
