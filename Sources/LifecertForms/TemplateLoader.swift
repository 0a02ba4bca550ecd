import Foundation
import LifecertDomain
import Yams

/// Something wrong with a template file, with where it is and how to fix it.
///
/// Contract: `file` is the path as the library was given it, `line` (1-based) the line of the YAML
/// node at fault (1 for whole-file problems), `message` says what is wrong and `fix` what to do.
/// A template with any `.error` problem is not loaded; `.warning`s are advice.
public struct FormProblem: Codable, Sendable, Equatable, CustomStringConvertible {
    /// `error`: the file is not loaded. `warning`: it is, but something deserves a look.
    public enum Severity: String, Codable, Sendable { case error, warning }
    public var file: String
    public var line: Int
    public var column: Int?
    public var severity: Severity
    public var message: String
    public var fix: String

    public init(file: String, line: Int, column: Int? = nil, severity: Severity = .error, message: String, fix: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
        self.fix = fix
    }

    /// `forms/hk-ftu.yaml:12: error: unknown key 'keyword' — fix: did you mean 'keywords'?`
    public var description: String {
        "\(file):\(line)\(column.map { ":\($0)" } ?? ""): \(severity.rawValue): \(message) — fix: \(fix)"
    }
}

/// Reads one template file into a ``FormTemplate``, collecting every problem on the way.
struct TemplateReader {
    static let maxFileBytes = 1 << 20
    static let maxPatternLength = 2000

    let file: String
    let id: String
    var problems: [FormProblem] = []

    static let topKeys = ["kind", "title", "languages", "keywords", "any_keywords", "any_min", "exclude_keywords",
                          "priority", "valid_from", "valid_until", "date_order", "calendar", "issuer", "fields",
                          "required", "description", "notes"]
    static let requiredTopKeys = ["kind", "title", "languages", "keywords", "fields"]
    static let fieldKeys = ["type", "patterns", "pattern", "normalize", "lines", "pick"]
    static let idKeys = ["id_type", "type", "patterns", "pattern", "normalize", "lines", "pick"]

    init(file: String, id: String) {
        self.file = file
        self.id = id
    }

    mutating func problem(_ line: Int?, _ message: String, fix: String, column: Int? = nil, severity: FormProblem.Severity = .error) {
        problems.append(FormProblem(file: file, line: line ?? 1, column: column, severity: severity, message: message, fix: fix))
    }

    var hasErrors: Bool { problems.contains { $0.severity == .error } }

    // MARK: - Reading

    /// Parses the text of a template file. Returns nil when any error was found.
    mutating func read(_ yaml: String) -> FormTemplate? {
        if yaml.utf8.count > Self.maxFileBytes {
            problem(1, "the file is larger than 1 MB (\(yaml.utf8.count) bytes)", fix: "a template is a few kilobytes; check that this is the right file")
            return nil
        }
        if let finding = YAMLGuard.check(yaml) {
            problem(finding.line, finding.message, fix: finding.fix, column: finding.column)
            return nil
        }
        let root: Node?
        do {
            // Keep the parser alive while the tree is walked: node anchors are weak references it owns.
            let parser = try Parser(yaml: yaml)
            root = try parser.singleRoot()
            if let root, let anchored = Self.firstAnchor(root) {
                problem(anchored, "a YAML anchor or alias", fix: "write the value out in full")
                return nil
            }
            withExtendedLifetime(parser) {}
        } catch let error as YamlError {
            let (line, column, text) = Self.describe(error)
            problem(line, "not valid YAML: \(text)", fix: "correct the YAML syntax at this place (indentation, a missing ':' or quote)", column: column)
            return nil
        } catch {
            problem(1, "not valid YAML: \(error)", fix: "correct the YAML syntax")
            return nil
        }
        guard let root, case .mapping(let top) = root else {
            problem(root?.mark?.line, "the file must be a mapping of keys (kind:, title:, keywords:, fields: …)",
                    fix: "start from an existing template in forms/")
            return nil
        }
        return readTemplate(top, rootLine: root.mark?.line ?? 1)
    }

