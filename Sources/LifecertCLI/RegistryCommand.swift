import ArgumentParser
import Foundation
import LifecertDomain
import LifecertInterchange
import LifecertStore

struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "The recipient registry: import the extract, look people up, list who is due.",
        subcommands: [Import.self, Show.self, Due.self, Overdue.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a registry extract (CSV, UTF-8 or GB18030/GBK) into the store.",
            discussion: """
                Rows are upserted by ssn, 20,000 per transaction; re-importing the same file changes nothing.
                A bad row is reported with its line and reason and does not hold back the good ones.
                Exit status 3 when some rows were rejected.
                """)

        @OptionGroup var options: StoreOptions

        @Argument(help: "The extract, e.g. samples/registry.csv.")
        var file: String

        @Option(help: "The file's encoding: auto, utf-8 or gbk (GB18030).")
        var encoding = "auto"

        @Option(help: ArgumentHelp("Write every rejected row (line, ssn, reasons) to this CSV file.", valueName: "file"))
        var rejects: String?

        @Option(help: ArgumentHelp("Rows per transaction.", visibility: .hidden))
        var chunk = 20_000

        func run() throws {
            var forced: TextEncoding?
            if encoding.lowercased() != "auto" {
                guard let e = TextEncoding(name: encoding) else {
                    throw fail("--encoding \(encoding) is not auto, utf-8 or gbk", .failure)
                }
                forced = e
            }
            let today = try options.todayDate()
            let extract: RegistryExtract
            do {
                extract = try RegistryExtract(path: file, encoding: forced, today: today)
            } catch let e as RegistryExtractError {
                throw fail(e.description, .badInput)
            } catch let e as CSVFileError {
                throw fail(e.description, .badInput)
            }
            let store = try options.openStore()
            let digest = try FileDigest.sha256(path: file)
            let run = try workflow { try store.beginRegistryImport(fileName: file, sha256: digest) }
            var pending: [Recipient] = []
            pending.reserveCapacity(chunk)
            var rejected: [(line: Int, reasons: [String])] = []
            var warnings: [(line: Int, text: String)] = []
            let progress = ProgressLine()
            var rows = 0
            let chunks = ReadAhead(extract.makeIterator(), chunkSize: chunk)
            do {
                for rowsOfChunk in chunks {
                    for row in rowsOfChunk {
                        rows += 1
                        switch row {
                        case .recipient(let line, let r, let w):
                            pending.append(r)
                            for t in w { warnings.append((line, "ssn \(IdentityNumbers.mask(r.ssn)): \(t)")) }
                        case .rejected(let line, let reasons):
                            run.reject()
                            rejected.append((line, reasons))
                        }
                    }
                    try run.upsert(pending)
                    pending.removeAll(keepingCapacity: true)
                    progress.update { t in "\(formatCount(rows)) rows · \(formatCount(Int(Double(rows) / max(t, 0.001)))) rows/s" }
                }
            } catch {
                chunks.cancel()
                progress.finish()
                try? run.fail(reason: "\(error)")
                throw fail("the import stopped after \(formatCount(rows)) rows: \(error). Rows committed so far stay; run the same command again to finish the file.", .storeProblem)
            }
            progress.finish()
            if let io = extract.ioError {
                try? run.fail(reason: io.description)
                throw fail(io.description, .badInput)
            }
            try run.finish(encoding: extract.encoding?.rawValue)
            let c = run.counts
            let seconds = progress.elapsed
            let enc = extract.encoding?.rawValue ?? "ASCII"
            print("registry import \(run.id) of \(file) (\(enc)): \(formatCount(c.total)) rows — \(formatCount(c.inserted)) inserted, \(formatCount(c.updated)) updated, \(formatCount(c.unchanged)) unchanged, \(formatCount(c.rejected)) rejected; \(String(format: "%.1f", seconds)) s, \(formatCount(Int(Double(c.total) / max(seconds, 0.001)))) rows/s")
            if !warnings.isEmpty {
                printError("\(formatCount(warnings.count)) loaded row(s) need a personal-data correction:")
                for w in warnings.prefix(20) { printError("  \(file):\(w.line): \(w.text)") }
                if warnings.count > 20 { printError("  … and \(formatCount(warnings.count - 20)) more") }
            }
            if !rejected.isEmpty {
                let shown = 100
                for r in rejected.prefix(shown) {
                    printError("\(file):\(r.line): rejected: \(r.reasons.joined(separator: "; "))")
                }
                var reportPath = rejects
                if reportPath == nil && rejected.count > shown {
                    // Beside the store, like the consular import's report, never in whatever folder
                    // the command happened to run from.
                    reportPath = ((options.storePath as NSString).deletingLastPathComponent as NSString)
                        .appendingPathComponent(((file as NSString).lastPathComponent) + ".import-\(run.id).rejected.csv")
                }
                if let reportPath {
                    var text = "line,reasons\n"
                    for r in rejected { text += "\(r.line),\(csvField(r.reasons.joined(separator: "; ")))\n" }
                    do {
                        try text.write(toFile: reportPath, atomically: true, encoding: .utf8)
                    } catch {
                        throw fail("could not write the rejects file \(reportPath): \(error.localizedDescription)", .failure)
                    }
                    printError("all \(formatCount(rejected.count)) rejected rows are listed in \(reportPath)")
                } else if rejected.count > shown {
                    printError("… and \(formatCount(rejected.count - shown)) more")
                }
                throw ExitCode(ExitStatus.someRowsRejected.rawValue)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a recipient, when their certification runs out, and their certification history.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "A social-security number or an identity number.")
        var key: String

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let store = try options.openStore()
            let today = try options.todayDate()
            var found: [RecipientRecord] = []
            if let r = try store.recipient(ssn: key.trimmingCharacters(in: .whitespaces)) {
                found = [r]
            } else {
                let check = IdentityNumbers.check(key)
                found = try store.recipients(idNumber: check.key)
                if found.isEmpty && check.key != check.normalized {
                    found = try store.recipients(idNumber: check.normalized)
                }
            }
            guard !found.isEmpty else {
                throw fail("no recipient has the social-security or identity number \(IdentityNumbers.mask(IdentityNumbers.normalize(key)))", .notFound)
            }
            let rules = CertificationRules(policy: store.policy)
            var out: [[String: Any]] = []
            for r in found {
                let history = try store.certificationHistory(ssn: r.recipient.ssn)
                let standing = rules.standing(lastCertifiedOn: r.lastCertifiedOn, residentPensionAppliedOn: r.recipient.appliedOn, on: today)
                if json {
                    out.append(Self.json(r, history: history, standing: standing))
                } else {
                    Self.printText(r, history: history, standing: standing, today: today)
                }
            }
            if json { printJSON(out.count == 1 ? out[0] : out) }
        }

        static func json(_ r: RecipientRecord, history: [CertificationRecord], standing: Standing) -> [String: Any] {
            let p = r.recipient
            return [
                "ssn": p.ssn, "name": p.name, "name_latin": jsonValue(p.nameLatin), "sex": p.sex.rawValue,
                "birth_date": p.birthDate.description, "id_type": p.idType.rawValue, "id_number": p.idNumber,
                "benefit_type": p.benefitType.rawValue, "benefit_status": p.benefitStatus.rawValue,
                "eligible": p.eligible, "residence": p.residence, "phone": jsonValue(p.phone), "office": p.office,
                "registry_last_certified_on": jsonValue(r.registryLastCertifiedOn),
                "last_certified_on": jsonValue(r.lastCertifiedOn),
                "certification_valid_until": jsonValue(r.validUntil),
                "suspended_from": jsonValue(r.suspendedFrom),
                "days_left": standing.daysLeft.map { $0 as Any } ?? NSNullValue,
                "lapsed": standing.isLapsed,
                "history": history.map { h in
                    [
                        "sequence": h.sequence, "record_id": h.id, "name": p.name, "id_number": p.idNumber,
                        "certified_on": h.certifiedOn.description, "channel": h.channel.rawValue,
                        "approved_by": h.approvedBy, "approved_at": h.approvedAt,
                        "valid_until": h.validUntil.description, "restores_payment": h.restoresPayment,
                        "back_pay_due": jsonValue(h.backPayDue), "alive_only": h.aliveOnly,
                        "revoked": h.revocation.map { ["reason": $0.reason, "by": $0.revokedBy, "at": $0.revokedAt] as Any } ?? NSNullValue,
                    ] as [String: Any]
                },
            ]
        }

        static func printText(_ r: RecipientRecord, history: [CertificationRecord], standing: Standing, today: LocalDate) {
            let p = r.recipient
            print("\(p.name)\(p.nameLatin.map { " (\($0))" } ?? "")   ssn \(p.ssn)")
            print("  \(p.sex.rawValue), born \(p.birthDate), \(p.idType.rawValue) \(p.idNumber), lives in \(p.residence), office \(p.office)")
            print("  benefit \(p.benefitType.rawValue), status \(p.benefitStatus.rawValue)\(p.eligible ? "" : ", ELIGIBILITY LOST (certifications record alive status only)")")
            if let until = r.validUntil, let from = r.suspendedFrom, let days = standing.daysLeft {
                let when = days >= 0 ? "\(days) days from \(today)" : "\(-days) days ago"
                print("  certification valid until \(until) (\(when)); payments suspended from \(from) without a new one")
            } else {
                print("  no certification date known: validity cannot be computed")
            }
            if let reg = r.registryLastCertifiedOn { print("  registry's last certification date: \(reg)") }
            if history.isEmpty {
                print("  no certification records in lifecert yet")
            } else {
                print("  history (newest first):")
                for h in history {
                    var line = "   #\(h.sequence)  \(h.certifiedOn)  \(h.channel.rawValue)  valid to \(h.validUntil)  approved by \(h.approvedBy) at \(h.approvedAt)"
                    if h.restoresPayment, let d = h.backPayDue { line += "  restores payment, back pay by \(d)" }
                    if h.aliveOnly { line += "  alive status only" }
                    if let v = h.revocation { line += "  REVOKED by \(v.revokedBy): \(v.reason)" }
                    print(line)
                }
            }
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List recipients whose certification runs out within a window from today (for reminders).")

        @OptionGroup var options: StoreOptions

        @Option(help: ArgumentHelp("The window: days (60d or 60) or weeks (8w).", valueName: "span"))
        var within = "60d"

        @Flag(help: "Print CSV for a spreadsheet.")
        var csv = false

        @Option(help: "Show at most this many people (the count is still of everyone).")
        var limit: Int?

        @Option(help: ArgumentHelp("Write the SMS reminder list (phone, message) for everyone who can be reached as registered (SPEC.md rule 9).", valueName: "file"))
        var sms: String?

        @Option(help: ArgumentHelp("Write, apart, the people whose phone or ID needs a personal-data correction before a reminder can go.", valueName: "file"))
        var corrections: String?

        func run() throws {
            let days: Int
            let w = within.lowercased()
            if let n = Int(w) { days = n }
            else if w.hasSuffix("d"), let n = Int(w.dropLast()) { days = n }
            else if w.hasSuffix("w"), let n = Int(w.dropLast()) { days = n * 7 }
            else { throw fail("--within \(within) is not a number of days (60d) or weeks (8w)", .failure) }
            guard (0...3660).contains(days) else { throw fail("--within must be between 0 and 3660 days", .failure) }
            let today = try options.todayDate()
            let store = try options.openStore()
            let through = today.adding(days: days)!
            let all = try store.due(from: today, through: through)
            let list = all.prefix(limit ?? all.count)
            if sms != nil || corrections != nil {
                var send = "phone,ssn,name,valid_until,message\n", fix = "ssn,name,id_type,id_number,phone,office,valid_until,needs\n"
                var sent = 0, toFix = 0
                for r in all {
                    let p = r.recipient, until = r.validUntil?.description ?? ""
                    if let needs = Self.correction(p) {
                        toFix += 1
                        fix += [p.ssn, p.name, p.idType.rawValue, p.idNumber, p.phone ?? "", p.office, until, needs].map(csvField).joined(separator: ",") + "\n"
                    } else {
                        sent += 1
                        let message = "【社会保险】\(p.name)您好：您的养老待遇领取资格认证将于\(until)到期，请在到期前完成认证，以免暂停发放。"
                        send += ([csvPhone(p.phone ?? "")] + [p.ssn, p.name, until, message].map(csvField)).joined(separator: ",") + "\n"
                    }
                }
                do {
                    if let sms { try send.write(toFile: sms, atomically: true, encoding: .utf8) }
                    if let corrections { try fix.write(toFile: corrections, atomically: true, encoding: .utf8) }
                } catch {
                    throw fail("cannot write the reminder lists: \(error.localizedDescription)", .failure)
                }
                printError("reminders: \(formatCount(sent)) to send\(sms.map { " (\($0))" } ?? ""); \(formatCount(toFix)) need a personal-data correction first\(corrections.map { " (\($0))" } ?? "")")
            }
            if csv {
                print("ssn,name,name_latin,id_type,id_number,benefit_type,benefit_status,office,phone,valid_until,days_left,needs_correction")
                for r in list {
                    let p = r.recipient
                    print([p.ssn, p.name, p.nameLatin ?? "", p.idType.rawValue, p.idNumber, p.benefitType.rawValue,
                           p.benefitStatus.rawValue, p.office, p.phone ?? "", r.validUntil?.description ?? "",
                           String(today.days(until: r.validUntil!)), Self.correction(p) ?? ""].map(csvField).joined(separator: ","))
                }
            } else {
                print("\(formatCount(all.count)) recipient(s) whose certification runs out between \(today) and \(through)\(list.count < all.count ? " (first \(list.count) shown)" : ""):")
                for r in list {
                    let p = r.recipient
                    let fix = Self.correction(p).map { "  [\($0)]" } ?? ""
                    print("  \(r.validUntil!)  \(IdentityNumbers.mask(p.ssn))  \(p.name)  \(p.phone ?? "(no phone)")  office \(p.office)\(fix)")
                }
            }
        }

        /// SPEC.md rule 9: reminders go to the registered phone; a missing phone or an identity number
        /// that is not an 18-digit resident ID needs a personal-data correction first.
        static func correction(_ p: Recipient) -> String? {
            var needs: [String] = []
            if (p.phone ?? "").isEmpty { needs.append("no phone") }
            if !(p.idType == .mainlandResidentID && p.idNumber.count == 18) { needs.append("ID not an 18-digit resident ID") }
            return needs.isEmpty ? nil : needs.joined(separator: "; ")
        }
    }

    struct Overdue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List whom a month's payment run must suspend (no passing certification in time).")

        @OptionGroup var options: StoreOptions

        @Option(help: ArgumentHelp("The payment month, YYYY-MM.", valueName: "month"))
        var month: String

        @Flag(help: "Print CSV for the payment system.")
        var csv = false

        @Option(help: "Show at most this many people (the count is still of everyone).")
        var limit: Int?

        func run() throws {
            guard let m = YearMonth(iso: month) else { throw fail("--month \(month) is not a month in the form YYYY-MM", .failure) }
            let store = try options.openStore()
            let (all, withoutDate) = try store.overdue(month: m)
            let list = all.prefix(limit ?? all.count)
            let code = store.policy.suspensionReasonCode
            if csv {
                print("ssn,name,id_type,id_number,benefit_type,office,last_certified_on,valid_until,suspend_from,reason_code,reason")
                for r in list {
                    let p = r.recipient
                    print([p.ssn, p.name, p.idType.rawValue, p.idNumber, p.benefitType.rawValue, p.office,
                           r.lastCertifiedOn?.description ?? "", r.validUntil?.description ?? "",
                           r.suspendedFrom!.description, code, "no life certificate (离退休人员未提供生存证明)"].map(csvField).joined(separator: ","))
                }
            } else {
                print("\(formatCount(all.count)) recipient(s) still paid whose certification lapsed by \(m) (reason code \(code))\(list.count < all.count ? "; first \(list.count) shown" : ""):")
                for r in list {
                    let p = r.recipient
                    print("  suspend from \(r.suspendedFrom!)  \(IdentityNumbers.mask(p.ssn))  \(p.name)  last certified \(r.lastCertifiedOn?.description ?? "?")  office \(p.office)")
                }
            }
            if withoutDate > 0 {
                printError("note: \(formatCount(withoutDate)) paid recipient(s) have no certification date in the registry and are not listed; correct their records.")
            }
        }
    }
}
