import Foundation
import LifecertDomain
import LifecertIntake
import LifecertInterchange
import LifecertMatching
import LifecertStore

/// Imports a consular-channel batch file: every row checked, matched and flagged like a scanned
/// certificate, then approved by the system user where the policy allows or queued for a reviewer;
/// bad rows quarantined with their line and reason, never holding back the good ones.
///
/// Contract: exactly once. (`batch_id`, `record_id`) is unique forever (the store keeps every key),
/// so importing a file again or an overlapping one adds only the new rows; a known key with other
/// content is a conflict, queued, the earlier row untouched. Rows are committed in chunks, each
/// chunk in one transaction with the import's committed line, so an import killed at any moment
/// and started again on the same file resumes after the last committed line with nothing lost or
/// doubled. Matching runs on all cores while the previous chunk commits.
public final class ConsularImporter: Sendable {
    /// What one run did, counted from the store's per-line outcomes.
    public struct Summary: Sendable {
        public let importID: Int64
        public let resumedAfterLine: Int?
        public let counts: [String: Int]
        public let outcomes: [ImportLineOutcome]
        public let seconds: Double
        public let encoding: String?
    }

    /// Progress after each chunk: lines done, seconds since the start.
    public typealias Progress = (_ lines: Int, _ seconds: Double) -> Void

    let store: Store
    let linker: CaseLinker
    let policy: CertificationPolicy
    let actor: String
    let today: LocalDate
    let chunkSize: Int
    let workers: Int

    public init(store: Store, linker: CaseLinker, policy: CertificationPolicy, actor: String, today: LocalDate,
                chunkSize: Int = 1000, workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.store = store
        self.linker = linker
        self.policy = policy
        self.actor = actor
        self.today = today
        self.chunkSize = max(1, chunkSize)
        self.workers = max(1, workers)
    }

    public func run(path: String, progress: Progress? = nil) throws -> Summary {
        let started = Date()
        let file = try ConsularBatchFile(path: path, today: today)
        let sha = try FileDigest.sha256(path: path)
        let run = try store.beginConsularImport(fileName: path, sha256: sha, actor: actor)
        let committer = DispatchQueue(label: "lifecert.batch.commit")
        let failure = Failure()
        var pendingCommit: DispatchWorkItem?
        var chunk: [BatchItem] = []
        var done = 0

        let timing = ProcessInfo.processInfo.environment["LIFECERT_TIMING"] == "1"
        var decideSeconds = 0.0, waitSeconds = 0.0
        let commitSeconds = Stopwatch()
        func flush() throws {
            guard !chunk.isEmpty else { return }
            let items = chunk
            chunk = []
            let t0 = Date()
            let lines = decide(items)
            let t1 = Date()
            decideSeconds += t1.timeIntervalSince(t0)
            // One commit in flight while the next chunk is matched.
            pendingCommit?.wait()
            waitSeconds += Date().timeIntervalSince(t1)
            if let e = failure.error { throw e }
            let through = items.last!.line
            let work = DispatchWorkItem { [store, actor, today] in
                let c0 = Date()
                do {
                    try store.commitConsularLines(lines, importID: run.id, throughLine: through, actor: actor, passedOn: today)
                } catch { failure.set(error) }
                commitSeconds.add(Date().timeIntervalSince(c0))
            }
            pendingCommit = work
            committer.async(execute: work)
            done += items.count
            progress?(done, Date().timeIntervalSince(started))
        }

        while let item = file.next() {
            if item.line <= run.committedLine { continue }
            chunk.append(item)
            if chunk.count >= chunkSize { try flush() }
        }
        try flush()
        pendingCommit?.wait()
        if let e = failure.error { throw e }
        if timing {
            FileHandle.standardError.write(Data("timing: total \(Date().timeIntervalSince(started)) s; matching \(decideSeconds) s; waiting for commits \(waitSeconds) s; committing \(commitSeconds.seconds) s\n".utf8))
        }
        try store.finishConsularImport(run.id, encoding: file.encoding, actor: actor)
        let outcomes = try store.importOutcomes(run.id)
        var counts: [String: Int] = [:]
        for o in outcomes { counts[o.outcome, default: 0] += 1 }
        return Summary(importID: run.id, resumedAfterLine: run.resumed ? run.committedLine : nil, counts: counts, outcomes: outcomes,
                       seconds: Date().timeIntervalSince(started), encoding: file.encoding)
    }