    /// Line of the first node carrying an anchor (aliases resolve to their anchored node), searching
    /// in document order and stopping there: before the first anchor no subtree is shared, so the
    /// walk is linear in the file.
    static func firstAnchor(_ node: Node) -> Int? {
        if node.anchor != nil { return node.mark?.line ?? 1 }
        switch node {
        case .mapping(let m):
            for (k, v) in m {
                if let l = firstAnchor(k) ?? firstAnchor(v) { return l }
            }
        case .sequence(let s):
            for n in s { if let l = firstAnchor(n) { return l } }
        case .alias(let a):
            return a.mark?.line ?? 1
        case .scalar:
            break
        }
        return nil
    }

    static func describe(_ error: YamlError) -> (Int, Int?, String) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return (mark.line, mark.column, [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark.line, context.mark.column, "the key(s) \(duplicates.joined(separator: ", ")) appear twice in one mapping")
        case .reader(let problem, _, _, _):
            return (1, nil, problem)
        default:
            return (1, nil, "\(error)")
        }
    }

    // MARK: - Scalars

    func line(_ n: Node) -> Int { n.mark?.line ?? 1 }

    mutating func string(_ n: Node, _ what: String) -> String? {
        guard case .scalar(let s) = n else {
            problem(line(n), "\(what) must be a single value, not a list or mapping", fix: "write it on one line: `\(what): value`")
            return nil
        }
        return s.string
    }

    mutating func int(_ n: Node, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard let s = string(n, what) else { return nil }
        guard let v = Int(s.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
            problem(line(n), "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(s)'",
                    fix: "write a number such as \(range.lowerBound)")
            return nil
        }
        return v
    }

    /// A list of strings; a single string is taken as a list of one.
    mutating func strings(_ n: Node, _ what: String) -> [(String, Int)]? {
        switch n {
        case .scalar(let s):
            if s.string.isEmpty && s.style == .plain { return [] }
            return [(s.string, line(n))]
        case .sequence(let seq):
            var out: [(String, Int)] = []
            for item in seq {
                guard case .scalar(let s) = item else {
                    problem(line(item), "each entry of \(what) must be a single value", fix: "write `- value` entries")
                    return nil
                }
                out.append((s.string, line(item)))
            }
            return out
        default:
            problem(line(n), "\(what) must be a list", fix: "write `\(what):` followed by `- value` lines")
            return nil
        }
    }

    mutating func date(_ n: Node, _ what: String) -> LocalDate? {
        guard let s = string(n, what) else { return nil }
        guard let d = LocalDate(iso: s.trimmingCharacters(in: .whitespaces)) else {
            problem(line(n), "\(what) must be a date YYYY-MM-DD, not '\(s)'", fix: "write it as e.g. 2015-07-01")
            return nil
        }
        return d
    }

    mutating func unknownKey(_ key: String, at n: Node, known: [String], in what: String) {
        let suggestion = known.min { Self.distance($0, key) < Self.distance($1, key) }
        let close = suggestion.map { Self.distance($0, key) <= max(2, key.count / 3) } ?? false
        problem(line(n), "unknown key '\(key)' in \(what)",
                fix: close ? "did you mean '\(suggestion!)'?" : "the keys allowed here are: \(known.joined(separator: ", "))")
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        var cur = prev
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }

    // MARK: - The template

    mutating func readTemplate(_ top: Node.Mapping, rootLine: Int) -> FormTemplate? {
        var values: [String: Node] = [:]
        var keyLines: [String: Int] = [:]
        for (k, v) in top {
            guard let key = k.scalar?.string else {
                problem(line(k), "a key must be a plain word", fix: "write `key: value`")
                continue
            }
            if !Self.topKeys.contains(key) {
                unknownKey(key, at: k, known: Self.topKeys, in: "the template")
                continue
            }
            values[key] = v
            keyLines[key] = line(k)
        }
        for key in Self.requiredTopKeys where values[key] == nil {
            let example: String
            switch key {
            case "kind": example = "kind: consular   (one of consular, hk, macao, taiwan, notary)"
            case "title": example = "title: the document's printed title"
            case "languages": example = "languages: chi_sim+eng"
            case "keywords": example = "keywords: [a phrase every such certificate prints]"
            default: example = "fields: with name:, birth_date:, … each with patterns:"
            }
            problem(rootLine, "missing required key '\(key)'", fix: "add `\(example)`")
        }

        var kind = CertificateKind.none
        if let n = values["kind"], let s = string(n, "kind") {
            if let k = CertificateKind(rawValue: s), k != .none { kind = k } else {
                problem(line(n), "unknown kind '\(s)'", fix: "use one of: consular, hk, macao, taiwan, notary")
            }
        }
        var title = ""
        if let n = values["title"], let s = string(n, "title") {
            title = s
            if s.trimmingCharacters(in: .whitespaces).isEmpty { problem(line(n), "title is empty", fix: "write the document's title") }
        }
        var languages = ""
        if let n = values["languages"], let s = string(n, "languages") {
            languages = s.trimmingCharacters(in: .whitespaces)
            let ok = !languages.isEmpty && languages.split(separator: "+", omittingEmptySubsequences: false).allSatisfy { part in
                !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
            }
            if !ok { problem(line(n), "languages '\(s)' is not a Tesseract language string", fix: "write e.g. chi_sim+eng or chi_tra+por") }
        }
        let keywords = values["keywords"].flatMap { keywordList($0, "keywords") } ?? []
        if let n = values["keywords"], keywords.isEmpty, !hasErrors {
            problem(line(n), "keywords is empty: the template would match every page, cover letters included",
                    fix: "list at least one phrase that only this kind of certificate prints")
        }
        let anyKeywords = values["any_keywords"].flatMap { keywordList($0, "any_keywords") } ?? []
        let excludeKeywords = values["exclude_keywords"].flatMap { keywordList($0, "exclude_keywords") } ?? []
        var anyMin = anyKeywords.isEmpty ? 0 : 1
        if let n = values["any_min"], let v = int(n, "any_min", range: 0...1000) {
            anyMin = v
            if v > anyKeywords.count {
                problem(line(n), "any_min is \(v) but there are only \(anyKeywords.count) any_keywords", fix: "lower any_min or add any_keywords")
            }
        }
        var priority = 0
        if let n = values["priority"], let v = int(n, "priority", range: -1000...1000) { priority = v }
        let validFrom = values["valid_from"].flatMap { date($0, "valid_from") }
        let validUntil = values["valid_until"].flatMap { date($0, "valid_until") }
        if let f = validFrom, let u = validUntil, u < f {
            problem(keyLines["valid_until"], "valid_until \(u) is before valid_from \(f)", fix: "swap them")
        }
        var dateOrder: DateOrder?
        if let n = values["date_order"], let s = string(n, "date_order") {
            if let o = DateOrder(rawValue: s.lowercased()) { dateOrder = o } else {
                problem(line(n), "unknown date_order '\(s)'", fix: "use dmy, mdy or ymd")
            }
        }
        var calendar = FormCalendar.gregorian
        if let n = values["calendar"], let s = string(n, "calendar") {
            if let c = FormCalendar(rawValue: s.lowercased()) { calendar = c } else {
                problem(line(n), "unknown calendar '\(s)'", fix: "use gregorian or minguo")
            }
        }
        var issuer: String?
        if let n = values["issuer"], let s = string(n, "issuer") {
            issuer = s.trimmingCharacters(in: .whitespaces)
            if issuer!.isEmpty { issuer = nil }
        }
        var fields: [FieldSpec] = []
        if let n = values["fields"] { fields = readFields(n) }
        var required: [FieldName] = []
        if let n = values["required"], let list = strings(n, "required") {
            for (s, l) in list {
                guard let f = FieldName(rawValue: s) else {
                    problem(l, "unknown field '\(s)' in required", fix: "use one of: " + FieldName.allCases.map(\.rawValue).joined(separator: ", "))
                    continue
                }
                let defined = fields.contains { $0.name == f } || (f == .issuer && issuer != nil)
                if !defined {
                    problem(l, "required field '\(s)' has no patterns in fields\(f == .issuer ? " and no fixed issuer" : "")",
                            fix: "add fields: \(s): patterns: […], or remove it from required")
                }
                required.append(f)
            }
        }
        if hasErrors { return nil }
        return FormTemplate(
            id: id, file: file, kind: kind, title: title, languages: languages,
            keywords: keywords, anyKeywords: anyKeywords, anyMinimum: anyMin, excludeKeywords: excludeKeywords,
            priority: priority, validFrom: validFrom, validUntil: validUntil, dateOrder: dateOrder,
            calendar: calendar, issuer: issuer, fields: fields, required: required,
            compiledKeywords: keywords.map(CompiledKeyword.init),
            compiledAnyKeywords: anyKeywords.map(CompiledKeyword.init),
            compiledExcludeKeywords: excludeKeywords.map(CompiledKeyword.init))
    }

    mutating func keywordList(_ n: Node, _ what: String) -> [String]? {
        guard let list = strings(n, what) else { return nil }
        var out: [String] = []
        for (s, l) in list {
            let c = CompiledKeyword(s)
            if c.keys.isEmpty || c.keys.contains(where: \.isEmpty) {
                problem(l, "empty keyword in \(what)", fix: "remove it, or write a phrase")
                continue
            }
            out.append(s)
        }
        return out
    }

    // MARK: - Fields

    mutating func readFields(_ n: Node) -> [FieldSpec] {
        guard case .mapping(let m) = n else {
            problem(line(n), "fields must be a mapping of field names", fix: "write `fields:` then `  name:` … indented below it")
            return []
        }
        var out: [FieldSpec] = []
        for (k, v) in m {
            guard let key = k.scalar?.string else { problem(line(k), "a field name must be a plain word", fix: "write e.g. `name:`"); continue }
            guard let name = FieldName(rawValue: key) else {
                let known = FieldName.allCases.map(\.rawValue)
                let suggestion = known.min { Self.distance($0, key) < Self.distance($1, key) }!
                problem(line(k), "unknown field '\(key)'",
                        fix: Self.distance(suggestion, key) <= 2 ? "did you mean '\(suggestion)'?" : "use one of: " + known.joined(separator: ", "))
                continue
            }
            if name == .ids {
                guard case .sequence(let seq) = v else {
                    problem(line(v), "ids must be a list of entries, each with id_type and patterns",
                            fix: "write `ids:` then `  - id_type: HK_ID` and `    patterns: […]`")
                    continue
                }
                for entry in seq {
                    if let spec = readField(entry, name: .ids, keyLine: line(entry)) { out.append(spec) }
                }
            } else if let spec = readField(v, name: name, keyLine: line(k)) {
                out.append(spec)
            }
        }
        return out
    }

    mutating func readField(_ n: Node, name: FieldName, keyLine: Int) -> FieldSpec? {
        let what = name == .ids ? "an ids entry" : "field '\(name.rawValue)'"
        guard case .mapping(let m) = n else {
            problem(keyLine, "\(what) must be a mapping with patterns:", fix: "indent `patterns:` under it")
            return nil
        }
        let known = name == .ids ? Self.idKeys : Self.fieldKeys
        var type = name.defaultType
        var idTypes: [IdentityType] = []
        var patterns: [FieldPattern] = []
        var normalize: [NormalizeStep] = []
        var lines = 1
        var pick = FieldPick.first
        var sawPatterns = false
        let before = problems.count
        for (k, v) in m {
            guard let key = k.scalar?.string else { continue }
            switch key {
            case "type":
                guard let s = string(v, "type") else { continue }
                guard let t = FieldType(rawValue: s) else {
                    problem(line(v), "unknown type '\(s)' for \(what)", fix: "use one of: " + FieldType.allCases.map(\.rawValue).joined(separator: ", "))
                    continue
                }
                if !name.allowedTypes.contains(t) {
                    problem(line(v), "type '\(s)' cannot be used for \(what)",
                            fix: "use " + name.allowedTypes.map(\.rawValue).sorted().joined(separator: " or "))
                    continue
                }
                type = t
            case "id_type" where name == .ids:
                guard let list = strings(v, "id_type") else { continue }
                for (s, l) in list {
                    if let t = IdentityType(rawValue: s) { idTypes.append(t) } else {
                        problem(l, "unknown id_type '\(s)'", fix: "use one of: " + IdentityType.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                }
            case "patterns", "pattern":
                sawPatterns = true
                guard let list = strings(v, key) else { continue }
                for (s, l) in list {
                    if let p = compilePattern(s, line: l, field: what) { patterns.append(p) }
                }
            case "normalize":
                guard let list = strings(v, "normalize") else { continue }
                for (s, l) in list {
                    if let step = NormalizeStep(rawValue: s) { normalize.append(step) } else {
                        problem(l, "unknown normalize step '\(s)'", fix: "use one of: " + NormalizeStep.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                }
            case "lines":
                if let v = int(v, "lines", range: 1...3) { lines = v }
            case "pick":
                guard let s = string(v, "pick") else { continue }
                if let p = FieldPick(rawValue: s) { pick = p } else { problem(line(v), "unknown pick '\(s)'", fix: "use first or last") }
            default:
                unknownKey(key, at: k, known: known, in: what)
            }
        }
        if name == .ids && idTypes.isEmpty && problems.count == before {
            problem(keyLine, "an ids entry needs id_type", fix: "add `id_type: HK_ID` (or a list of types to try in order)")
        }
        if !sawPatterns {
            problem(keyLine, "\(what) has no patterns", fix: "add `patterns:` with at least one regular expression with a capture group")
        } else if patterns.isEmpty && problems.count == before {
            problem(keyLine, "\(what) has an empty patterns list", fix: "add at least one regular expression with a capture group")
        }
        guard problems.count == before else { return nil }
        return FieldSpec(name: name, type: type, idTypes: idTypes, patterns: patterns, normalize: normalize,
                         lines: lines, pick: pick, definedAt: keyLine)
    }

    mutating func compilePattern(_ source: String, line: Int, field: String) -> FieldPattern? {
        guard source.count <= Self.maxPatternLength else {
            problem(line, "pattern of \(field) is \(source.count) characters long", fix: "keep patterns under \(Self.maxPatternLength) characters")
            return nil
        }
        let expanded: String
        switch PatternMacros.expand(source) {
        case .success(let s): expanded = s
        case .failure(let e):
            problem(line, "unknown macro \(e.names.map { "{{\($0)}}" }.joined(separator: ", ")) in a pattern of \(field)",
                    fix: "use one of: " + PatternMacros.all.keys.sorted().map { "{{\($0)}}" }.joined(separator: ", "))
            return nil
        }
        let folded = PatternMacros.fold(expanded)
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: folded, options: [.caseInsensitive])
        } catch {
            problem(line, "pattern of \(field) is not a valid regular expression: \(source)",
                    fix: "check brackets and escapes (a literal ( or . needs a backslash: \\( \\.); in single quotes a backslash is written once")
            return nil
        }
        if let bad = RegexSafety.nestedQuantifier(in: folded) {
            problem(line, "pattern of \(field) repeats a group that itself repeats (\(bad)): it can take exponential time on some text",
                    fix: "remove the inner or the outer repetition, e.g. write (a+)+ as a+ and (\\s*\\d)+ as [\\s\\d]+")
            return nil
        }
        guard regex.numberOfCaptureGroups >= 1 else {
            problem(line, "pattern of \(field) has no capture group: \(source)",
                    fix: "put ( ) around the part that is the value, and (?: ) around other groups")
            return nil
        }
        return FieldPattern(source: source, expanded: folded, line: line, regex: regex)
    }
}
