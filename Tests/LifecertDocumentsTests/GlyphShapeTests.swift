import LifecertDomain
import Testing
@testable import LifecertDocuments

/// Shapes of printed characters, and cutting a line of Chinese into character cells.
@Suite struct GlyphShapeTests {
    /// The typeface the sample generator prints with, and the one lifecert draws templates with.
    let printed = GlyphTemplates(simplified: ["AR PL UMing CN"], traditional: ["AR PL UMing TW"])
    let noto = GlyphTemplates.shared

    @Test func theTypefacesAreInstalled() throws {
        // scripts/setup-debian installs fonts-arphic-uming and fonts-noto-cjk; without them the
        // name check is off, so this must fail rather than skip.
        #expect(printed.isAvailable, "AR PL UMing is missing: run scripts/setup-debian")
        #expect(noto.isAvailable, "Noto CJK is missing: run scripts/setup-debian (fonts-noto-cjk)")
        #expect(!GlyphTemplates.isInstalled("No Such Typeface 12345"))
    }

    @Test func blankPaperHasNoShape() {
        #expect(GlyphShape(ink: [Float](repeating: 0, count: 400), width: 20, height: 20) == nil)
        #expect(GlyphShape(ink: [Float](repeating: 0.2, count: 400), width: 20, height: 20) == nil)  // grey haze
    }

    @Test func aShapeIsItselfAndSimilarityIsACosine() throws {
        let s = try #require(noto.shapes(of: "霞", traditional: false).first)
        #expect(abs(s.similarity(s) - 1) < 1e-4)
        #expect(s.features.count == GlyphShape.dimensions)
        #expect(s.features.allSatisfy { $0 >= 0 })
    }

    /// The characters the OCR models misread in names (霞 as 起, 磊 as 宕, 涛 as 沟, 冯 as 渗):
    /// printed in one typeface, each is closer to itself drawn in another than to its misreading.
    @Test(arguments: [("霞", "起"), ("磊", "宕"), ("涛", "沟"), ("冯", "渗"), ("艳", "酉"), ("兰", "一")])
    func aCharacterIsCloserToItselfInAnotherTypefaceThanToItsMisreading(_ right: Character, _ misread: Character) throws {
        let cell = try #require(printed.shapes(of: right, traditional: false).first)
        let same = noto.shapes(of: right, traditional: false).map(cell.similarity).max() ?? 0
        let other = noto.shapes(of: misread, traditional: false).map(cell.similarity).max() ?? 0
        #expect(same > other + 0.04, "\(right) \(same) vs \(misread) \(other)")
    }

    /// A page of white with black blocks: `blocks` as (x, y, width, height).
    func page(_ blocks: [(Int, Int, Int, Int)], width: Int = 400, height: Int = 200) throws -> GrayImage {
        var bytes = [UInt8](repeating: 255, count: width * height)
        for (x0, y0, w, h) in blocks {
            for y in y0..<(y0 + h) { for x in x0..<(x0 + w) { bytes[y * width + x] = 0 } }
        }
        return try #require(bytes.withUnsafeBufferPointer {
            GrayImage.fromGrayBytes($0.baseAddress!, width: width, height: height, bytesPerRow: width, dpi: 300)
        })
    }

    @Test func cellsGrowPastABoxThatCutsTheFirstCharacterAndKeepTheLineBelowOut() throws {
        // Three 40×40 "characters" 6 pixels apart at x = 100, 146, 192 (y 50...89); a line below
        // starts 5 rows under them, inside the band looked at; OCR's box misses the first
        // character's left 5 columns.
        let image = try page([(100, 50, 40, 40), (146, 50, 40, 40), (192, 50, 40, 40), (100, 95, 132, 30)])
        let cells = try #require(image.characterCells(around: PageBox(x: 105, y: 50, width: 127, height: 40), count: 3))
        #expect(cells.map(\.x) == [100, 140, 186])  // each cut at the first empty column of its gap
        #expect(cells.first?.y == 50)
        #expect(cells.allSatisfy { $0.y + $0.height == 90 })  // the line below is not part of the band
    }

    @Test func inkThatDoesNotFitTheCountIsRefused() throws {
        // Three characters' ink read as two: each "cell" would be half again as wide as high.
        let image = try page([(100, 50, 40, 40), (146, 50, 40, 40), (192, 50, 40, 40)])
        #expect(image.characterCells(around: PageBox(x: 100, y: 50, width: 132, height: 40), count: 2) == nil)
        #expect(image.characterCells(around: PageBox(x: 100, y: 50, width: 132, height: 40), count: 3)?.count == 3)
    }
}
