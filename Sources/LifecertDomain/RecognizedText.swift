/// A rectangle on a page image, in pixels from the top-left corner.
public struct PageBox: Equatable, Sendable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The smallest box holding this one and `other`.
    public func union(_ other: PageBox) -> PageBox {
        let x0 = min(x, other.x), y0 = min(y, other.y)
        return PageBox(x: x0, y: y0, width: max(x + width, other.x + other.width) - x0,
                       height: max(y + height, other.y + other.height) - y0)
    }

    /// True when `other` lies inside this box, allowing `slack` pixels on every side.
    public func contains(_ other: PageBox, slack: Int = 0) -> Bool {
        other.x >= x - slack && other.y >= y - slack
            && other.x + other.width <= x + width + slack && other.y + other.height <= y + height + slack
    }
}

/// One word (or, for Chinese, one run of characters) as OCR read it.
public struct RecognizedWord: Equatable, Sendable, Codable {
    public var text: String
    /// Tesseract's confidence, 0–100.
    public var confidence: Double
    public var box: PageBox
    /// Index of the text line within the page (words with the same index are on one line).
    public var line: Int

    public init(text: String, confidence: Double, box: PageBox, line: Int) {
        self.text = text
        self.confidence = confidence
        self.box = box
        self.line = line
    }
}

/// The text of one page, from OCR or from a PDF's text layer, with where each word is.
///
/// Contract: `text` is the page's lines in reading order joined by "\n"; every word of `words`
/// appears in it on the line `word.line`. For a text layer, boxes are zero and confidence 100.
public struct RecognizedPage: Equatable, Sendable, Codable {
    public enum Source: String, Sendable, Codable { case ocr, textLayer = "text_layer" }

    /// 0-based page number within the file.
    public var index: Int
    public var width: Int
    public var height: Int
    public var source: Source
    public var words: [RecognizedWord]
    public var text: String
    /// The languages used to read it (e.g. "chi_sim+eng").
    public var languages: String

    public init(index: Int, width: Int, height: Int, source: Source, words: [RecognizedWord], text: String, languages: String) {
        self.index = index
        self.width = width
        self.height = height
        self.source = source
        self.words = words
        self.text = text
        self.languages = languages
    }

    /// Mean word confidence (100 for a text layer; 0 for an empty page).
    public var meanConfidence: Double {
        guard !words.isEmpty else { return source == .textLayer && !text.isEmpty ? 100 : 0 }
        return words.map(\.confidence).reduce(0, +) / Double(words.count)
    }
}
