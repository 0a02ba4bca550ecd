import Foundation
import LifecertDomain
import Testing
@testable import LifecertStore

/// The matcher's lookups: each by an index, and the name keys kept in step with the registry.
@Suite struct MatchLookupTests {
    @Test func lookupsFindByNumberBirthDateFoldedNameAndKeys() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1", name: "陳大文", id: "P1"), recipient("S2", name: "陈小文", id: "P2"), recipient("S3", name: "王芳", id: "P3")])
        #expect(try store.recipients(idNumbers: ["P2", "nope"]).map(\.ssn) == ["S2"])
        #expect(try Set(store.recipients(bornOn: [day("1950-06-01")], limit: 10).map(\.ssn)) == ["S1", "S2", "S3"])
        // The registry's traditional 陳大文 is found by its simplified form.
        #expect(try store.recipients(namedFolded: ["陈大文"], limit: 10).map(\.ssn) == ["S1"])
        #expect(try store.recipientCount(namePrefix: "陈") == 2)
        #expect(try store.recipientCount(namedFolded: "王芳") == 1)
        // 陈大文 read as 陈木文 still shares the key of its first and last characters.
        #expect(try store.recipients(nameKeys: ["H:陈文"], limit: 10).map(\.ssn).sorted() == ["S1", "S2"])
        #expect(try store.recipients(nameKeys: ["R:CHEN|D"], limit: 10).map(\.ssn) == ["S1"])
    }

    @Test func aChangedNameReplacesItsKeysAndAnUnchangedRowKeepsThem() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1", name: "陈大文", id: "P1")])
        _ = try load(store, [recipient("S1", name: "林大文", id: "P1")])
        #expect(try store.recipients(nameKeys: ["H:陈大"], limit: 10).isEmpty)
        #expect(try store.recipients(nameKeys: ["H:林大"], limit: 10).map(\.ssn) == ["S1"])
        let counts = try load(store, [recipient("S1", name: "林大文", id: "P1")])
        #expect(counts.unchanged == 1)
        #expect(try store.recipients(nameKeys: ["H:林大"], limit: 10).map(\.ssn) == ["S1"])
    }

    @Test func aCertificateNumberIsFoundOnCasesLinkedOrProposedToOthers() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1", id: "P1"), recipient("S2", id: "P2")])
        let (scan, _) = try store.registerScan(bytes: Array("x".utf8), sha256: "ab" + String(repeating: "0", count: 62), originalName: "a.png",
                                               mediaType: "image/png", fileExtension: "png", envelope: EnvelopeInfo(scannedBy: "clerk"))
        try store.openCase(scanID: scan.id, state: "MATCHED", kind: "hk", form: "hk-ftu", fieldsJSON: "{}", reason: nil, actor: "clerk",
                           link: CaseLink(decision: "auto", recipientSSN: "S1", proposedSSN: nil, certificateNo: "FTU-2026-1",
                                          matchJSON: #"{"ssn":"S1"}"#, flagsJSON: "[]"))
        try store.openCase(scanID: scan.id, state: "NEEDS_MATCH", kind: "hk", form: "hk-ftu", fieldsJSON: "{}", reason: nil, actor: "clerk",
                           link: CaseLink(decision: "review", recipientSSN: nil, proposedSSN: "S2", certificateNo: "FTU-2026-2",
                                          matchJSON: #"{"ssn":"S2"}"#, flagsJSON: "[]"))
        #expect(try store.recipientsLinked(certificateNo: "FTU-2026-1", except: "S2") == ["S1"])
        #expect(try store.recipientsLinked(certificateNo: "FTU-2026-1", except: "S1").isEmpty)
        #expect(try store.recipientsLinked(certificateNo: "FTU-2026-2", except: "S1") == ["S2"])
        #expect(try store.recipientsLinked(certificateNo: "FTU-2026-9", except: "S1").isEmpty)
        // The case keeps its match, and its opening event says where it was linked.
        let c = try #require(try store.cases(scanID: scan.id).first)
        #expect(c.recipientSSN == "S1" && c.matchDecision == "auto")
        #expect(try store.events(entity: "case", id: String(c.id)).first?.after?.contains("S1") == true)
    }
}
