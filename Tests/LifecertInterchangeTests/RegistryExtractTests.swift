import Foundation
import LifecertDomain
import Testing
@testable import LifecertInterchange

@Suite struct RegistryExtractTests {
    static let header = "ssn,name,name_latin,sex,birth_date,id_type,id_number,benefit_type,benefit_status,eligible,residence,last_certified_on,phone,office"
    static let good = [
        "11010519491231002X,王秀英,WANG Xiuying,F,1949-12-31,CN_RIC,11010519491231002X,ENTERPRISE_PENSION,NORMAL,Y,CA,2025-03-05,+1 6045550101,440100",
        "900000000001,陳大文,CHAN Tai Man,M,1950-06-01,HK_ID,A123456(3),WORK_INJURY,SUSPENDED,Y,HK,2024-01-15,+852 91234567,440300",
        "900000000002,梁嘉欣,LEONG Ka Ian,F,1948-02-29,MO_ID,1234567(8),RESIDENT_PENSION,NORMAL,N,MO,,,440600",
        "900000000003,林志明,,M,1945-10-10,TW_ID,A123456789,INSTITUTION_PENSION,TERMINATED,Y,TW,2023-07-01,,440000",
    ]
    let today = LocalDate(year: 2026, month: 11, day: 29)!

    func read(_ text: String, encoding: TextEncoding? = nil) throws -> [RegistryRow] {
        let dir = TemporaryFolder()
        return Array(try RegistryExtract(path: dir.write("r.csv", text), encoding: encoding, today: today))
    }

    @Test func goodRowsBecomeRecipientsWithNormalisedIdentityNumbers() throws {
        let rows = try read(([Self.header] + Self.good).joined(separator: "\n") + "\n")
        let recipients = rows.compactMap { row -> Recipient? in
            if case .recipient(_, let r, _) = row { return r }
            return nil
        }
        #expect(recipients.count == 4)
        #expect(recipients[1].idNumber == "A1234563")
        #expect(recipients[2].idNumber == "12345678")
        #expect(recipients[2].eligible == false)
        #expect(recipients[2].lastCertifiedOn == nil)
        #expect(recipients[3].nameLatin == nil)
        #expect(recipients[1].benefitStatus == .suspended)
    }

    @Test(arguments: [
        ("birth_date", "1950-02-30", "birth_date"),
        ("birth_date", "30/01/1950", "birth_date"),
        ("id_number", "11010519491231002Y", "id_number"),
        ("id_number", "110105194912310021", "check character"),
        ("benefit_type", "PENSION", "benefit_type"),
        ("benefit_status", "ACTIVE", "benefit_status"),
        ("id_type", "ID_CARD", "id_type"),
        ("sex", "X", "sex"),
        ("eligible", "yes", "eligible"),
        ("residence", "Canada", "residence"),
        ("last_certified_on", "2099-01-01", "future"),
        ("ssn", "", "ssn is empty"),
        ("office", "", "office is empty"),
    ])
    func eachKindOfBadValueIsRejectedWithItsReason(column: String, value: String, expected: String) throws {
        let columns = Self.header.split(separator: ",").map(String.init)
        var fields = Self.good[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[columns.firstIndex(of: column)!] = value
        let text = [Self.header, Self.good[1], fields.joined(separator: ","), Self.good[2]].joined(separator: "\n")
        let rows = try read(text)
        #expect(rows.count == 3)
        guard case .rejected(let line, let reasons) = rows[1] else { Issue.record("row with bad \(column) was accepted"); return }
        #expect(line == 3)
        #expect(reasons.joined(separator: " ").contains(expected), "reasons: \(reasons)")
        if case .recipient = rows[0], case .recipient = rows[2] {} else { Issue.record("good rows were held back") }
    }

    @Test func aWrongColumnCountIsRejectedAndNamed() throws {
        let rows = try read([Self.header, "1,2,3", Self.good[0]].joined(separator: "\n"))
        guard case .rejected(2, let reasons) = rows[0] else { Issue.record("expected line 2 rejected"); return }
        #expect(reasons[0].contains("3 fields"))
        if case .recipient = rows[1] {} else { Issue.record("good row held back") }
    }

    @Test func aRepeatedSSNInOneFileIsRejectedNamingTheFirstLine() throws {
        let rows = try read([Self.header, Self.good[0], Self.good[1], Self.good[0]].joined(separator: "\n"))
        guard case .rejected(4, let reasons) = rows[2] else { Issue.record("duplicate accepted"); return }
        #expect(reasons[0].contains("line 2"))
    }

    @Test func missingRequiredColumnsAreNamed() throws {
        let dir = TemporaryFolder()
        let path = dir.write("h.csv", "ssn,name,sex\n1,a,M\n")
        #expect {
            _ = try RegistryExtract(path: path, today: today)
        } throws: { error in
            guard case RegistryExtractError.missingColumns(_, let missing) = error else { return false }
            return missing.contains("birth_date") && missing.contains("office") && !missing.contains("ssn")
        }
    }

    @Test func extraColumnsAndColumnOrderDoNotMatter() throws {
        let columns = Self.header.split(separator: ",").map(String.init)
        let fields = Self.good[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let order = Array(columns.indices.reversed())
        let text = (order.map { columns[$0] } + ["remark"]).joined(separator: ",") + "\n"
            + (order.map { fields[$0] } + ["anything"]).joined(separator: ",") + "\n"
        let rows = try read(text)
        guard case .recipient(_, let r, _) = rows[0] else { Issue.record("rejected: \(rows)"); return }
        #expect(r.ssn == "11010519491231002X")
        #expect(r.office == "440100")
    }

    @Test func aResidentIDThatEncodesAnotherBirthDateLoadsWithAWarning() throws {
        var fields = Self.good[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[4] = "1949-12-30"
        let rows = try read([Self.header, fields.joined(separator: ",")].joined(separator: "\n"))
        guard case .recipient(_, _, let warnings) = rows[0] else { Issue.record("rejected"); return }
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("1949-12-31"))
    }

    @Test func theSameExtractInGBKReadsTheSame() throws {
        let text = ([Self.header] + Self.good).joined(separator: "\n") + "\n"
        let dir = TemporaryFolder()
        let utf8 = Array(try RegistryExtract(path: dir.write("u.csv", text), today: today))
        let gbkExtract = try RegistryExtract(path: try dir.writeGB18030("g.csv", text), today: today)
        let gbk = Array(gbkExtract)
        #expect(gbk == utf8)
        #expect(gbkExtract.encoding == .gb18030)
    }

    @Test func anEmptyFileIsAClearError() throws {
        let dir = TemporaryFolder()
        #expect(throws: RegistryExtractError.empty(path: dir.url.appendingPathComponent("e.csv").path)) {
            _ = try RegistryExtract(path: dir.write("e.csv", ""), today: today)
        }
    }
}
