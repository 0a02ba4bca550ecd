import LifecertDomain
import Testing
@testable import LifecertForms

struct DateCase: Sendable, CustomTestStringConvertible {
    let text: String
    let expected: String
    let order: DateOrder?
    let minguo: Bool
    init(_ text: String, _ expected: String, order: DateOrder? = .dmy, minguo: Bool = false) {
        self.text = text
        self.expected = expected
        self.order = order
        self.minguo = minguo
    }
    var testDescription: String { "\(text) → \(expected)" }
}

struct RefusedDate: Sendable, CustomTestStringConvertible {
    let text: String
    let why: String
    let order: DateOrder?
    let minguo: Bool
    init(_ text: String, _ why: String, order: DateOrder? = .dmy, minguo: Bool = false) {
        self.text = text
        self.why = why
        self.order = order
        self.minguo = minguo
    }
    var testDescription: String { "\(text) (\(why))" }
}

@Suite struct DateReaderTests {
    static let readable: [DateCase] = [
        // 年月日 with Arabic digits
        DateCase("2024年3月5日", "2024-03-05"),
        DateCase("2024年03月05日", "2024-03-05"),
        DateCase("2024 年 3 月 5 日", "2024-03-05"),
        DateCase("2026 年 1 1 月 5 日", "2026-11-05"),
        DateCase("２０２４年３月５日", "2024-03-05"),
        DateCase("2024年3月5号", "2024-03-05"),
        DateCase("2024年12月31日", "2024-12-31"),
        DateCase("2024年2月29日", "2024-02-29"),
        // Chinese numerals, every zero
        DateCase("二〇二四年三月五日", "2024-03-05"),
        DateCase("二零二四年三月五日", "2024-03-05"),
        DateCase("二0二四年三月五日", "2024-03-05"),
        DateCase("二O二四年三月五日", "2024-03-05"),
        DateCase("二○二四年十月八日", "2024-10-08"),
        DateCase("一九五〇年十二月三十一日", "1950-12-31"),
        DateCase("二〇二六年十一月十五日", "2026-11-15"),
        DateCase("二〇二六年二月二十日", "2026-02-20"),
        DateCase("二〇二六年一月廿一日", "2026-01-21"),
        DateCase("二〇二六年一月卅一日", "2026-01-31"),
        DateCase("二〇二六年元月十日", "2026-01-10"),
        DateCase("二〇二六年十月十日", "2026-10-10"),
        // OCR look-alikes in digit places
        DateCase("2O24年3月5日", "2024-03-05"),
        DateCase("2o24年1O月l5日", "2024-10-15"),
        DateCase("2024年3月l日", "2024-03-01"),
        DateCase("2024年I2月5日", "2024-12-05"),
        // Minguo
        DateCase("民國113年3月5日", "2024-03-05"),
        DateCase("民国113年3月5日", "2024-03-05"),
        DateCase("中華民國113年3月5日", "2024-03-05"),
        DateCase("中華民國一百一十三年三月五日", "2024-03-05"),
        DateCase("中華民國民國115年10月9日", "2026-10-09"),
        DateCase("民國39年3月5日", "1950-03-05"),
        DateCase("113年3月5日", "2024-03-05", minguo: true),
        DateCase("民國元年1月1日", "1912-01-01"),
        // English
        DateCase("5 March 2024", "2024-03-05"),
        DateCase("March 5, 2024", "2024-03-05"),
        DateCase("05 MAR 2024", "2024-03-05"),
        DateCase("05-MAR-2024", "2024-03-05"),
        DateCase("8th day of October 2026", "2026-10-08"),
        DateCase("this 1st day of October, 2026", "2026-10-01"),
        DateCase("22nd Sept. 2025", "2025-09-22"),
        DateCase("Tuesday, 5 March 2024", "2024-03-05"),
        DateCase("2024 March 5", "2024-03-05"),
        DateCase("l5 March 2O24", "2024-03-15"),
        // Portuguese and others
        DateCase("5 de Março de 2024", "2024-03-05"),
        DateCase("5 de Marco de 2024", "2024-03-05"),
        DateCase("4de Marco de 1939", "1939-03-04"),  // OCR lost the space after the day
        DateCase("8 de Outubro de 2026", "2026-10-08"),
        DateCase("1º de Fevereiro de 1950", "1950-02-01"),
        DateCase("14 de Maio de 1956", "1956-05-14"),
        DateCase("5 de marzo de 2024", "2024-03-05"),
        DateCase("5 août 2024", "2024-08-05"),
        DateCase("5. März 2024", "2024-03-05"),
        // Numeric
        DateCase("05/03/2024", "2024-03-05", order: .dmy),
        DateCase("05/03/2024", "2024-05-03", order: .mdy),
        DateCase("5.3.2024", "2024-03-05", order: .dmy),
        DateCase("25/03/2024", "2024-03-25", order: nil),
        DateCase("03/25/2024", "2024-03-25", order: nil),
        DateCase("05/05/2024", "2024-05-05", order: nil),
        DateCase("2024-03-05", "2024-03-05"),
        DateCase("2024/3/5", "2024-03-05", order: .mdy),
        DateCase("2024.03.05", "2024-03-05", order: .ymd),
        // A lunar date in brackets after the Gregorian one
        DateCase("1950年3月5日（农历正月十七）", "1950-03-05"),
        DateCase("1950年3月5日 (農曆一九五〇年正月十七日)", "1950-03-05"),
        DateCase("1950年3月5日[lunar 1-17]", "1950-03-05"),
        DateCase("公历1950年3月5日", "1950-03-05"),
        // Surrounding punctuation
        DateCase("：2024年3月5日，", "2024-03-05"),
        DateCase("October 8, 2026.", "2026-10-08"),
    ]

