import Foundation

/// The list of recognised issuers (`forms/recognised-issuers.txt`), SPEC.md rule 10.
///
/// Contract: ``isRecognised(_:)`` compares the issuer as read, folded to simplified characters
/// with spaces removed, against the names, the `mission:` places and the `~` patterns. A broken
/// line is reported with its file and line, never skipped.
public struct RecognisedIssuers: Sendable {
    public let names: Set<String>
    public let missionPlaces: Set<String>
    let patterns: [NSRegularExpressionBox]
    /// The file it came from.
    public let file: String

    static let missionSuffixes = ["大使馆", "总领事馆", "领事馆", "领事办公室"]

    /// Loads the list; nil when the folder has no `recognised-issuers.txt`.
    public static func load(folder: String) throws -> RecognisedIssuers? {
        let path = (folder as NSString).appendingPathComponent("recognised-issuers.txt")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw FormLibraryError.unreadableFolder(path, "cannot be read as UTF-8 text: \(error.localizedDescription)")
        }
        var names = Set<String>(), places = Set<String>(), patterns: [NSRegularExpressionBox] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            if line.hasPrefix("~") {
                let source = String(line.dropFirst()).trimmingCharacters(in: .whitespaces)
                guard source.count <= 300, let re = try? NSRegularExpression(pattern: source) else {
                    throw FormLibraryError.badIssuerList(file: path, line: i + 1,
                        message: "'\(source.prefix(60))' is not a valid regular expression (at most 300 characters)")
                }
                patterns.append(NSRegularExpressionBox(re))
            } else if line.hasPrefix("mission:") {
                let place = key(String(line.dropFirst("mission:".count)))
                guard !place.isEmpty else {
                    throw FormLibraryError.badIssuerList(file: path, line: i + 1, message: "'mission:' needs a place after it")
                }
                places.insert(place)
            } else {
                names.insert(key(line))
            }
        }
        return RecognisedIssuers(names: names, missionPlaces: places, patterns: patterns, file: path)
    }

    /// The comparison form: folded to simplified, no spaces.
    static func key(_ s: String) -> String { FormText.foldedString(s).filter { !$0.isWhitespace } }

    public func isRecognised(_ issuer: String) -> Bool {
        let k = Self.key(issuer)
        if names.contains(k) { return true }
        var mission = k
        if mission.hasPrefix("中华人民共和国") { mission.removeFirst("中华人民共和国".count) }
        if mission.hasPrefix("驻") {
            for suffix in Self.missionSuffixes where mission.hasSuffix(suffix) {
                if missionPlaces.contains(String(mission.dropFirst().dropLast(suffix.count))) { return true }
            }
        }
        let range = NSRange(k.startIndex..., in: k)
        return patterns.contains { $0.regex.firstMatch(in: k, range: range) != nil }
    }
}

/// NSRegularExpression is immutable and thread-safe once built.
struct NSRegularExpressionBox: @unchecked Sendable {
    let regex: NSRegularExpression
    init(_ r: NSRegularExpression) { regex = r }
}
