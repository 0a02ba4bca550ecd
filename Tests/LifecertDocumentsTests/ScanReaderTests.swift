import Foundation
import LifecertDomain
import Testing
@testable import LifecertDocuments

/// The repository's samples/ folder.
let samplesFolder: URL = {
    var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        dir = dir.deletingLastPathComponent()
    }
    return dir.appendingPathComponent("samples")
}()

func sampleBytes(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: samplesFolder.appendingPathComponent("scans/\(name)")))
}

/// Bad files of every kind intake must refuse clearly (built here, byte by byte).
enum BadFiles {
    static let textNamedPDF = Array("Dear Sir, please find my life certificate enclosed.\n".utf8)

    /// A PDF whose standard security handler needs a password lifecert does not have.
    static let encryptedPDF: [UInt8] = {
        let u = String(repeating: "A1", count: 32), o = String(repeating: "B2", count: 32)
        var body = "%PDF-1.4\n"
        var offsets: [Int] = []
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            "<< /Filter /Standard /V 1 /R 2 /O <\(o)> /U <\(u)> /P -44 >>",
        ]
        for (i, obj) in objects.enumerated() {
            offsets.append(body.utf8.count)
            body += "\(i + 1) 0 obj\n\(obj)\nendobj\n"
        }
        let xref = body.utf8.count
        body += "xref\n0 5\n0000000000 65535 f \n"
        for off in offsets { body += String(repeating: "0", count: 10 - String(off).count) + "\(off) 00000 n \n" }
        body += "trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(body.utf8)
    }()

    /// A PNG whose header says 20000×20000 pixels (400 million): refused before decoding.
    static let hugePNG: [UInt8] = {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let ihdrData = be(20000) + be(20000) + [8, 0, 0, 0, 0]
        let chunk = Array("IHDR".utf8) + ihdrData
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + chunk + be(crc32(chunk))
            + be(0) + Array("IEND".utf8) + be(crc32(Array("IEND".utf8)))
    }()

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }
}

@Suite struct ScanReaderTests {
    let reader = ScanReader()

    @Test func formatsAreRecognisedByContentNotName() throws {
        #expect(ScanFormat.sniff(try sampleBytes("scan-001-consular-2015.pdf")) == .pdf)
        #expect(ScanFormat.sniff(try sampleBytes("scan-007-macao-iam.tif")) == .tiff)
        #expect(ScanFormat.sniff(try sampleBytes("scan-003-consular-survival.png")) == .png)
        #expect(ScanFormat.sniff(try sampleBytes("scan-005-hk-had.jpg")) == .jpeg)
        #expect(ScanFormat.sniff(BadFiles.textNamedPDF) == nil)
    }

    @Test func aScannedPDFRendersToAGreyPageAtTheChosenResolution() throws {
        let (format, pages) = try reader.read(try sampleBytes("scan-001-consular-2015.pdf"), name: "a.pdf")
        #expect(format == .pdf)
        #expect(pages.count == 1)
        let image = try #require(pages[0].image)
        #expect(abs(image.width - 2481) <= 2 && abs(image.height - 3507) <= 2)
        #expect(pages[0].textLayer == nil)
    }

    @Test func aMultiPageTIFFGivesEveryPage() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: samplesFolder.appendingPathComponent("scans").path)
        for name in names where name.hasSuffix(".tif") {
            let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: samplesFolder.appendingPathComponent("truth/\(name).json"))) as! [String: Any]
            let (_, pages) = try reader.read(try sampleBytes(name), name: name)
            #expect(pages.count == truth["pages"] as! Int, "\(name)")
        }
    }

    @Test(arguments: [
        ("empty.pdf", [UInt8](), "empty_file"),
        ("letter.pdf", BadFiles.textNamedPDF, "not_a_scan"),
        ("locked.pdf", BadFiles.encryptedPDF, "encrypted"),
        ("huge.png", BadFiles.hugePNG, "too_large"),
        ("garbage.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46], "damaged"),
    ])
    func badFilesAreRefusedWithAReasonNamingTheFile(name: String, bytes: [UInt8], code: String) throws {
        #expect {
            _ = try reader.read(bytes, name: name)
        } throws: { error in
            guard let e = error as? ScanError else { return false }
            return e.code == code && e.description.contains(name)
        }
    }

    @Test func aTruncatedPDFIsDamaged() throws {
        let whole = try sampleBytes("scan-009-macao-fss.pdf")
        let cut = Array(whole.prefix(whole.count / 3))
        #expect {
            _ = try reader.read(cut, name: "cut.pdf")
        } throws: { error in
            guard let e = error as? ScanError else { return false }
            return e.code == "damaged" || e.code == "unreadable"
        }
    }
}

