import Foundation
import LifecertDomain

/// The kind of document a scan holds (SPEC.md "Certificates that arrive"); `none` for anything
/// that is not a certificate (a cover letter, an envelope, a blank page, a passport copy).
public enum CertificateKind: String, Codable, Sendable, CaseIterable {
    case consular, hk, macao, taiwan, notary, none
}

/// Where one keyword of a template was found.
public struct KeywordHit: Codable, Sendable, Equatable {
    /// The keyword as the template writes it (for `a|b` alternatives, the alternative that was found).
    public var keyword: String
    /// The text on the page that matched (normalised, as printed).
    public var found: String
    /// `RecognizedPage.index` of the page it was on.
    public var page: Int
    /// Line number within that page's text.
    public var line: Int
    /// 0 for an exact match; 1 when one character was wrong, missing or extra (keywords of four or
    /// more characters only).
    public var distance: Int
}

/// Why one template did or did not match a document: the answer to "why did no template match
/// this file?".
///
/// Contract: `matched` is true exactly when every entry of `keywords` was found, at least
/// `anyRequired` of `anyKeywords` were found, and no `excludeKeywords` entry was found. `score`
/// (0–1) is the share of keywords and any-keywords found, an inexact match counting 0.75; it ranks
/// templates that did not match too, so the nearest miss is visible.
public struct TemplateVerdict: Codable, Sendable, Equatable {
    public var form: String
    public var kind: CertificateKind
    public var title: String
    public var priority: Int
    public var matched: Bool
    public var score: Double
    /// Required keywords found, and those missing.
    public var found: [KeywordHit]
    public var missing: [String]
    /// Optional keywords found and missing, and how many were needed.
    public var anyFound: [KeywordHit]
    public var anyMissing: [String]
    public var anyRequired: Int
    /// Exclusion keywords that were found (any one of them rules the template out).
    public var excluded: [KeywordHit]

    /// One sentence for a clerk: why it matched or not.
    public var reason: String {
        if matched {
            let inexact = (found + anyFound).filter { $0.distance > 0 }
            var s = "matches: all \(found.count) keyword(s) and \(anyFound.count) of \(anyFound.count + anyMissing.count) optional keyword(s) found"
            if !inexact.isEmpty {
                s += "; read with one character off: " + inexact.map { "\($0.keyword) as \($0.found)" }.joined(separator: ", ")
            }
            return s
        }
        var why: [String] = []
        if !missing.isEmpty { why.append("keyword(s) not found: " + missing.joined(separator: ", ")) }
        if anyFound.count < anyRequired {
            why.append("only \(anyFound.count) of the \(anyRequired) optional keyword(s) needed were found (missing: "
                       + anyMissing.joined(separator: ", ") + ")")
        }
        if !excluded.isEmpty {
            why.append("excluded by: " + excluded.map { "\($0.keyword) (page \($0.page + 1))" }.joined(separator: ", "))
        }
        return "no match: " + why.joined(separator: "; ")
    }
}

/// The result of classifying a document: the best template (or none) and a verdict for every
/// template in the library.
///
/// Contract: `form` is the id of the matching template with the highest priority (then the highest
/// score, then the id in alphabetical order), or nil when no template matched — then `kind` is
/// `.none`. `verdicts` holds one entry for every template, matching ones first, then by score.
public struct Classification: Codable, Sendable {
    public var form: String?
    public var kind: CertificateKind
    /// The chosen template's score (0 when none matched).
    public var score: Double
    public var verdicts: [TemplateVerdict]
    /// The chosen template itself (not encoded; nil after decoding).
    public var template: FormTemplate?

    enum CodingKeys: String, CodingKey { case form, kind, score, verdicts }

    public init(form: String?, kind: CertificateKind, score: Double, verdicts: [TemplateVerdict], template: FormTemplate? = nil) {
        self.form = form
        self.kind = kind
        self.score = score
        self.verdicts = verdicts
        self.template = template
    }

    /// The chosen template's verdict.
    public var best: TemplateVerdict? { form.flatMap { f in verdicts.first { $0.form == f } } }

    /// A plain-text report: the decision, then for every template whether it matched and why.
    public var explanation: String {
        var out = form.map { "Classified as \($0) (\(kind.rawValue)), score \(String(format: "%.2f", score))." }
            ?? "No template matched: not a certificate (kind none)."
        out += "\n"
        for v in verdicts {
            out += "  \(v.matched ? "✓" : "✗") \(v.form) [\(v.kind.rawValue), priority \(v.priority), score \(String(format: "%.2f", v.score))]: \(v.reason)\n"
        }
        return out
    }
}

/// Keyword search over the key text of prepared pages: exact, or with one edit for keywords of
/// four or more characters.
enum KeywordSearch {
    static let fuzzyMinimumLength = 4

    struct Hit {
        var alternative: Int
        var page: Int
        var start: Int
        var end: Int  // exclusive, in key scalars
        var distance: Int
    }

