import Foundation
import LifecertDomain

/// How page text is normalised before templates look at it.
///
/// Contract — every line of a page goes through these steps, in this order:
/// 1. Unicode NFKC: full-width letters, digits and punctuation become ASCII (`：`→`:`, `（`→`(`,
///    `Ａ１`→`A1`), the ideographic space becomes a space, `º` becomes `o`.
/// 2. Whitespace: a run of spaces is removed when a CJK character (ideograph, CJK punctuation,
///    kana) stands on either side of it, when it follows an opening bracket, or when it precedes a
///    closing bracket or `,` `.` `:` `;`. Any other run becomes one space. So Tesseract's
///    `姓 名 ： 陈 伟` becomes `姓名:陈伟` and `( 2026 )` becomes `(2026)`.
/// 3. The line is cut at ``maxLineLength`` characters (bounds regex run time).
///
/// Keywords and patterns are matched against the *folded* line: the same text with traditional
/// characters folded to simplified ones (``ScriptFolding``), one character for one, so a match's
/// position in the folded line is the same in the displayed one. Values are taken from the
/// displayed (unfolded) line. Keyword matching additionally ignores case, accents and all spaces.
public enum FormText {
    /// Lines are cut at this many characters before any pattern runs on them.
    public static let maxLineLength = 500