    /// Matches and checks a chunk on all cores; returns what the store is to commit, in line order.
    func decide(_ items: [BatchItem]) -> [BatchLine] {
        var out = [BatchLine?](repeating: nil, count: items.count)
        let next = Counter()
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let b = buffer
            DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { _ in
                // One read snapshot per worker and chunk: the lookups of a thousand rows share it.
                _ = try? store.withReadSnapshot {
                    while true {
                        let i = next.take()
                        guard i < items.count else { return }
                        b[i] = decide(items[i])
                    }
                }
            }
        }
        return out.map { $0! }
    }

    func decide(_ item: BatchItem) -> BatchLine {
        switch item {
        case .rejected(let line, let batchID, let recordID, let reasons):
            return BatchLine(line: line, batchID: batchID, recordID: recordID, content: .rejected(reasons: reasons))
        case .row(let r):
            // A row imported before with the same content is not matched again (a re-import of a
            // large file costs a lookup per row); the store confirms it when committing.
            if let known = try? store.batchRowContentHash(batchID: r.batchID, recordID: r.recordID),
               known == Store.batchContentHash(r.canonical) {
                return BatchLine(line: r.line, batchID: r.batchID, recordID: r.recordID, content: .alreadyImported(canonical: r.canonical))
            }
            let han = r.name.unicodeScalars.contains { $0.properties.isIdeographic }
            let evidence = CertificateEvidence(
                name: han ? r.name : nil, nameLatin: han ? nil : r.name, sex: r.sex, birthDate: r.birthDate,
                ids: [.init(type: r.idType, number: r.idNumber, valid: true)], appearedOn: r.appearedOn, issuedOn: nil,
                issuer: r.mission, certificateNo: r.certificateNo)
            let linked: LinkedCertificate
            do { linked = try linker.link(evidence) } catch {
                return BatchLine(line: r.line, batchID: r.batchID, recordID: r.recordID,
                                 content: .rejected(reasons: ["could not be matched: \(error)"]))
            }
            let link = CaseLink(decision: linked.match.decision.rawValue, recipientSSN: linked.match.decision == .auto ? linked.match.ssn : nil,
                                proposedSSN: linked.match.decision == .review ? linked.match.ssn : nil, certificateNo: r.certificateNo,
                                matchJSON: JSONText.encode(linked.matchJSON()), flagsJSON: JSONText.encode(linked.flagsJSON()))
            let auto = policy.batchAutoApproveChannels.contains(r.channel) && linked.match.decision == .auto && linked.flags.isEmpty
            var why: [String] = []
            if !policy.batchAutoApproveChannels.contains(r.channel) {
                why.append("\(r.channel.rawValue) rows are always examined by a reviewer (policy batch_auto_approve_channels)")
            }
            switch linked.match.decision {
            case .auto: break
            case .review: why.append("identity information does not match the registry (当前人员信息与社保系统信息不匹配): \(linked.match.reason)")
            case .none: why.append("identity information does not match the registry (当前人员信息与社保系统信息不匹配): no recipient found")
            }
            why += linked.flags.map { "\($0.code.rawValue): \($0.message)" }
            let fields: [String: Any] = [
                "kind": "batch", "form": r.channel.rawValue,
                "fields": ["name": r.name, "sex": r.sex.rawValue, "birth_date": r.birthDate.description,
                           "ids": [["type": r.idType.rawValue, "number": r.idNumber]] + (r.passportNumber.map { [["type": "PASSPORT_AS_SENT", "number": $0]] } ?? []),
                           "appeared_on": r.appearedOn.description, "certified_at": r.certifiedAt, "issuer": r.mission,
                           "certificate_no": r.certificateNo ?? NSNull(), "batch_id": r.batchID, "record_id": r.recordID] as [String: Any],
                "flags": [] as [Any],
            ]
            return BatchLine(line: r.line, batchID: r.batchID, recordID: r.recordID,
                             content: .row(canonical: r.canonical, channel: r.channel, fieldsJSON: JSONText.encode(fields), link: link,
                                           autoApprove: auto, queueReason: why.joined(separator: "; ")))
        }
    }
}

/// The first error a background commit met.
final class Failure: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ e: any Error) { lock.lock(); if stored == nil { stored = e }; lock.unlock() }
    var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return stored }
}

/// Seconds added up across threads (`LIFECERT_TIMING=1`).
final class Stopwatch: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0.0
    func add(_ s: Double) { lock.lock(); total += s; lock.unlock() }
    var seconds: Double { lock.lock(); defer { lock.unlock() }; return total }
}

/// Hands out 0, 1, 2, … to worker threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func take() -> Int { lock.lock(); defer { n += 1; lock.unlock() }; return n }
}
