import ArgumentParser
import Foundation
import LifecertDomain
import LifecertIntake
import LifecertMatching
import LifecertStore

struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match", abstract: "Matching certificates to recipients: explanations and batch runs.",
        subcommands: [Explain.self, Batch.self])

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why a case was linked, queued or found no match: every candidate's score, field by field.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64
        @Flag(help: "Print the stored match as JSON.") var json = false

        func run() throws {
            let store = try options.openStore()
            guard let c = try store.caseRecord(id: caseID) else { throw fail("there is no case \(caseID)", .notFound) }
            guard let raw = c.match, let data = raw.data(using: .utf8),
                  let m = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw fail("case \(caseID) (\(c.state)) has no match: \(c.kind == "none" ? "it is not a certificate" : c.state == "UNREADABLE" ? "the scan could not be read" : "it was taken in before matching existed")", .notFound)
            }
            if json { print(raw); return }
            print("case \(caseID)  \(c.state)  \(c.originalName ?? "")")
            print("decision: \(m["decision"] as? String ?? "?")  \(m["reason"] as? String ?? "")")
            let candidates = m["candidates"] as? [[String: Any]] ?? []
            if candidates.isEmpty { print("no candidate") }
            for (i, cand) in candidates.enumerated() {
                let ssn = cand["ssn"] as? String ?? "?"
                let name = (try? store.recipient(ssn: ssn))??.recipient.name ?? ""
                print("\n\(i + 1). \(ssn) \(name)  score \(MatchScore.format(cand["score"] as? Double ?? 0))")
                for part in cand["contributions"] as? [[String: Any]] ?? [] {
                    print("   \(part["sentence"] as? String ?? "")")
                }
            }
            if let f = c.linkFlags, let d = f.data(using: .utf8), let flags = try JSONSerialization.jsonObject(with: d) as? [[String: Any]], !flags.isEmpty {
                print("\nflags:")
                for flag in flags { print("   [\(flag["severity"] as? String ?? "")] \(flag["code"] as? String ?? ""): \(flag["message"] as? String ?? "")") }
            }
        }
    }

    struct Batch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Match certificates' fields given as JSON Lines against the store's registry, without opening cases.",
            discussion: """
                Each input line is an object with "id" and "fields" (the `lifecert extract --json` fields:
                name, name_latin, sex, birth_date, appeared_on, issuer, certificate_no, ids). Prints one
                line per certificate: {"id", "ssn", "decision", "score", "candidates": [{"ssn", "score"}]}.
                For benchmarks and for checking a policy's thresholds; nothing is written to the store.
                """)
        @OptionGroup var options: StoreOptions
        @Argument(help: "JSON Lines file of certificates.") var file: String

        func run() throws {
            let store = try options.openStore()
            let policy = try options.loadPolicy()
            let matcher = try Matcher(directory: StoreDirectory(store: store), thresholds: MatchThresholds(policy: policy))
            guard let handle = FileHandle(forReadingAtPath: file) else { throw fail("cannot read \(file)", .badInput) }
            let data = handle.readDataToEndOfFile()
            let today = try options.todayDate()
            let started = Date()
            // Parse, then match on all cores (each certificate is independent; the store serves
            // concurrent reads), then print in input order.
            var inputs: [(id: Any, evidence: CertificateEvidence)] = []
            var bad = 0
            for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
                guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let fields = o["fields"] as? [String: Any] else {
                    printError("\(file):\(i + 1): not a JSON object with \"fields\"; not matched")
                    bad += 1
                    continue
                }
                inputs.append((o["id"] ?? NSNull(), CaseLinker.evidence(fields: fields, today: today)))
            }
            let evidence = inputs.map(\.evidence)
            var results = [Result<MatchResult, any Error>?](repeating: nil, count: evidence.count)
            let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
            results.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let out = buffer  // each worker writes its own slots only
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    var i = w
                    while i < evidence.count {
                        out[i] = Result { try matcher.match(evidence[i]) }
                        i += workers
                    }
                }
            }
            var buffer = ""
            let stdout = FileHandle.standardOutput
            for (n, r) in results.enumerated() {
                let m = try r!.get()
                let result: [String: Any] = [
                    "id": inputs[n].id, "ssn": m.ssn ?? NSNull(), "decision": m.decision.rawValue, "score": m.score ?? NSNull(),
                    "candidates": m.candidates.map { ["ssn": $0.ssn, "score": $0.score] as [String: Any] },
                ]
                buffer += compactJSON(result) + "\n"
                if buffer.utf8.count > 1 << 16 { stdout.write(Data(buffer.utf8)); buffer = "" }
            }
            stdout.write(Data(buffer.utf8))
            let s = Date().timeIntervalSince(started)
            printError("matched \(evidence.count) certificate(s) in \(String(format: "%.2f", s)) s (\(String(format: "%.0f", Double(evidence.count) / max(s, 0.001))) per second, \(workers) workers)\(bad > 0 ? "; \(bad) line(s) refused" : "")")
            if bad > 0 { throw ExitCode(ExitStatus.badInput.rawValue) }
        }
    }
}