    static let refused: [RefusedDate] = [
        RefusedDate("2023年2月29日", "not a leap year"),
        RefusedDate("2024年2月30日", "no 30 February"),
        RefusedDate("31 June 2024", "June has 30 days"),
        RefusedDate("2024年13月1日", "month 13"),
        RefusedDate("二〇二四年十三月一日", "month 13 in numerals"),
        RefusedDate("2024年3月0日", "day 0"),
        RefusedDate("2024年3月32日", "day 32"),
        RefusedDate("13/13/2024", "neither part a month"),
        RefusedDate("03/25/2024", "the template says dmy", order: .dmy),
        RefusedDate("05/03/2024", "ambiguous with no order", order: nil),
        RefusedDate("05/03/2024", "year last on a ymd form", order: .ymd),
        RefusedDate("05/03/24", "two-digit year"),
        RefusedDate("5 March 24", "two-digit year"),
        RefusedDate("24年3月5日", "two-digit year without 民國"),
        RefusedDate("113年3月5日", "a Minguo year only on a Minguo form"),
        RefusedDate("民國2024年3月5日", "a Gregorian year after 民國"),
        RefusedDate("民國0年3月5日", "Minguo year 0"),
        RefusedDate("2024年3月5", "日 missing: maybe cut off"),
        RefusedDate("二O〇二六年九月二日", "five-digit year"),
        RefusedDate("2024年3月", "no day"),
        RefusedDate("3月5日", "no year"),
        RefusedDate("March 2024", "no day"),
        RefusedDate("5 Marchh 2024", "misspelt month"),
        RefusedDate("5 Foo 2024", "unknown word"),
        RefusedDate("5 March 2024 March", "two months"),
        RefusedDate("OO年3月5日", "no real digit in the year"),
        RefusedDate("1800年3月5日", "before 1850"),
        RefusedDate("2300-01-01", "after 2199"),
        RefusedDate("", "empty"),
        RefusedDate("日期", "no date at all"),
        RefusedDate("1950年3月5日（", "an unclosed bracket"),
        RefusedDate("October , 2026", "OCR lost the day"),
        RefusedDate("2024-3-5-6", "four parts"),
        RefusedDate("2?0236年11月4日", "a question mark in the year"),
        RefusedDate("二口二六年无月及十畴日", "unreadable numerals"),
    ]

    @Test(arguments: readable)
    func reads(_ c: DateCase) {
        #expect(DateReader.read(c.text, order: c.order, minguo: c.minguo)?.description == c.expected)
    }

    @Test(arguments: refused)
    func refuses(_ c: RefusedDate) {
        #expect(DateReader.read(c.text, order: c.order, minguo: c.minguo) == nil)
    }

    @Test func theFloorYearIsAccepted() {
        #expect(DateReader.read("1850年3月5日")?.description == "1850-03-05")
    }

    @Test func readingSaysHowTheDateWasRead() throws {
        let m = try #require(DateReader.reading("中華民國113年3月5日"))
        #expect(m.minguo && m.minguoYear == 113 && m.date.description == "2024-03-05")
        let l = try #require(DateReader.reading("1950年3月5日（农历正月十七）"))
        #expect(!l.minguo && l.lunarIgnored == "(农历正月十七)")
        #expect(DateReader.reading("2024-03-05")?.lunarIgnored == nil)
    }

    @Test func tablesAreLargeEnough() {
        #expect(Self.readable.count >= 40)
        #expect(Self.refused.count >= 10)
    }
}
