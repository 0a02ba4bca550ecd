import Foundation
import Testing

/// The whole review path with the real binary, as the users of one office would run it: a clerk
/// scans, reviewers and a senior decide, the payment system's export shows the dates the rules
/// give. Acting as several logins needs root (LIFECERT_ACT_AS is honoured only for root; CI runs as
/// root).
@Suite(.enabled(if: geteuid() == 0))
struct EndToEndTests {
    let repo = CommandRunner.repository

    func as_(_ who: String) -> CommandRunner { CommandRunner(environment: ["OMP_THREAD_LIMIT": "1", "LIFECERT_ACT_AS": who]) }

    @Test func intakeReviewApproveRejectAndExportWithTheRightDates() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let forms = repo.appendingPathComponent("forms").path
        func scan(_ name: String) -> String { repo.appendingPathComponent("samples/scans/\(name)").path }
        let ada = as_("ada"), carl = as_("carl"), rita = as_("rita"), sam = as_("sam")
        #expect(try ada.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store]).status == 0)
        for (who, role) in [("ada", "admin"), ("carl", "clerk"), ("rita", "reviewer"), ("sam", "senior")] {
            #expect(try ada.run(["users", "add", who, "--role", role, "--store", store]).status == 0)
        }
        // The mailroom: carl scans three certificates, rita one (she helped out in the mailroom).
        func intake(_ who: CommandRunner, _ file: String) throws -> Int {
            let r = try who.run(["intake", scan(file), "--store", store, "--forms", forms, "--today", "2026-11-25", "--json"])
            #expect(r.status == 0, "\(file): \(r.stderr)")
            let o = try JSONSerialization.jsonObject(with: Data(r.stdout.split(separator: "\n").first.map(String.init)?.utf8 ?? "".utf8)) as? [String: Any]
            return try #require(o?["case_id"] as? Int)
        }
        let normal = try intake(carl, "scan-004-hk-ftu.png")          // 周兰秀, HK, appeared 2026-10-05
        let suspended = try intake(carl, "scan-011-foreign-notary.png") // 刘静, suspended enterprise pension, appeared 2026-10-11
        let toReject = try intake(carl, "scan-018-hk-ftu.pdf")
        let ritasOwn = try intake(rita, "scan-020-hk-attesting.png")

        // Refused: a clerk's approval, and a self-approval (exit status 8, a sentence saying why).
        let clerk = try carl.run(["case", "approve", String(normal), "--store", store, "--today", "2026-11-25"])
        #expect(clerk.status == 8 && clerk.stderr.contains("clerk"))
        let own = try rita.run(["case", "approve", String(ritasOwn), "--store", store, "--today", "2026-11-25"])
        #expect(own.status == 8 && own.stderr.contains("maker"))

        // rita works the queue: the next case is the oldest one she did not scan.
        let next = try rita.run(["case", "next", "--store", store, "--today", "2026-11-25"])
        #expect(next.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(normal))
        let shown = try rita.run(["case", "show", String(normal), "--store", store])
        #expect(shown.stdout.contains("P7132712"))        // the full number, for the reviewer holding the case
        // The OCR text with the lines each field was read from marked.
        #expect(shown.stdout.contains("OCR text") && shown.stdout.contains("» name") && shown.stdout.contains("» birth_date"))
        let others = try sam.run(["case", "show", String(normal), "--store", store]).stdout
        #expect(!others.contains("P7132712") && !others.contains("P713271(2)") && others.contains("P7******2)"))   // masked for others
        let approved = try rita.run(["case", "approve", String(normal), "--store", store, "--today", "2026-11-25"])
        #expect(approved.status == 0)
        #expect(approved.stdout.contains("valid until 2027-10-31"), "\(approved.stdout)")

        // Restoring a suspended payment is high-risk: a reviewer, then a senior.
        let first = try rita.run(["case", "approve", String(suspended), "--store", store, "--today", "2026-11-25"])
        #expect(first.stdout.contains("needs a senior"))
        #expect(try rita.run(["case", "approve", String(suspended), "--store", store, "--today", "2026-11-25"]).status == 8)
        let second = try sam.run(["case", "approve", String(suspended), "--store", store, "--today", "2026-11-25"])
        #expect(second.status == 0)
        // Further checks were needed, so back pay is due by the 10th of the next month (SPEC.md rule 6).
        #expect(second.stdout.contains("valid until 2027-10-31") && second.stdout.contains("back pay due by 2026-12-10"), "\(second.stdout)")

        // A rejection carries a code and a sentence for the letter.
        let reject = try rita.run(["case", "reject", String(toReject), "--code", "R03", "--message", "The certificate carries no official seal.", "--store", store])
        #expect(reject.status == 0)
        #expect(try rita.run(["case", "show", String(toReject), "--store", store]).stdout.contains("The certificate carries no official seal."))

        // A correction by the senior, matched again, then audited.
        #expect(try sam.run(["case", "claim", String(ritasOwn), "--store", store]).status == 0)
        let corrected = try sam.run(["case", "correct", String(ritasOwn), "--field", "issuer", "--value", "中國委托公證人", "--reason", "seal read wrongly",
                                     "--store", store, "--forms", forms, "--today", "2026-11-25"])
        #expect(corrected.status == 0 && corrected.stdout.contains("matched again: auto"), "\(corrected.stdout)\(corrected.stderr)")

        // The payment system's export: both records, with the dates above.
        let export = try ada.run(["records", "export", "--since", "2026-01-01", "--csv", "--store", store])
        #expect(export.status == 0)
        let rows = export.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(rows.count == 3)   // header + two records
        #expect(rows.contains { $0.contains("900012591210") && $0.contains("2027-10-31") && $0.contains(",N,,N,") })
        #expect(rows.contains { $0.contains("900001853046") && $0.contains("2027-10-31") && $0.contains(",Y,2026-12-10,N,") })
        #expect(try ada.run(["audit", "verify", "--store", store]).status == 0)

        // Once the store has users: an unknown login cannot even read, a reviewer cannot load the
        // registry, and naming someone else as the scanner does not make them the maker.
        let stranger = try as_("mallory").run(["cases", "--store", store])
        #expect(stranger.status == 8 && stranger.stderr.contains("mallory is not a lifecert user"))
        #expect(try rita.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store]).status == 8)
        let disguised = try rita.run(["intake", scan("scan-022-macao-faom.jpg"), "--scanned-by", "carl", "--store", store, "--forms", forms,
                                      "--today", "2026-11-25", "--json"])
        let disguisedCase = try #require((try JSONSerialization.jsonObject(with: Data(disguised.stdout.utf8)) as? [String: Any])?["case_id"] as? Int)
        let selfApproval = try rita.run(["case", "approve", String(disguisedCase), "--store", store, "--today", "2026-11-25"])
        #expect(selfApproval.status == 8 && selfApproval.stderr.contains("maker"))
    }
}
