import Foundation
import Testing
@testable import LifecertInterchange

@Suite struct CSVReaderTests {
    func rows(_ path: String, maxRecordBytes: Int = 1 << 20) throws -> [CSVRow] {
        Array(try CSVReader(path: path, maxRecordBytes: maxRecordBytes))
    }

    @Test func quotedFieldsKeepCommasQuotesAndNewlinesAndLinesAreCountedPhysically() throws {
        let dir = TemporaryFolder()
        let path = dir.write("a.csv", "a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,row,here\n")
        let r = try rows(path)
        #expect(r == [
            .record(line: 1, fields: ["a", "b", "c"]),
            .record(line: 2, fields: ["x, y", "say \"hi\"", "two\nlines"]),
            .record(line: 4, fields: ["last", "row", "here"]),
        ])
    }

    @Test func crlfLineEndingsAndAByteOrderMark() throws {
        let dir = TemporaryFolder()
        let path = dir.write("b.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("ssn,name\r\n1,陈大文\r\n2,\"Chan, Tai Man\"\r\n".utf8))
        let reader = try CSVReader(path: path)
        let r = Array(reader)
        #expect(r == [
            .record(line: 1, fields: ["ssn", "name"]),
            .record(line: 2, fields: ["1", "陈大文"]),
            .record(line: 3, fields: ["2", "Chan, Tai Man"]),
        ])
        #expect(reader.encoding == .utf8)
    }

    @Test func emptyFieldsAndTrailingCommas() throws {
        let dir = TemporaryFolder()
        let r = try rows(dir.write("c.csv", "a,,c,\n,,,\n"))
        #expect(r == [.record(line: 1, fields: ["a", "", "c", ""]), .record(line: 2, fields: ["", "", "", ""])])
    }

    @Test func aNulByteSpoilsOnlyItsOwnRecord() throws {
        let dir = TemporaryFolder()
        let path = dir.write("d.csv", bytes: Array("a,b\n1,x".utf8) + [0] + Array("y\n2,z\n".utf8))
        let r = try rows(path)
        #expect(r.count == 3)
        guard case .bad(let line, let reason) = r[1] else { Issue.record("expected a bad row"); return }
        #expect(line == 2)
        #expect(reason.contains("NUL"))
        #expect(r[2] == .record(line: 3, fields: ["2", "z"]))
    }

    @Test func anUnclosedQuoteIsReportedAtTheLineItStarts() throws {
        let dir = TemporaryFolder()
        let r = try rows(dir.write("e.csv", "a,b\n1,\"open\n2,x\n"))
        #expect(r.count == 2)
        guard case .bad(let line, let reason) = r[1] else { Issue.record("expected a bad row"); return }
        #expect(line == 2)
        #expect(reason.contains("not closed"))
    }

    @Test func aStrayQuoteInsideAnUnquotedFieldIsReported() throws {
        let dir = TemporaryFolder()
        let r = try rows(dir.write("f.csv", "a,b\n1,ab\"c\n2,ok\n"))
        guard case .bad(2, let reason) = r[1] else { Issue.record("expected a bad row on line 2"); return }
        #expect(reason.contains("quote"))
        #expect(r[2] == .record(line: 3, fields: ["2", "ok"]))
    }

    @Test func anOverlongRecordIsSkippedAndTheNextOneRead() throws {
        let dir = TemporaryFolder()
        let long = String(repeating: "x", count: 5000)
        let r = try rows(dir.write("g.csv", "a,b\n1,\(long)\n2,short\n"), maxRecordBytes: 1024)
        #expect(r.count == 3)
        guard case .bad(2, let reason) = r[1] else { Issue.record("expected the long row to be bad"); return }
        #expect(reason.contains("longer than"))
        #expect(r[2] == .record(line: 3, fields: ["2", "short"]))
    }

    @Test func gb18030IsDetectedAndDecoded() throws {
        let dir = TemporaryFolder()
        let text = "ssn,name\n1,陈大文\n2,黄淑芬\n3,鄭國榮\n"
        let path = try dir.writeGB18030("gbk.csv", text)
        let reader = try CSVReader(path: path)
        let r = Array(reader)
        #expect(reader.encoding == .gb18030)
        #expect(r == [
            .record(line: 1, fields: ["ssn", "name"]), .record(line: 2, fields: ["1", "陈大文"]),
            .record(line: 3, fields: ["2", "黄淑芬"]), .record(line: 4, fields: ["3", "鄭國榮"]),
        ])
    }

    /// The encoding is decided at the first non-ASCII byte, however far into the file it is
    /// (past the first read buffer here), not by sniffing the first block.
    @Test func gb18030AfterTwoMegabytesOfASCII() throws {
        let dir = TemporaryFolder()
        var text = "ssn,name\n"
        for i in 0..<100_000 { text += "\(i),Chan Tai Man\n" }
        text += "100000,陈大文\n"
        let path = try dir.writeGB18030("late.csv", text)
        let r = try rows(path)
        #expect(r.count == 100_002)
        #expect(r.last == .record(line: 100_002, fields: ["100000", "陈大文"]))
    }

    @Test func gbkBytesAfterUTF8TextAreAnErrorNamingTheMix() throws {
        let dir = TemporaryFolder()
        let utf8 = Array("ssn,name\n1,陈大文\n".utf8)
        let gbkPath = try dir.writeGB18030("part.csv", "2,黄淑芬\n3,ok\n")
        let gbk = Array(FileManager.default.contents(atPath: gbkPath)!)
        let path = dir.write("mixed.csv", bytes: utf8 + gbk)
        let r = try rows(path)
        #expect(r.count == 4)
        guard case .bad(3, let reason) = r[2] else { Issue.record("expected line 3 to be bad"); return }
        #expect(reason.contains("mixes encodings"))
        #expect(r[3] == .record(line: 4, fields: ["3", "ok"]))
    }

    @Test func aMissingFileOrAFolderIsAFileError() throws {
        #expect(throws: CSVFileError.self) { _ = try CSVReader(path: "/nonexistent/registry.csv") }
        let dir = TemporaryFolder()
        #expect(throws: CSVFileError.self) { _ = try CSVReader(path: dir.url.path) }
    }

    @Test func anEmptyFileHasNoRows() throws {
        let dir = TemporaryFolder()
        #expect(try rows(dir.write("empty.csv", "")).isEmpty)
    }
}