    /// True for CJK ideographs, CJK symbols and punctuation, kana, and full-width forms.
    static func isCJK(_ c: Character) -> Bool {
        guard let v = c.unicodeScalars.first?.value else { return false }
        switch v {
        case 0x2E80...0x2FDF, 0x3000...0x303F, 0x3040...0x30FF, 0x3100...0x312F, 0x3190...0x31FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFFEF,
             0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    static let openers: Set<Character> = ["(", "[", "{"]
    static let closersAndPunctuation: Set<Character> = [")", "]", "}", ",", ".", ":", ";"]

    /// Normalises one line (steps 1–3), keeping for each output character the offset of the input
    /// character it came from.
    static func normalize(_ original: [Character]) -> (chars: [Character], source: [Int]) {
        var items: [(Character, Int)] = []
        items.reserveCapacity(original.count)
        for (i, c) in original.enumerated() {
            if c.isASCII {
                if c.isWhitespace { items.append((" ", i)) } else if !(c.asciiValue! < 0x20 || c.asciiValue! == 0x7F) { items.append((c, i)) }
                continue
            }
            let n = String(c).precomposedStringWithCompatibilityMapping
            for ch in n {
                if ch.isWhitespace || ch == "\u{200B}" || ch == "\u{FEFF}" {
                    items.append((" ", i))
                } else if let s = ch.unicodeScalars.first, s.properties.generalCategory == .control || s.properties.generalCategory == .format {
                    continue
                } else {
                    items.append((ch, i))
                }
            }
        }
        var chars: [Character] = []
        var source: [Int] = []
        chars.reserveCapacity(items.count)
        source.reserveCapacity(items.count)
        var k = 0
        while k < items.count {
            if items[k].0 == " " {
                var j = k
                while j < items.count && items[j].0 == " " { j += 1 }
                if let left = chars.last, j < items.count {
                    let right = items[j].0
                    let drop = isCJK(left) || isCJK(right) || openers.contains(left) || closersAndPunctuation.contains(right)
                    if !drop {
                        chars.append(" ")
                        source.append(items[k].1)
                    }
                }
                k = j
            } else {
                chars.append(items[k].0)
                source.append(items[k].1)
                k += 1
            }
        }
        if chars.count > maxLineLength {
            chars.removeLast(chars.count - maxLineLength)
            source.removeLast(source.count - maxLineLength)
        }
        return (chars, source)
    }

    /// The normalised form of one line of text (steps 1–3, not folded).
    public static func normalizedString(_ line: String) -> String {
        String(normalize(Array(line)).chars)
    }

    /// The folded form a keyword or pattern is compared in: normalised and traditional→simplified.
    public static func foldedString(_ line: String) -> String {
        String(normalize(Array(line)).chars.map(ScriptFolding.fold))
    }

    /// The traditional (and variant) characters that fold to `simplified` (馮 for 冯; none for a
    /// character written the same in both scripts).
    public static func traditionalForms(of simplified: Character) -> [Character] {
        guard let u = simplified.unicodeScalars.first, simplified.unicodeScalars.count == 1 else { return [] }
        return (ScriptFolding.unfolded[u] ?? []).map(Character.init)
    }

    /// The normalised lines of a page, as templates see them (for showing why a template did or did
    /// not match).
    public static func normalizedLines(of page: RecognizedPage) -> [String] {
        PreparedPage(page, position: 0).lines.map { String($0.display) }
    }

    /// The key form for keyword search: folded, lower case, accents and all whitespace removed.
    /// Each key scalar keeps the index of the character it came from.
    static func keyScalars(_ chars: [Character]) -> (scalars: [Unicode.Scalar], source: [Int]) {
        var out: [Unicode.Scalar] = []
        var src: [Int] = []
        out.reserveCapacity(chars.count)
        for (i, c) in chars.enumerated() {
            if c.isWhitespace { continue }
            if c.isASCII {
                out.append(contentsOf: c.lowercased().unicodeScalars)
                src.append(i)
                continue
            }
            let lowered = String(ScriptFolding.fold(c)).lowercased().decomposedStringWithCanonicalMapping
            for s in lowered.unicodeScalars where s.properties.generalCategory != .nonspacingMark && !s.properties.isWhitespace {
                out.append(s)
                src.append(i)
            }
        }
        return (out, src)
    }

    /// The key form of a keyword as written in a template.
    static func keywordKey(_ keyword: String) -> [Unicode.Scalar] {
        keyScalars(normalize(Array(keyword)).chars).scalars
    }
}

/// One normalised line of a page, with the OCR word each character came from.
struct PreparedLine: Sendable {
    /// Position of the page in the array passed in (not `RecognizedPage.index`).
    var page: Int
    /// Line number in the page's text.
    var line: Int
    var display: [Character]
    var folded: [Character]
    /// For each character of `display`: the index in `page.words` of the word it belongs to.
    var word: [Int?]
}

/// A page made ready for templates: its normalised lines and the key text for keyword search.
struct PreparedPage: Sendable {
    var position: Int
    var page: RecognizedPage
    var lines: [PreparedLine]
    /// Key scalars of the whole page (all lines, no separators).
    var key: [Unicode.Scalar]
    /// For each key scalar: (line, character in that line's `display`).
    var keySource: [(line: Int, char: Int)]
    /// The distinct key scalars, to rule out keywords quickly.
    var keySet: Set<Unicode.Scalar>

    init(_ page: RecognizedPage, position: Int) {
        self.position = position
        self.page = page
        var text = page.text
        if text.isEmpty && !page.words.isEmpty {
            // A page that carries words but no text: rebuild the lines from the words.
            let maxLine = page.words.map(\.line).max() ?? 0
            var rows = Array(repeating: [String](), count: maxLine + 1)
            for w in page.words where w.line >= 0 { rows[w.line].append(w.text) }
            text = rows.map { $0.joined(separator: " ") }.joined(separator: "\n")
        }
        let rawLines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { Array($0) }
        // Find every word on its line, in order, to know which characters it covers.
        var wordsByLine: [Int: [Int]] = [:]
        for (i, w) in page.words.enumerated() { wordsByLine[w.line, default: []].append(i) }
        var lines: [PreparedLine] = []
        lines.reserveCapacity(rawLines.count)
        var key: [Unicode.Scalar] = []
        var keySource: [(line: Int, char: Int)] = []
        for (li, raw) in rawLines.enumerated() {
            var owner = [Int?](repeating: nil, count: raw.count)
            if let ws = wordsByLine[li] {
                var cursor = 0
                for wi in ws {
                    let wchars = Array(page.words[wi].text)
                    guard !wchars.isEmpty, let start = Self.find(wchars, in: raw, from: cursor) else { continue }
                    for k in start..<(start + wchars.count) { owner[k] = wi }
                    cursor = start + wchars.count
                }
            }
            let (chars, source) = FormText.normalize(raw)
            let folded = chars.map(ScriptFolding.fold)
            let word = source.map { owner[$0] }
            lines.append(PreparedLine(page: position, line: li, display: chars, folded: folded, word: word))
            let (ks, kSrc) = FormText.keyScalars(folded)
            key.append(contentsOf: ks)
            keySource.append(contentsOf: kSrc.map { (li, $0) })
        }
        self.lines = lines
        self.key = key
        self.keySource = keySource
        self.keySet = Set(key)
    }

    static func find(_ needle: [Character], in hay: [Character], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] {
                var ok = true
                for k in 1..<needle.count where hay[i + k] != needle[k] { ok = false; break }
                if ok { return i }
            }
            i += 1
        }
        return nil
    }
}