    /// Best hit of any alternative over the pages: exact hits win over inexact ones.
    static func search(_ alternatives: [[Unicode.Scalar]], in pages: [PreparedPage]) -> Hit? {
        var best: Hit?
        for (ai, alt) in alternatives.enumerated() where !alt.isEmpty {
            for (pi, p) in pages.enumerated() {
                if let s = exact(alt, in: p.key) {
                    return Hit(alternative: ai, page: pi, start: s, end: s + alt.count, distance: 0)
                }
                // Within one edit, at most one distinct keyword character can be absent from the page:
                // most pages are ruled out here without the quadratic search.
                if best == nil, alt.count >= fuzzyMinimumLength,
                   Set(alt).lazy.filter({ !p.keySet.contains($0) }).prefix(2).count <= 1,
                   let (s, e) = withinOne(alt, in: p.key) {
                    best = Hit(alternative: ai, page: pi, start: s, end: e, distance: 1)
                }
            }
        }
        return best
    }

    static func exact(_ needle: [Unicode.Scalar], in hay: [Unicode.Scalar]) -> Int? {
        guard !needle.isEmpty, needle.count <= hay.count else { return nil }
        let first = needle[0]
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// A substring of `hay` within edit distance 1 of `needle` (Sellers' algorithm), as (start, end).
    static func withinOne(_ needle: [Unicode.Scalar], in hay: [Unicode.Scalar]) -> (Int, Int)? {
        let m = needle.count
        guard m > 0, !hay.isEmpty else { return nil }
        // Column j holds, for each prefix needle[0..<i], the least edit distance to a substring of
        // hay ending before hay[j], and where that substring starts.
        var prev = Array(0...m)
        var prevStart = Array(repeating: 0, count: m + 1)
        var cur = Array(repeating: 0, count: m + 1)
        var curStart = Array(repeating: 0, count: m + 1)
        var found: (start: Int, end: Int, distance: Int)?
        for j in 1...hay.count {
            cur[0] = 0
            curStart[0] = j
            let h = hay[j - 1]
            for i in 1...m {
                let diag = prev[i - 1] + (needle[i - 1] == h ? 0 : 1)
                let up = cur[i - 1] + 1    // a keyword character missing from the page
                let left = prev[i] + 1     // an extra character on the page
                if diag <= up && diag <= left {
                    cur[i] = diag
                    curStart[i] = prevStart[i - 1]
                } else if up <= left {
                    cur[i] = up
                    curStart[i] = curStart[i - 1]
                } else {
                    cur[i] = left
                    curStart[i] = prevStart[i]
                }
            }
            if let f = found {
                // One column further: a substitution reads better than a deletion (健在确认胡 rather
                // than 健在确认 for 健在确认表), when it starts at the same place.
                if cur[m] <= f.distance && curStart[m] == f.start { return (f.start, j) }
                return (f.start, f.end)
            }
            if cur[m] <= 1 && curStart[m] < j { found = (curStart[m], j, cur[m]) }
            swap(&prev, &cur)
            swap(&prevStart, &curStart)
        }
        return found.map { ($0.start, $0.end) }
    }
}

/// A keyword entry of a template: one or more alternatives written `a|b`.
struct CompiledKeyword: Sendable {
    var text: String
    var alternatives: [String]
    var keys: [[Unicode.Scalar]]

    init(_ text: String) {
        self.text = text
        alternatives = text.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        keys = alternatives.map(FormText.keywordKey)
    }
}

extension FormTemplate {
    /// Checks this template's keywords against prepared pages.
    func verdict(on pages: [PreparedPage]) -> TemplateVerdict {
        func hit(_ k: CompiledKeyword) -> KeywordHit? {
            guard let h = KeywordSearch.search(k.keys, in: pages) else { return nil }
            let p = pages[h.page]
            let startSrc = p.keySource[h.start]
            let endSrc = p.keySource[max(h.start, h.end - 1)]
            var found = ""
            if startSrc.line == endSrc.line {
                let chars = p.lines[startSrc.line].display
                found = String(chars[startSrc.char...min(endSrc.char, chars.count - 1)])
            } else {
                for li in startSrc.line...endSrc.line {
                    let chars = p.lines[li].display
                    let a = li == startSrc.line ? startSrc.char : 0
                    let b = li == endSrc.line ? endSrc.char : chars.count - 1
                    if a <= b, b < chars.count { found += String(chars[a...b]) }
                }
            }
            return KeywordHit(keyword: k.alternatives[h.alternative], found: found, page: p.page.index,
                              line: startSrc.line, distance: h.distance)
        }
        var found: [KeywordHit] = []
        var missing: [String] = []
        for k in compiledKeywords {
            if let h = hit(k) { found.append(h) } else { missing.append(k.text) }
        }
        var anyFound: [KeywordHit] = []
        var anyMissing: [String] = []
        for k in compiledAnyKeywords {
            if let h = hit(k) { anyFound.append(h) } else { anyMissing.append(k.text) }
        }
        var excluded: [KeywordHit] = []
        for k in compiledExcludeKeywords {
            if let h = hit(k) { excluded.append(h) }
        }
        let total = Double(compiledKeywords.count + compiledAnyKeywords.count)
        let got = (found + anyFound).reduce(0.0) { $0 + ($1.distance == 0 ? 1.0 : 0.75) }
        let score = total > 0 ? got / total : 0
        let matched = missing.isEmpty && anyFound.count >= anyMinimum && excluded.isEmpty
        return TemplateVerdict(form: id, kind: kind, title: title, priority: priority, matched: matched,
                               score: (score * 1000).rounded() / 1000, found: found, missing: missing,
                               anyFound: anyFound, anyMissing: anyMissing, anyRequired: anyMinimum, excluded: excluded)
    }
}
