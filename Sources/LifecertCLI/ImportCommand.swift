import ArgumentParser
import Foundation
import LifecertBatch
import LifecertDomain
import LifecertForms
import LifecertIntake
import LifecertInterchange
import LifecertMatching
import LifecertStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Batch files from the consular channel.", subcommands: [Consular.self])

    struct Consular: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a consular-channel batch file (CSV in UTF-8 or GB18030/GBK, or JSON Lines).",
            discussion: """
                Each row is checked (dates, codes, identity numbers by check digit), matched and flagged
                like a scanned certificate. Rows of the channels in the policy's batch_auto_approve_channels
                (default CONSULAR_APP) that link automatically and carry no flag are approved by the system
                user; every other row is queued for a reviewer. (batch_id, record_id) is imported once,
                forever: a file imported again, or an overlapping one, adds only the new rows; a known key
                with other content is a conflict, queued, the earlier row untouched. An import killed at
                any moment resumes where it stopped when started again on the same file.
                The report (every line's outcome) is written as CSV; exit status 3 when rows were refused.
                """)
        @OptionGroup var options: StoreOptions
        @Argument(help: "The batch file.") var file: String
        @Option(help: ArgumentHelp("Where to write the report (default: FILE.report.csv beside the store).", valueName: "file"))
        var report: String?
        @Option(help: ArgumentHelp("Rows per transaction.", visibility: .hidden)) var chunk = 1000
        @Option(help: "Matching threads (default: one per core).") var workers: Int?

        func run() throws {
            let store = try options.openStore()
            let policy = try options.loadPolicy()
            let today = try options.todayDate()
            let actor = Store.currentLogin()
            let matcher = try Matcher(directory: StoreDirectory(store: store), thresholds: MatchThresholds(policy: policy))
            // A mission is the sender of the file, not an issuer read off a scan: no issuer list applies.
            let linker = CaseLinker(matcher: matcher, policy: policy, today: today, issuers: nil)
            let importer = ConsularImporter(store: store, linker: linker, policy: policy, actor: actor, today: today,
                                            chunkSize: chunk, workers: workers ?? ProcessInfo.processInfo.activeProcessorCount)
            let progress = ProgressLine()
            let summary: ConsularImporter.Summary
            do {
                summary = try importer.run(path: file) { lines, seconds in
                    progress.update { _ in "\(formatCount(lines)) rows · \(formatCount(Int(Double(lines) / max(seconds, 0.001)))) rows/s" }
                }
            } catch let e as BatchFileError {
                progress.finish()
                throw fail(e.description, .badInput)
            } catch let e as WorkflowError {
                progress.finish()
                throw fail(e.description, .refused)
            }
            progress.finish()
            let reportPath = report ?? ((options.storePath as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent(((file as NSString).lastPathComponent) + ".import-\(summary.importID).report.csv")
            var csv = "line,batch_id,record_id,outcome,case_id,record_id_written,reason\n"
            for o in summary.outcomes {
                csv += [String(o.line), csvField(o.batchID ?? ""), csvField(o.recordID ?? ""), o.outcome, o.caseID.map(String.init) ?? "",
                        o.recordNumber.map(String.init) ?? "", csvField(o.reason ?? "")].joined(separator: ",") + "\n"
            }
            do { try csv.write(toFile: reportPath, atomically: true, encoding: .utf8) } catch {
                throw fail("the import finished, but its report cannot be written to \(reportPath): \(error.localizedDescription); pass --report FILE", .failure)
            }
            let c = summary.counts
            let total = c.values.reduce(0, +)
            print("import \(summary.importID) of \(file)\(summary.resumedAfterLine.map { " (resumed after line \($0))" } ?? ""): \(formatCount(total)) rows in \(String(format: "%.1f", summary.seconds)) s (\(formatCount(Int(Double(total) / max(summary.seconds, 0.001)))) rows/s)")
            print("  approved \(c["APPROVED"] ?? 0) · queued \(c["QUEUED"] ?? 0) · rejected \(c["REJECTED"] ?? 0) · already known \(c["DUPLICATE"] ?? 0) · conflicts \(c["CONFLICT"] ?? 0)")
            for o in summary.outcomes where o.outcome == "REJECTED" || o.outcome == "CONFLICT" {
                printError("\(file):\(o.line): \(o.outcome.lowercased()): \(o.reason ?? "")")
            }
            print("report: \(reportPath)")
            if (c["REJECTED"] ?? 0) > 0 { throw ExitCode(ExitStatus.someRowsRejected.rawValue) }
        }
    }
}