@Suite struct OCRTests {
    let pool = OCRPool()

    @Test func theQuickPassAndTheFullPassReadACertificate() throws {
        let reader = PageReader(pool: pool)
        let (_, pages) = try ScanReader().read(try sampleBytes("scan-001-consular-2015.pdf"), name: "a.pdf")
        let prepared = try reader.prepare(pages[0].image!, index: 0)
        let full = try reader.read(prepared, index: 0, languages: "chi_sim+eng")
        let compact = full.text.replacingOccurrences(of: " ", with: "")
        #expect(compact.contains("养老金资格审核表"))
        #expect(full.meanConfidence > 70)
        #expect(full.words.allSatisfy { $0.box.width > 0 && $0.box.x + $0.box.width <= full.width })
    }

    @Test func aPageTurnedUpsideDownIsTurnedBack() throws {
        let reader = PageReader(pool: pool)
        let (_, pages) = try ScanReader().read(try sampleBytes("scan-011-foreign-notary.png"), name: "n.png")
        let upsideDown = try #require(pages[0].image!.rotated(quarterTurns: 2))
        let prepared = try reader.prepare(upsideDown, index: 0)
        #expect(prepared.quarterTurns == 2)
        #expect(prepared.quick.text.uppercased().contains("CERTIFICATE"))
        let upright = try reader.prepare(pages[0].image!, index: 0)
        #expect(upright.quarterTurns == 0)
    }

    /// A Chinese certificate turned each way (the detector reads it at about 150 DPI) comes back upright.
    @Test(arguments: [1, 2, 3])
    func aChinesePageTurnedAnyWayIsTurnedBack(_ turns: Int) throws {
        let reader = PageReader(pool: pool)
        let (_, pages) = try ScanReader().read(try sampleBytes("scan-001-consular-2015.pdf"), name: "a.pdf")
        let turned = try #require(pages[0].image!.rotated(quarterTurns: turns))
        let prepared = try reader.prepare(turned, index: 0)
        #expect((prepared.quarterTurns + turns) % 4 == 0)
        #expect(prepared.quick.text.replacingOccurrences(of: " ", with: "").contains("资格审核表")
                || prepared.quick.text.replacingOccurrences(of: " ", with: "").contains("資格審核表"))
    }

    @Test func enginesAreNeverSharedBetweenThreads() throws {
        let (_, pages) = try ScanReader().read(try sampleBytes("scan-011-foreign-notary.png"), name: "n.png")
        let image = try #require(pages[0].image?.scaled(0.5))
        // Each thread writes its own slot of one buffer allocated beforehand (growing or copying a
        // shared Array from several threads would itself be a race; ThreadSanitizer reported it).
        let texts = UnsafeMutableBufferPointer<String>.allocate(capacity: 6)
        texts.initialize(repeating: "")
        defer { texts.deinitialize(); texts.deallocate() }
        nonisolated(unsafe) let slots = texts
        DispatchQueue.concurrentPerform(iterations: 6) { i in
            slots[i] = (try? pool.withEngine("eng") { $0.recognize(image, index: 0).text }) ?? ""
        }
        #expect(Set(texts).count == 1)
        #expect(texts[0].uppercased().contains("NOTARY"))
    }
}
