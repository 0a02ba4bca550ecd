import Foundation
import LifecertDomain

/// Reads page images in two passes: a quick one at reduced resolution to recognise the kind of
/// document, then a full one with only the languages that kind needs (every extra language costs
/// time and accuracy, FIELD-NOTES.md).
///
/// Straightening: small skew is removed before reading (Leptonica); when the quick pass reads too
/// little, Tesseract's orientation detector decides whether the page is turned 90/180/270°.
/// Thread-safe: engines come from the shared ``OCRPool``, one per thread at a time.
public struct PageReader: Sendable {
    public let pool: OCRPool
    /// Languages of the quick pass.
    public var quickLanguages = "chi_sim+eng"
    /// Scale of the quick pass (0.5 of 300 DPI = 150 DPI).
    public var quickScale = 0.5

    public init(pool: OCRPool) {
        self.pool = pool
    }

    /// A page made ready for reading: straightened, with what was done to it.
    public struct Prepared: @unchecked Sendable {
        public let image: GrayImage
        public let quick: RecognizedPage
        public let skewDegrees: Double
        public let quarterTurns: Int
    }

    /// Deskews, reads quickly, and turns the page upright when that reads better.
    public func prepare(_ original: GrayImage, index: Int) throws -> Prepared {
        var image = original
        var skew = 0.0
        if let (straight, angle) = original.deskewed() {
            image = straight
            skew = angle
        }
        var quick = try quickRead(image, index: index)
        var turns = 0
        if Self.readsPoorly(quick), let t = try? pool.withEngine("osd", { $0.uprightQuarterTurns(image) }), t != 0,
           let turned = image.rotated(quarterTurns: t) {
            let again = try quickRead(turned, index: index)
            if Self.score(again) > Self.score(quick) {
                image = turned
                quick = again
                turns = t
            }
        }
        return Prepared(image: image, quick: quick, skewDegrees: skew, quarterTurns: turns)
    }

    /// The full reading with the given languages.
    public func read(_ prepared: Prepared, index: Int, languages: String, mode: PageSegmentation = .auto) throws -> RecognizedPage {
        try pool.withEngine(languages) { $0.recognize(prepared.image, index: index, mode: mode) }
    }

    func quickRead(_ image: GrayImage, index: Int) throws -> RecognizedPage {
        let small = image.scaled(quickScale) ?? image
        let page = try pool.withEngine(quickLanguages) { $0.recognize(small, index: index, mode: .auto) }
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

    static func score(_ page: RecognizedPage) -> Double {
        Double(page.words.filter { $0.confidence >= 60 }.count) * page.meanConfidence
    }

    static func readsPoorly(_ page: RecognizedPage) -> Bool {
        page.words.count < 8 || page.meanConfidence < 45
    }
}
