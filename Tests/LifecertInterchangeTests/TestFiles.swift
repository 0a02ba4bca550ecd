import Foundation

/// A temporary folder for one test, removed when the value is released.
final class TemporaryFolder {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lifecert-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, bytes: [UInt8]) -> String {
        let path = url.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func write(_ name: String, _ text: String) -> String { write(name, bytes: Array(text.utf8)) }

    /// Writes `text` converted to GB18030 by the system's iconv (as a Chinese-Windows spreadsheet would).
    func writeGB18030(_ name: String, _ text: String) throws -> String {
        let source = write(name + ".utf8", text)
        let target = url.appendingPathComponent(name).path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        p.arguments = ["-f", "UTF-8", "-t", "GB18030", "-o", target, source]
        try p.run()
        p.waitUntilExit()
        precondition(p.terminationStatus == 0, "iconv failed")
        return target
    }
}
