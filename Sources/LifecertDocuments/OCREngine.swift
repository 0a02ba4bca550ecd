import CTesseract
import Foundation
import LifecertDomain

/// Why OCR could not start.
public enum OCRError: Error, CustomStringConvertible, Sendable {
    case cannotLoadLanguages(String, datapath: String?)

    public var description: String {
        switch self {
        case .cannotLoadLanguages(let l, let p):
            return "Tesseract cannot load the languages \(l)\(p.map { " from \($0)" } ?? ""); install the tesseract-ocr-chi-sim, -chi-tra, -eng, -por and -osd packages (scripts/setup-debian does)"
        }
    }
}

/// Tesseract's page segmentation modes that lifecert uses.
public enum PageSegmentation: Int32, Sendable {
    /// Automatic layout analysis (default).
    case auto = 3
    /// One column of text of variable sizes: keeps a certificate's centred title and its
    /// right-aligned issuer and date lines.
    case singleColumn = 4
    /// One uniform block of text.
    case singleBlock = 6
    /// One line: for re-reading a field's region.
    case singleLine = 7
}

/// One Tesseract engine with its models loaded. **Not thread-safe**: one per worker thread, never
/// shared at the same time (``OCRPool`` hands them out).
public final class OCREngine {
    public let languages: String
    private let handle: OpaquePointer

    /// Loads the models for `languages` (e.g. "chi_sim+eng"); takes ~0.2–1 s, so keep the engine.
    public init(languages: String, datapath: String? = nil) throws {
        guard let h = TessBaseAPICreate() else { throw OCRError.cannotLoadLanguages(languages, datapath: datapath) }
        let rc = TessBaseAPIInit3(h, datapath, languages)
        guard rc == 0 else {
            TessBaseAPIDelete(h)
            throw OCRError.cannotLoadLanguages(languages, datapath: datapath)
        }
        // Chinese text has no spaces between words; do not let Tesseract invent them.
        _ = TessBaseAPISetVariable(h, "preserve_interword_spaces", "1")
        _ = TessBaseAPISetVariable(h, "debug_file", "/dev/null")
        self.languages = languages
        handle = h
    }

    deinit {
        TessBaseAPIEnd(handle)
        TessBaseAPIDelete(handle)
    }

    /// Reads a whole page: words with their boxes, confidences and line numbers.
    public func recognize(_ image: GrayImage, index: Int, mode: PageSegmentation = .auto) -> RecognizedPage {
        TessBaseAPISetPageSegMode(handle, TessPageSegMode(rawValue: UInt32(mode.rawValue)))
        TessBaseAPISetImage2(handle, image.pix)
        TessBaseAPISetSourceResolution(handle, Int32(image.dpi))
        let words = readWords()
        TessBaseAPIClear(handle)
        var lines: [Int: [String]] = [:]
        for w in words { lines[w.line, default: []].append(w.text) }
        let text = lines.keys.sorted().map { lines[$0]!.joined(separator: " ") }.joined(separator: "\n")
        return RecognizedPage(index: index, width: image.width, height: image.height, source: .ocr,
                              words: words, text: text, languages: languages)
    }

    /// Re-reads one region (e.g. a field) with a stricter mode and optionally a character whitelist.
    public func recognizeRegion(_ image: GrayImage, box: PageBox, mode: PageSegmentation = .singleLine,
                                whitelist: String? = nil) -> [RecognizedWord] {
        TessBaseAPISetPageSegMode(handle, TessPageSegMode(rawValue: UInt32(mode.rawValue)))
        TessBaseAPISetImage2(handle, image.pix)
        TessBaseAPISetSourceResolution(handle, Int32(image.dpi))
        TessBaseAPISetRectangle(handle, Int32(box.x), Int32(box.y), Int32(box.width), Int32(box.height))
        if let whitelist { _ = TessBaseAPISetVariable(handle, "tessedit_char_whitelist", whitelist) }
        let words = readWords()
        if whitelist != nil { _ = TessBaseAPISetVariable(handle, "tessedit_char_whitelist", "") }
        TessBaseAPIClear(handle)
        return words
    }

    private func readWords() -> [RecognizedWord] {
        guard TessBaseAPIRecognize(handle, nil) == 0, let it = TessBaseAPIGetIterator(handle) else { return [] }
        defer { TessResultIteratorDelete(it) }
        var words: [RecognizedWord] = []
        var line = -1
        let pageIt = TessResultIteratorGetPageIterator(it)
        repeat {
            if TessPageIteratorIsAtBeginningOf(pageIt, RIL_TEXTLINE) != 0 { line += 1 }
            guard let cText = TessResultIteratorGetUTF8Text(it, RIL_WORD) else { continue }
            let text = String(cString: cText)
            TessDeleteText(cText)
            if text.allSatisfy(\.isWhitespace) { continue }
            var l: Int32 = 0, t: Int32 = 0, r: Int32 = 0, b: Int32 = 0
            _ = TessPageIteratorBoundingBox(pageIt, RIL_WORD, &l, &t, &r, &b)
            let conf = Double(TessResultIteratorConfidence(it, RIL_WORD))
            words.append(RecognizedWord(text: text, confidence: conf,
                                        box: PageBox(x: Int(l), y: Int(t), width: Int(r - l), height: Int(b - t)),
                                        line: max(line, 0)))
        } while TessResultIteratorNext(it, RIL_WORD) != 0
        return words
    }

    /// Orientation of the page in quarter turns clockwise needed to make it upright, when the
    /// orientation detector is confident (needs the `osd` model: use an engine created with "osd").
    public func uprightQuarterTurns(_ image: GrayImage) -> Int? {
        TessBaseAPISetPageSegMode(handle, TessPageSegMode(rawValue: 0))  // PSM_OSD_ONLY
        TessBaseAPISetImage2(handle, image.pix)
        TessBaseAPISetSourceResolution(handle, Int32(image.dpi))
        var degrees: Int32 = 0
        var conf: Float = 0
        var script: UnsafePointer<CChar>?
        var scriptConf: Float = 0
        let ok = TessBaseAPIDetectOrientationScript(handle, &degrees, &conf, &script, &scriptConf)
        TessBaseAPIClear(handle)
        guard ok != 0, conf > 2 else { return nil }
        // Tesseract reports how far the page is turned clockwise; turning it on by the rest of a
        // full turn makes it upright (a page turned 90° clockwise needs three more quarter turns,
        // not one: aChinesePageTurnedAnyWayIsTurnedBack).
        return (4 - (Int(degrees) / 90) % 4) % 4
    }
}

/// Engines shared by worker threads: each engine is used by one thread at a time and kept for the
/// next page (models load once per worker, not once per page).
public final class OCRPool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [String: [OCREngine]] = [:]
    public let datapath: String?

    public init(datapath: String? = nil) {
        self.datapath = datapath
    }

    /// Runs `body` with an engine for `languages` that no other thread is using.
    public func withEngine<T>(_ languages: String, _ body: (OCREngine) throws -> T) throws -> T {
        lock.lock()
        var engine = idle[languages]?.popLast()
        lock.unlock()
        if engine == nil { engine = try OCREngine(languages: languages, datapath: datapath) }
        defer {
            lock.lock()
            idle[languages, default: []].append(engine!)
            lock.unlock()
        }
        return try body(engine!)
    }
}
