import Foundation
import LifecertDomain
import Testing
@testable import LifecertInterchange

/// Inputs found by the fuzz targets (Fuzz/, scripts/fuzz; docs/RELIABILITY.md "Fuzzing"), kept so
/// the bugs they showed stay fixed.
@Suite struct FuzzRegressionTests {
    let today = LocalDate(year: 2026, month: 11, day: 30)!

    func items(_ bytes: [UInt8], name: String) throws -> [BatchItem] {
        let dir = TemporaryFolder()
        return Array(try ConsularBatchFile(path: dir.write(name, bytes: bytes), today: today))
    }

    /// fuzz-batch invariant "no value holds a NUL": a JSON array or object given as an optional
    /// value was read as the "\u{0}" meant to be refused, and only the required values were
    /// refused for it, so the row was accepted with a passport number of one NUL character.
    @Test(arguments: [#""passport_number":[]"#, #""certificate_no":{"a":1}"#, #""passport_number":"E\u0007A1""#])
    func optionalJSONValueThatIsNotTextIsRefused(_ value: String) throws {
        let line = #"{"batch_id":"B1","record_id":"1","channel":"CONSULAR_APP","mission":"m","name":"n","sex":"M","birth_date":"1950-03-05","id_type":"CN_PASSPORT","id_number":"EA1234567","certified_at":"2026-10-08T09:30:00Z","#
            + value + "}\n"
        let result = try items(Array(line.utf8), name: "b.jsonl")
        #expect(result.count == 1)
        guard case .rejected(_, let batch, let record, let reasons) = result.first else {
            Issue.record("accepted: \(result)")
            return
        }
        #expect(batch == "B1" && record == "1")
        #expect(reasons.contains { $0.contains("control characters") })
    }

    /// The same check in CSV: a control character in an optional column refuses the row.
    @Test func controlCharacterInAnOptionalCSVColumnIsRefused() throws {
        let csv = "batch_id,record_id,channel,mission,name,sex,birth_date,id_type,id_number,passport_number,certified_at,certificate_no\n"
            + "B1,1,CONSULAR_APP,m,n,M,1950-03-05,CN_PASSPORT,EA1234567,EA\u{1}1,2026-10-08T09:30:00Z,\n"
        let result = try items(Array(csv.utf8), name: "b.csv")
        #expect(result.count == 1)
        guard case .rejected = result.first else { Issue.record("accepted: \(result)"); return }
    }
}
