import Foundation
import FuzzSupport
import LifecertDomain
import LifecertForms

// The template YAML loader (Sources/LifecertForms/TemplateLoader.swift, YAMLGuard.swift,
// PatternSafety.swift). The first byte chooses the mode:
//  - even: the rest is a whole template file (seeds: forms/*.yaml);
//  - odd: the rest is one field pattern, put into a minimal template, to reach the regex checks
//    directly.
// A template that loads is then run over text made to make a careless pattern backtrack (long runs of
// each character the pattern names, and the input itself); `-timeout` turns a regex that takes
// exponential time past PatternSafety into a finding. Invariants: a template loads exactly when
// no error was reported; every problem names a line ≥ 1 and says what to fix; what the template
// reads satisfies the reading invariants (FuzzSupport/Certificates.swift).

let today = LocalDate(year: 2026, month: 11, day: 30)!

func skeleton(pattern: String) -> String {
    let single = pattern.split(whereSeparator: \.isNewline).joined(separator: " ").replacingOccurrences(of: "'", with: "''")
    return """
    kind: consular
    title: Fuzz
    languages: eng
    keywords:
      - FUZZ
    fields:
      name:
        patterns:
          - '\(single)'
    """
}

func hostileText(for pattern: String) -> String {
    var lines = ["FUZZ", pattern]
    var seen: Set<Character> = []
    for c in pattern where !c.isWhitespace && !"\\()[]{}|?*+^$.".contains(c) && seen.insert(c).inserted && seen.count <= 12 {
        lines.append(String(repeating: String(c), count: 480) + "!")
        lines.append(String(repeating: "\(c) ", count: 240) + "!")
    }
    lines.append(String(repeating: "a", count: 480) + "!")
    lines.append(String(repeating: "1", count: 480) + "!")
    lines.append(String(repeating: "姓名", count: 240) + "!")
    return lines.joined(separator: "\n")
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let all = bytes(data, size)
    guard let mode = all.first else { return 0 }
    let text = String(decoding: all.dropFirst(), as: UTF8.self)
    let yaml = mode & 1 == 0 ? text : skeleton(pattern: text)
    let (template, problems) = FormLibrary.parse(yaml: yaml, id: "fuzz")
    for p in problems {
        require(p.line >= 1, "problem on line \(p.line): \(p)")
        require(!p.message.isEmpty && !p.fix.isEmpty, "problem without message or fix: \(p)")
        _ = p.description
    }
    let errors = problems.contains { $0.severity == .error }
    require((template == nil) == errors, "template \(template == nil ? "refused" : "loaded") with problems \(problems)")
    guard let template else { return 0 }
    let patterns = template.fields.flatMap(\.patterns).map(\.source).joined(separator: "\n")
    let pages = ocrPages(hostileText(for: patterns) + "\n" + text)
    let library = FormLibrary(templates: [template])
    let reading = library.read(pages, today: today)
    checkCertificate(reading.certificate, today: today)
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }

runFuzzer { fuzzOne($0, $1) }
