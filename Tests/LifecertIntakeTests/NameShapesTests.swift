import LifecertDocuments
import LifecertDomain
import Testing
@testable import LifecertIntake

/// The check of a name's characters against their printed shapes (no OCR here: the cells are
/// characters drawn in AR PL UMing, the typeface of the sample certificates; the check compares
/// them with Noto CJK).
@Suite struct NameShapesTests {
    let printed = GlyphTemplates(simplified: ["AR PL UMing CN"], traditional: ["AR PL UMing TW"])

    func cells(_ name: String, traditional: Bool = false) throws -> [GlyphShape] {
        try name.map { try #require(printed.shapes(of: $0, traditional: traditional).first) }
    }

    @Test func aMisreadCharacterIsReplacedByTheOneItsShapeMatches() throws {
        let checked = NameShapes.shared.check("冯娟起", cells: try cells("冯娟霞"))
        #expect(checked.name == "冯娟霞")
        #expect(checked.changes.map(\.position) == [2])
        #expect(checked.changes.first?.read == "起")
        #expect(checked.changes.first?.shape == "霞")
    }

    @Test func aNamePrintedInTraditionalCharactersIsComparedInThem() throws {
        // 馮濤 printed on a Hong Kong form, read 渗沟 (folded to simplified).
        let checked = NameShapes.shared.check("渗涛", cells: try cells("馮濤", traditional: true))
        #expect(checked.name == "冯涛")
    }

    @Test func aNameReadRightIsLeftAlone() throws {
        for name in ["冯娟霞", "陈国涛", "欧阳修", "麦磊"] {
            let checked = NameShapes.shared.check(name, cells: try cells(name))
            #expect(checked.name == name)
            #expect(checked.changes.isEmpty)
        }
    }

    @Test func cellsThatConfirmNothingChangeNothing() throws {
        // Cells cut in the wrong places (here: the shapes of other characters altogether): no cell
        // matches its OCR character, so no character is replaced, however close another shape is.
        let checked = NameShapes.shared.check("王丽", cells: try cells("霞磊"))
        #expect(checked.name == "王丽")
        #expect(checked.changes.isEmpty)
    }

    @Test func aCountThatDoesNotMatchTheCellsChangesNothing() throws {
        #expect(NameShapes.shared.check("冯娟", cells: try cells("冯娟霞")).name == "冯娟")
    }

    @Test func theNameIsFoundInsideALongerWordOfThePage() {
        // 兹證明鄧平（男，: eight characters in one 320-pixel word; 邓平 are the 4th and 5th.
        let words = [RecognizedWord(text: "兹證明鄧平（男，", confidence: 90, box: PageBox(x: 100, y: 10, width: 320, height: 40), line: 0)]
        #expect(IntakePipeline.characterBox(of: "邓平", in: words) == PageBox(x: 220, y: 10, width: 80, height: 40))
        #expect(IntakePipeline.characterBox(of: "李勇", in: words) == nil)  // no character agrees
    }
}
