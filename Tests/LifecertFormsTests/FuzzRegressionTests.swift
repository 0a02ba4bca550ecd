import Foundation
import LifecertDomain
import Testing
@testable import LifecertForms

/// Inputs found with the fuzz targets (Fuzz/, scripts/fuzz; docs/RELIABILITY.md "Fuzzing"), kept so
/// the bugs they showed stay fixed.
@Suite struct FuzzRegressionTests {
    static let today = LocalDate(year: 2026, month: 11, day: 30)!
    struct Refused: Error { var problems: [FormProblem] }

    /// A template whose name pattern passes RegexSafety but backtracks without end on a line of
    /// repeated letters, next to a sex pattern that is fine.
    static func template(namePattern: String) throws -> FormTemplate {
        let yaml = """
        kind: consular
        title: Fuzz regression
        languages: eng
        keywords:
          - FUZZ
        fields:
          name:
            patterns:
              - '\(namePattern)'
          sex:
            patterns:
              - '性别:([男女])'
        """
        let (t, problems) = FormLibrary.parse(yaml: yaml, id: "fuzz")
        guard let t else { throw Refused(problems: problems) }
        return t
    }

    /// Reads `text` with `template` on another thread; nil when that takes longer than `seconds`.
    static func extract(_ template: FormTemplate, _ text: String, within seconds: Double) -> ExtractedCertificate? {
        final class Box: @unchecked Sendable { var result: ExtractedCertificate? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let page = makePage(text)
        Thread.detachNewThread {
            box.result = FormLibrary(templates: [template]).extract(template, pages: [page], today: today)
            done.signal()
        }
        return done.wait(timeout: .now() + seconds) == .timedOut ? nil : box.result
    }

    /// fuzz-templates timeout: `(a|a)*b` (exponential) and `(.*.*.*.*.*.*)!x` (sixth power) are
    /// accepted by the loader, and before the backtracking budget one 480-letter line kept the
    /// extractor busy for ever (2^480 steps). Now the pattern is given up on that line and the other
    /// fields are still read.
    @Test(arguments: ["(a|a)*b", "(.*.*.*.*.*.*)!x"])
    func catastrophicPatternIsCutOffAndTheRestIsRead(_ pattern: String) throws {
        let t = try Self.template(namePattern: pattern)
        let text = "FUZZ\n性别:男\n" + String(repeating: "a", count: 480) + "!"
        let result = Self.extract(t, text, within: 30)
        #expect(result != nil, "extraction still running after 30 s")
        #expect(result?.name == nil)
        #expect(result?.sex?.value == "M")
    }

    @Test func boundedMatchesGivesUpOnlyOnRunawayPatterns() throws {
        let runaway = try NSRegularExpression(pattern: "(a|a)*b")
        #expect(Extractor.boundedMatches(runaway, in: String(repeating: "a", count: 480) + "!") == nil)
        let fine = try NSRegularExpression(pattern: "(a+)!")
        #expect(Extractor.boundedMatches(fine, in: String(repeating: "a", count: 480) + "!")?.count == 1)
        #expect(Extractor.boundedMatches(runaway, in: "aab")?.count == 1)
    }

    /// The budget never cuts a shipped pattern on the sample certificates (it only stops runaways).
    @Test func shippedPatternsStayWithinTheBudgetOnTheSamples() {
        for doc in SampleDocument.certificates {
            let pages = [makePage(doc.text)]
            let prepared = FormLibrary.prepare(pages)
            for t in library.templates {
                let extractor = Extractor(template: t, pages: prepared, today: Self.today)
                for spec in t.fields {
                    for w in extractor.windowsBySize[spec.lines]!.joined() {
                        for p in spec.patterns {
                            #expect(Extractor.boundedMatches(p.regex, in: w.folded) != nil, "\(t.id) \(spec.name): \(p.source)")
                        }
                    }
                }
            }
        }
    }
}
