import Foundation

/// Opens an archived scan in the reviewer's viewer: `$LIFECERT_VIEWER` (a command, given the
/// file's path as its last argument), else `xdg-open`.
///
/// Contract: the viewer gets the archived file's path and nothing else; lifecert waits for the
/// viewer command to return (a terminal viewer takes the screen meanwhile) and reports its exit
/// status. The archived file is read-only and never changed.
public enum ScanViewer {
    /// The viewer command that ``open(_:)`` runs.
    public static var command: String {
        ProcessInfo.processInfo.environment["LIFECERT_VIEWER"].flatMap { $0.isEmpty ? nil : $0 } ?? "xdg-open"
    }

    /// Runs the viewer on `path`; returns its exit status (127: no such viewer).
    public static func open(_ path: String) throws -> Int32 {
        var words = command.split(separator: " ").map(String.init)
        words.append(path)
        var pid: pid_t = 0
        let argv = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawnp(&pid, words[0], nil, nil, argv, environ)
        guard rc == 0 else { return 127 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
