import Foundation
import LifecertDomain
@testable import LifecertForms

/// The project's forms/ folder (two levels above this file's folder).
let formsFolder: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("forms").path
}()

/// The real templates, loaded once for all tests.
let library: FormLibrary = {
    do { return try FormLibrary.load(folder: formsFolder) } catch { fatalError("cannot load \(formsFolder): \(error)") }
}()

/// A page as OCR would give it: one word per whitespace-separated run of each line, with a box
/// (20 px per character, 50 px per line) and the given confidence.
func makePage(_ text: String, index: Int = 0, confidence: Double = 90, source: RecognizedPage.Source = .ocr) -> RecognizedPage {
    var words: [RecognizedWord] = []
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (li, line) in lines.enumerated() {
        var x = 0
        var current = ""
        var start = 0
        func flush() {
            if !current.isEmpty {
                words.append(RecognizedWord(text: current, confidence: confidence,
                                            box: PageBox(x: 100 + start * 20, y: 100 + li * 50, width: current.count * 20, height: 40),
                                            line: li))
            }
            current = ""
        }
        for ch in line {
            if ch.isWhitespace { flush() } else {
                if current.isEmpty { start = x }
                current.append(ch)
            }
            x += 1
        }
        flush()
    }
    return RecognizedPage(index: index, width: 2480, height: 3508, source: source, words: source == .textLayer ? [] : words,
                          text: text, languages: "chi_sim+eng")
}

/// Simplified → traditional for the characters the fold table knows (the reverse of folding).
let toTraditional: [Character: Character] = {
    var m: [Character: Character] = [:]
    for (t, s) in ScriptFolding.table.sorted(by: { $0.key.value < $1.key.value }) where m[Character(s)] == nil {
        m[Character(s)] = Character(t)
    }
    // Prefer the standard forms where the table also lists variants.
    m["证"] = "證"; m["为"] = "為"; m["户"] = "戶"; m["众"] = "眾"; m["里"] = "裡"; m["兹"] = "茲"; m["台"] = "臺"
    m["于"] = "於"; m["后"] = "後"
    return m
}()

func traditional(_ s: String) -> String { String(s.map { toTraditional[$0] ?? $0 }) }
func simplified(_ s: String) -> String { ScriptFolding.fold(s) }

/// Tesseract's habit: a space between every two CJK characters and around CJK punctuation.
func spacedOut(_ s: String) -> String {
    var out = ""
    var prev: Character?
    for c in s {
        if c == "\n" { out.append(c); prev = nil; continue }
        if let p = prev, FormText.isCJK(p) || FormText.isCJK(c), !p.isWhitespace, !c.isWhitespace { out.append(" ") }
        out.append(c)
        prev = c
    }
    return out
}

/// Full-width colons, brackets and commas become ASCII and ASCII ones full-width.
func swappedWidths(_ s: String) -> String {
    let map: [Character: Character] = ["：": ":", ":": "：", "（": "(", "(": "（", "）": ")", ")": "）", "，": ",", ",": "，"]
    return String(s.map { map[$0] ?? $0 })
}

/// One wrong character in the title (the first line): the third character becomes 口 (or X).
func damagedTitle(_ s: String) -> String {
    var lines = s.components(separatedBy: "\n")
    guard var first = lines.first.map(Array.init), first.count >= 3 else { return s }
    let i = min(2, first.count - 1)
    first[i] = first[i].isASCII ? (first[i] == "X" ? "Y" : "X") : "口"
    lines[0] = String(first)
    return lines.joined(separator: "\n")
}
