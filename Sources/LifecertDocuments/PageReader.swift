import Foundation
import LifecertDomain

/// Reads page images: a first full-resolution pass with the traditional-Chinese model alone
/// recognises the kind of document and is the final reading of every form printed in Chinese
/// (simplified or traditional: the forms module folds the text to simplified before comparing).
/// The caller re-reads the Latin-letter fields by region and reads a form with no Chinese again whole.
///
/// Measured on this machine (docs/BENCHMARKS.md, 200 scans): the `chi_tra` model alone read
/// printed Chinese names, dates and sex better than `chi_sim`, `chi_sim+eng` or all four languages
/// (names found 78% vs 60–64%), in about half the time of a four-language pass; a model pair such
/// as `chi_sim+eng` let the English model take over Chinese names (罗珍兰 → "PBX"). Tesseract's LSTM
/// cost follows the number of characters, not pixels, so a reduced-resolution pass saves little.
///
/// Straightening: small skew is removed before reading (Leptonica); when the quick pass reads too
/// little, Tesseract's orientation detector decides whether the page is turned 90/180/270°.
/// Thread-safe: engines come from the shared ``OCRPool``, one per thread at a time.
public struct PageReader: Sendable {
    public let pool: OCRPool
    /// Languages of the first pass.
    public var quickLanguages = "chi_tra"
    /// Scale of the first pass (1 = full resolution).
    public var quickScale = 1.0

    public init(pool: OCRPool) {
        self.pool = pool
    }

    /// A page made ready for reading: straightened, with what was done to it.
    public struct Prepared: @unchecked Sendable {
        public let image: GrayImage
        public let quick: RecognizedPage
        public let skewDegrees: Double
        public let quarterTurns: Int
        /// Seconds spent straightening and in the quick pass (for profiling).
        public let deskewSeconds: Double
        public let quickSeconds: Double
    }

    /// Deskews, reads quickly, and turns the page upright when that reads better.
    public func prepare(_ original: GrayImage, index: Int) throws -> Prepared {
        var image = original
        var skew = 0.0
        let t0 = Date()
        if let (straight, angle) = image.deskewed() {
            image = straight
            skew = angle
        }
        let tSkew = Date()
        // The page is read as it lies first: an upright page (nearly every one) reads with
        // confidence and needs no orientation detection, which costs about as much as the reading
        // itself. A page that reads poorly goes to Tesseract's detector (at full resolution: at
        // 150 DPI it missed an upside-down page) and, when turned, is turned back and read again.
        var quick = try quickRead(image, index: index)
        var turns = 0
        let upright = Self.readsUpright(quick)
        if !upright, let t = try? pool.withEngine("osd", { $0.uprightQuarterTurns(image) }), t != 0,
           let turned = image.rotated(quarterTurns: t) {
            image = turned
            turns = t
            quick = try quickRead(image, index: index)
        }
        let t1 = Date()
        if ProcessInfo.processInfo.environment["LIFECERT_TIMING"] == "1" {
            FileHandle.standardError.write(Data("timing deskew \(String(format: "%.2f", tSkew.timeIntervalSince(t0))) s, read and orientation \(String(format: "%.2f", t1.timeIntervalSince(tSkew))) s (first reading \(quick.words.count) words, mean confidence \(String(format: "%.0f", quick.meanConfidence)), detector \(upright ? "skipped" : "run"))\n".utf8))
        }
        if let dir = ProcessInfo.processInfo.environment["LIFECERT_DEBUG_IMAGES"], let png = image.pngData() {
            // Developer aid: the straightened page exactly as Tesseract gets it.
            _ = FileManager.default.createFile(atPath: "\(dir)/page-\(index)-\(UUID().uuidString.prefix(8)).png", contents: Data(png))
        }
        return Prepared(image: image, quick: quick, skewDegrees: skew, quarterTurns: turns,
                        deskewSeconds: tSkew.timeIntervalSince(t0), quickSeconds: t1.timeIntervalSince(tSkew))
    }

    /// Whether a first reading shows the page upright: enough words, read with confidence (a
    /// turned page reads as a few low-confidence fragments).
    static func readsUpright(_ page: RecognizedPage) -> Bool {
        page.words.count >= 20 && page.meanConfidence >= 80
    }

    /// The full reading with the given languages.
    /// Page segmentation used for whole pages: one column of variable-sized text (PSM 4). On this
    /// project's scans Tesseract's automatic layout analysis (PSM 3) dropped a certificate's centred
    /// title line, and one uniform block (PSM 6) garbled the right-aligned issuer and date lines
    /// under a seal; PSM 4 read both.
    public var pageMode: PageSegmentation = .singleColumn

    public func read(_ prepared: Prepared, index: Int, languages: String) throws -> RecognizedPage {
        let mode = pageMode
        return try pool.withEngine(languages) { $0.recognize(prepared.image, index: index, mode: mode) }
    }

    func quickRead(_ image: GrayImage, index: Int) throws -> RecognizedPage {
        let small = quickScale == 1 ? image : (image.scaled(quickScale) ?? image)
        let page = try pool.withEngine(quickLanguages) { $0.recognize(small, index: index, mode: pageMode) }
        // Report boxes in the full image's pixels.
        let k = 1 / quickScale
        var scaled = page
        scaled.width = image.width
        scaled.height = image.height
        scaled.words = page.words.map { w in
            var w = w
            w.box = PageBox(x: Int(Double(w.box.x) * k), y: Int(Double(w.box.y) * k),
                            width: Int(Double(w.box.width) * k), height: Int(Double(w.box.height) * k))
            return w
        }
        return scaled
    }

}
