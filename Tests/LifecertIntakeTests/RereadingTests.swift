import LifecertDomain
import Testing
@testable import LifecertIntake

/// The decisions taken when fields are read a second time by region (no OCR here: the words are
/// given as OCR would return them).
@Suite struct RereadingTests {
    func word(_ text: String, _ confidence: Double, x: Int, line: Int = 0) -> RecognizedWord {
        RecognizedWord(text: text, confidence: confidence, box: PageBox(x: x, y: 100, width: 40, height: 40), line: line)
    }

    @Test func theVoteTakesTheMoreConfidentCharacterAndSaysTheNameWasDisputed() {
        // Page reading 冯娟起 (馮 read well, 霞 misread 起 at 41), second reading 汉娟霞 (汉 at 30, 霞 at 88).
        let first = [word("馮", 90, x: 0), word("娟", 95, x: 40), word("起", 41, x: 80)]
        let second = [word("姓名:", 80, x: -100), word("汉娟霞", 60, x: 0)]
        let second2 = [word("汉", 30, x: 0), word("娟", 95, x: 40), word("霞", 88, x: 80)]
        let vote = NameVote.decide(printed: "冯娟起", first: first, second: second2)
        #expect(vote == NameVote.Result(name: "冯娟霞", disputed: true, readings: ["冯娟起", "汉娟霞"]))
        // Several characters in one word each take that word's confidence (60); the label's 姓名
        // is skipped because the window that agrees most with the printed value is chosen.
        let joined = NameVote.decide(printed: "冯娟起", first: first, second: second)
        #expect(joined?.name == "冯娟霞")  // 冯 90 > 汉 60; 娟 agrees; 霞 60 > 起 41
    }

    @Test func readingsThatAgreeAreNotDisputed() {
        let first = [word("張", 90, x: 0), word("秀", 95, x: 40)]
        let second = [word("张秀", 70, x: 0)]
        #expect(NameVote.decide(printed: "张秀", first: first, second: second) == NameVote.Result(name: "张秀", disputed: false, readings: ["张秀"]))
    }

    @Test func aSecondReadingTooShortToAlignLeavesTheFirst() {
        let first = [word("李", 90, x: 0), word("勇", 90, x: 40), word("荣", 50, x: 80)]
        let vote = NameVote.decide(printed: "李勇荣", first: first, second: [word("李", 99, x: 0)])
        #expect(vote?.name == "李勇荣")
        #expect(vote?.disputed == false)
    }

    @Test(arguments: [
        ("日4356472", true), ("日8656472)", true), ("EJ4356472", false), ("护照号码EJ4356472", false),
        ("日4356", false), ("年2026", false), ("日", false),
    ])
    func aLetterPrefixMisreadAsOneCharacterIsRecognised(_ word: String, _ expected: Bool) {
        #expect(IntakePipeline.looksLikeMisreadPrefix(word) == expected)
    }

    @Test(arguments: [
        ("RO39436(9)", "R039436(9)"), ("AO123456(3)", "A0123456(3)"), ("ABO12345(6)", "AB012345(6)"),
        ("R039436(9)", ""), ("OA123456", ""), ("ROA23456", ""), ("RO", ""), ("EJO2111A9", ""),
    ])
    func aLetterOAfterTheLettersIsTriedAsZero(_ text: String, _ expected: String) {
        #expect(IntakePipeline.zeroForO(text) == expected)
    }

    @Test func anUnreadableChineseDateIsFoundAsASpanAndAReadableOneIsLeftAlone() {
        // 于二co二六年十一月十七日 (〇 read as "co"): one span from 二 to 日, 于 left out.
        let bad = ["于", "二", "co", "二", "六", "年", "十", "一", "月", "十", "七", "日"].enumerated().map { word($1, 80, x: $0 * 40) }
        let spans = IntakePipeline.unreadDateSpans(bad, minguo: false)
        #expect(spans.count == 1)
        #expect(spans.first?.map(\.text).joined() == "二co二六年十一月十七日")
        let good = ["于", "二", "〇", "二", "六", "年", "十", "一", "月", "十", "七", "日"].enumerated().map { word($1, 80, x: $0 * 40) }
        #expect(IntakePipeline.unreadDateSpans(good, minguo: false).isEmpty)
        // A Taiwan form's 115年11月10日 is a Minguo date, readable there: not re-read.
        let minguo = ["115年", "11月", "10日"].enumerated().map { word($1, 80, x: $0 * 40) }
        #expect(IntakePipeline.unreadDateSpans(minguo, minguo: true).isEmpty)
        #expect(IntakePipeline.unreadDateSpans(minguo, minguo: false).count == 1)
    }

    @Test func aDateSpanStopsAtTheEndOfItsLine() {
        let words = [word("二", 80, x: 0), word("〇", 80, x: 40), word("年", 80, x: 80), word("三", 80, x: 120),
                     word("月", 80, x: 0, line: 1), word("五", 80, x: 40, line: 1), word("日", 80, x: 80, line: 1)]
        #expect(IntakePipeline.unreadDateSpans(words, minguo: false).isEmpty)
    }
}
