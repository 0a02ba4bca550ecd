import Foundation
import LifecertDocuments
import LifecertForms
import LifecertNames

/// Checks each character of a Chinese name read by OCR against its printed shape.
///
/// Debian's Tesseract models (`tessdata_fast`) misread some common name characters in some
/// typefaces whatever the scan's quality (霞 read as 起, 磊 as 宕, 涛 as 沟), and no second OCR
/// reading proposes the right one. So each character's cell is cut from the page
/// (``GrayImage/characterCells(around:count:)``) and its shape compared with every character names
/// are written with (``NameCharacters/common``, about 3,000, each drawn in simplified and
/// traditional forms by ``GlyphTemplates``). The OCR character is replaced only when another's
/// shape is close (``floor``) and clearly closer (by ``margin`` in cosine similarity, more when
/// it is the rarer name character and less when it is the more common one, ``prior``), and only
/// when another cell of the name confirms the cells were cut right (its closest shape is its OCR
/// character, ``confirmation``). A replaced character is reported (a `name_shape` flag) so the
/// reviewer compares it with the scan. The thresholds were set on generated scans of another seed
/// than the benchmark's (docs/BENCHMARKS.md).
///
/// Contract: never changes the number of characters; returns the name unchanged when the
/// typefaces are not installed or the cells cannot be cut.
public final class NameShapes: Sendable {
    /// One candidate character and its shapes (simplified and traditional, in each typeface).
    struct Candidate: Sendable {
        let character: Character
        let shapes: [GlyphShape]
    }

    /// What the check found at one position.
    public struct Change: Sendable, Equatable {
        public var position: Int
        public var read: Character
        public var shape: Character
        public var readSimilarity: Float
        public var shapeSimilarity: Float
    }

    /// How much closer another character's shape must be than the OCR character's.
    public static let margin: Float = 0.04
    /// How close a replacing character's shape must be at least.
    public static let floor: Float = 0.84
    /// A cell whose closest shape is its OCR character, this close, confirms the cells were cut right.
    public static let confirmation: Float = 0.85
    let templates: GlyphTemplates
    let candidates: [Candidate]

    /// The check lifecert uses, built on first use (about a second: every candidate is drawn).
    public static let shared = NameShapes(templates: .shared, characters: NameCharacters.common)

    init(templates: GlyphTemplates, characters: String) {
        self.templates = templates
        guard templates.isAvailable else { candidates = []; return }
        var seen = Set<Character>()
        candidates = characters.compactMap { c in
            guard seen.insert(c).inserted else { return nil }
            return Self.candidate(c, templates)
        }
    }

    static func candidate(_ c: Character, _ templates: GlyphTemplates) -> Candidate? {
        let shapes = templates.shapes(of: c, traditional: false)
            + FormText.traditionalForms(of: c).flatMap { templates.shapes(of: $0, traditional: true) }
        return shapes.isEmpty ? nil : Candidate(character: c, shapes: shapes)
    }

    static func similarity(_ cell: GlyphShape, _ candidate: Candidate) -> Float {
        candidate.shapes.reduce(0) { max($0, cell.similarity($1)) }
    }

    /// How much a character's frequency in names counts: ``prior`` per tenfold count. A common
    /// name character (林, in 227,132 given names of the corpus) is not replaced by a rare one
    /// (钵, 117) whose shape is only a little closer, and a rare reading (沟, 34) gives way more
    /// easily to a common character (涛, 186,012).
    public static let prior: Float = 0.03

    /// How much closer `to`'s shape must be than `from`'s: ``margin``, more when `to` is the rarer
    /// name character, less when it is the more common one, never under 0.01.
    func required(from: Character, to: Character) -> Float {
        func weight(_ c: Character) -> Float { Float(log10(1 + Double(NameCharacters.frequencies[c] ?? 0))) }
        return max(0.01, Self.margin + Self.prior * (weight(from) - weight(to)))
    }

    /// `name` (simplified, one character per cell) with each character whose shape clearly
    /// matches another character replaced by that one, and what changed.
    public func check(_ name: String, cells: [GlyphShape]) -> (name: String, changes: [Change]) {
        let chars = Array(name)
        guard !candidates.isEmpty, chars.count == cells.count else { return (name, []) }
        var out = chars
        var changes: [Change] = []
        var confirmed = false
        for (i, cell) in cells.enumerated() {
            let read = chars[i]
            guard read.unicodeScalars.first?.properties.isIdeographic == true else { continue }
            var best: (c: Character, shape: Float) = (read, -1)
            var readShape: Float = -1
            for c in candidates {
                let s = Self.similarity(cell, c)
                if s > best.shape { best = (c.character, s) }
                if c.character == read { readShape = s }
            }
            if readShape < 0, let own = Self.candidate(read, templates) { readShape = Self.similarity(cell, own) }
            if best.c == read, readShape >= Self.confirmation { confirmed = true }
            if best.c != read, best.shape >= Self.floor, best.shape - readShape >= required(from: read, to: best.c) {
                out[i] = best.c
                changes.append(Change(position: i, read: read, shape: best.c, readSimilarity: readShape, shapeSimilarity: best.shape))
            }
        }
        // The cells are trusted only when one of them matched its OCR character well: otherwise
        // they were probably cut in the wrong places (a character missing from the reading).
        guard confirmed else { return (name, []) }
        return (String(out), changes)
    }

    /// For tuning: each position's OCR character and similarity, and the three closest shapes.
    public func explain(_ name: String, cells: [GlyphShape]) -> String {
        let chars = Array(name)
        guard chars.count == cells.count else { return "cells \(cells.count) != \(chars.count)" }
        return cells.enumerated().map { i, cell in
            let scored = candidates.map { ($0.character, Self.similarity(cell, $0)) }.sorted { $0.1 > $1.1 }.prefix(3)
            let own = scored.first { $0.0 == chars[i] }?.1
                ?? Self.candidate(chars[i], templates).map { Self.similarity(cell, $0) } ?? -1
            return "\(chars[i])=\(String(format: "%.3f", own)) " + scored.map { "\($0.0)\(String(format: "%.3f", $0.1))" }.joined(separator: ",")
        }.joined(separator: " | ")
    }
}
