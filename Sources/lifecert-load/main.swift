import ArgumentParser
import Foundation
import LifecertDomain
import LifecertStore

/// A load generator for the review workflow, for the concurrency test and docs/BENCHMARKS.md.
/// Not a tool for the bureau's users: it acts through the store's API under the login it is given.
///
/// - `seed`: a store with N recipients and N cases waiting for review (one per recipient, opened
///   by the clerk `mailroom`), and reviewers `reviewer1`…`reviewerK`.
/// - `review`: one reviewer working the queue as fast as it can (claim the next case, approve it)
///   until nothing is left; prints one JSON line: approved, refused, errors by kind, and the approval
///   commit times (ms) at the 50th, 99th percentile and the maximum.
@main
struct LifecertLoad: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lifecert-load", abstract: "Load for the review workflow (tests and benchmarks).",
                                                    subcommands: [Seed.self, Review.self])

    struct Seed: ParsableCommand {
        @Option var store: String
        @Option(help: "Cases (and recipients).") var cases: Int
        @Option(help: "Reviewers to add.") var reviewers: Int = 8

        func run() throws {
            let started = Date()
            let s = try Store(path: store)
            try s.addUser("admin", role: .admin, by: "admin")
            try s.addUser("mailroom", role: .clerk, by: "admin")
            for i in 1...reviewers { try s.addUser("reviewer\(i)", role: .reviewer, by: "admin") }
            let run = try s.beginRegistryImport(fileName: "load.csv", sha256: "load", actor: "admin")
            var batch: [Recipient] = []
            for i in 0..<cases {
                batch.append(Recipient(ssn: String(format: "9%011d", i), name: "陈大文", nameLatin: "CHAN Tai Man", sex: .male,
                                       birthDate: LocalDate(iso: "1950-06-01")!, idType: .foreignPassport, idNumber: "P\(i)",
                                       benefitType: .enterprisePension, benefitStatus: .normal, eligible: true, residence: "CA",
                                       lastCertifiedOn: LocalDate(iso: "2025-11-05"), phone: nil, office: "440100"))
                if batch.count == 5000 { try run.upsert(batch); batch = [] }
            }
            try run.upsert(batch)
            try run.finish(encoding: "UTF-8")
            let fields = #"{"kind":"hk","fields":{"appeared_on":"2026-11-02","name":"陈大文"}}"#
            let (scan, _) = try s.registerScan(bytes: Array("load".utf8), sha256: String(repeating: "0", count: 64), originalName: "load.png",
                                               mediaType: "image/png", fileExtension: "png", envelope: EnvelopeInfo(scannedBy: "mailroom"))
            var start = 0
            while start < cases {
                let chunk = (start..<min(cases, start + 5000)).map { i in
                    let ssn = String(format: "9%011d", i)
                    return NewCase(state: "MATCHED", kind: "hk", form: "hk-ftu", fieldsJSON: fields, reason: nil,
                                   link: CaseLink(decision: "auto", recipientSSN: ssn, proposedSSN: nil, certificateNo: nil, matchJSON: "{}", flagsJSON: "[]"),
                                   ocrText: nil)
                }
                _ = try s.openCases(scanID: scan.id, chunk, actor: "mailroom")
                start += 5000
            }
            FileHandle.standardError.write(Data("seeded \(cases) cases in \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n".utf8))
        }
    }

    struct Review: ParsableCommand {
        @Option var store: String
        @Option(name: .customLong("as"), help: "The reviewer's login.") var login: String
        @Option(help: "Stop after this many approvals (default: until the queue is empty).") var limit: Int?
        @Flag(help: "Also print every approval's time (times_ms).") var times = false
        @Option(help: "Pause this many milliseconds after each approval (0: back to back, the worst case).") var paceMs: Int = 0

        func run() throws {
            let s = try Store(path: store)
            let today = LocalDate(iso: "2026-11-25")!
            var times: [Double] = []
            let printTimes = self.times
            var refused = 0
            var errors: [String: Int] = [:]
            while limit.map({ times.count < $0 }) ?? true {
                let id: Int64?
                do { id = try s.claimNext(by: login, today: today) } catch {
                    errors[String(describing: error).prefix(60).description, default: 0] += 1
                    continue
                }
                guard let id else { break }
                let t0 = DispatchTime.now().uptimeNanoseconds
                do {
                    _ = try s.approve(caseID: id, by: login, passedOn: today)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    if paceMs > 0 { usleep(useconds_t(paceMs * 1000)) }
                } catch is WorkflowError {
                    refused += 1
                } catch {
                    errors[String(describing: error).prefix(60).description, default: 0] += 1
                }
            }
            let inOrder = times
            times.sort()
            func pct(_ p: Double) -> Double { times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count) * p))] }
            var out: [String: Any] = ["login": login, "approved": times.count, "refused": refused, "errors": errors,
                                      "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": times.last ?? 0]
            if printTimes { out["times_ms"] = inOrder }
            print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))
        }
    }
}
