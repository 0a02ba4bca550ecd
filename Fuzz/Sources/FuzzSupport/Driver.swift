#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// SwiftPM links an executable's `main` to `<module>_main` (so tests can import executables), which
// leaves no room for libFuzzer's own `main` (`-parse-as-library` then fails to link with an
// undefined `fuzz_csv_main`). So each target keeps its top-level code and hands control to
// libFuzzer through `LLVMFuzzerRunDriver` (libFuzzer ≥ LLVM 11), which parses the usual flags
// (-max_total_time, -timeout, -rss_limit_mb, corpus folders, crash files to replay).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Runs libFuzzer with the process's arguments and `callback` as `LLVMFuzzerTestOneInput`; never returns.
public func runFuzzer(_ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
}

/// The input as bytes (libFuzzer may pass a null pointer for an empty input).
public func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// An invariant the code under test promises; a violation is a finding (libFuzzer saves the input).
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                    file: StaticString = #file, line: UInt = #line) {
    if !condition() {
        fatalError("invariant violated: \(message())", file: file, line: line)
    }
}

/// A scratch file of this process, rewritten for each input (the readers under test take a path).
public final class ScratchFile: @unchecked Sendable {
    public let path: String

    public init(suffix: String) {
        let dir = getenv("TMPDIR").map { String(cString: $0) } ?? (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp")
        path = "\(dir)/lifecert-fuzz-\(getpid())\(suffix)"
    }

    deinit { unlink(path) }

    public func write(_ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot write \(path)")
        var done = 0
        bytes.withUnsafeBytes { b in
            while done < b.count {
                let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
                precondition(n > 0, "cannot write \(path)")
                done += n
            }
        }
        close(fd)
    }
}
