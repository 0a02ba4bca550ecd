import ArgumentParser
import Foundation
import LifecertDomain
import LifecertStore

/// Runs a workflow action, turning a refusal into a message and exit status 8.
func workflow<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as WorkflowError {
        throw fail(e.description, e.isNotFound ? .notFound : .refused)
    }
}

extension WorkflowError {
    var isNotFound: Bool { if case .noSuchCase = self { return true } else { return false } }
}

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Who may use lifecert, and as what.", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user (an administrator only; the first user of a store must be an administrator).",
            discussion: "Users are operating-system logins: lifecert acts as the login that runs it.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The user's operating-system login.") var login: String
        @Option(help: "clerk, reviewer, senior, admin or auditor.") var role: String
        @Option(help: "A name to show.") var name: String?

        func run() throws {
            guard let r = Role(rawValue: role.lowercased()), r != .system else {
                throw fail("--role \(role) is not a role: use clerk, reviewer, senior, admin or auditor", .failure)
            }
            let store = try options.openStore()
            try workflow { try store.addUser(login, role: r, displayName: name, by: Store.currentLogin()) }
            print("\(login) is now a \(r.rawValue)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users and their roles.")
        @OptionGroup var options: StoreOptions
        func run() throws {
            let store = try options.openStore()
            let all = try store.users()
            if all.isEmpty { print("no users yet: the first is added with `lifecert users add LOGIN --role admin`") }
            for u in all { print("\(u.login)  \(u.role)\(u.active ? "" : "  (inactive)")") }
        }
    }
}

struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case", abstract: "One case: show it, claim it, approve, reject or return it (as your login).",
        subcommands: [Show.self, Claim.self, Approve.self, Reject.self, Return.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A case: the certificate's fields beside the recipient's record (disagreements marked !), the flags, the match, the history.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64

        func run() throws {
            let store = try options.openStore()
            guard let c = try store.caseRecord(id: caseID) else { throw fail("there is no case \(caseID)", .notFound) }
            print("case \(c.id)  \(c.state)  \(c.kind ?? "-")/\(c.form ?? "-")  \(c.originalName ?? "")")
            let reading = c.fields.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let f = reading?["fields"] as? [String: Any] ?? [:]
            let match = c.match.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let ssn = c.recipientSSN ?? (match?["ssn"] as? String)
            let r = try ssn.flatMap { try store.recipient(ssn: $0) }?.recipient
            if let r { print("recipient \(r.ssn) \(c.recipientSSN == nil ? "(proposed)" : "(linked)")") }
            func text(_ v: Any?) -> String {
                switch v {
                case let s as String: return s
                case let ids as [[String: Any]]: return ids.map { "\($0["type"] ?? "")  \($0["number"] ?? "")" }.joined(separator: "; ")
                default: return "—"
                }
            }
            let rows: [(String, String, String?)] = [
                ("name", text(f["name"]), r?.name), ("name (Latin)", text(f["name_latin"]), r?.nameLatin ?? "—"),
                ("sex", text(f["sex"]), r?.sex.rawValue), ("birth date", text(f["birth_date"]), r?.birthDate.description),
                ("identity numbers", text(f["ids"]), r.map { "\($0.idType.rawValue)  \($0.idNumber)" }),
                ("appeared on", text(f["appeared_on"]), nil), ("issued on", text(f["issued_on"]), nil),
                ("issuer", text(f["issuer"]), nil), ("certificate no.", text(f["certificate_no"]), nil),
            ]
            print("")
            print("  field              certificate                      registry")
            for (label, cert, reg) in rows {
                let differs = reg != nil && cert != "—" && reg != "—" && !cert.replacingOccurrences(of: "(", with: "").replacingOccurrences(of: ")", with: "").contains(reg!.split(separator: " ").last.map(String.init) ?? reg!)
                print("\(differs ? "!" : " ") \(padded(label, 18)) \(padded(cert, 32)) \(reg ?? "")")
            }
            if let r {
                print("  status: \(r.benefitStatus.rawValue)\(r.eligible ? "" : ", eligibility lost")\(r.diedOn.map { ", died \($0)" } ?? "")")
            }
            var flags = (reading?["flags"] as? [[String: Any]]) ?? []
            if let l = c.linkFlags, let extra = try? JSONSerialization.jsonObject(with: Data(l.utf8)) as? [[String: Any]] { flags += extra }
            if !flags.isEmpty {
                print("\nflags:")
                for fl in flags { print("  [\(fl["severity"] ?? "")] \(fl["code"] ?? ""): \(fl["message"] ?? "")") }
            }
            if let match {
                print("\nmatch: \(match["decision"] ?? "")  \(match["reason"] ?? "")")
                for cand in (match["candidates"] as? [[String: Any]] ?? []).prefix(3) {
                    print("  \(cand["ssn"] ?? "")  \(cand["explanation"] ?? "")")
                }
            }
            print("\nhistory:")
            for e in try store.events(entity: "case", id: String(caseID)) {
                print("  \(e.at)  \(e.actor)  \(e.action)\(e.reason.map { "  — \($0)" } ?? "")")
            }
        }
    }

    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a case for review (a 30-minute lease, renewed by claiming again).")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64
        func run() throws {
            let store = try options.openStore()
            try workflow { try store.claim(caseID: caseID, by: Store.currentLogin()) }
            print("case \(caseID) is yours for 30 minutes")
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a case: the certification record is written (a high-risk case needs a reviewer and then a senior).")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64
        @Option(help: ArgumentHelp("The recipient, for a case not linked automatically (a candidate `lifecert match explain` lists).", valueName: "ssn"))
        var recipient: String?
        func run() throws {
            let store = try options.openStore()
            let today = try options.todayDate()
            let outcome = try workflow { try store.approve(caseID: caseID, by: Store.currentLogin(), recipientSSN: recipient, passedOn: today) }
            switch outcome {
            case .awaitingSenior:
                print("case \(caseID): first approval recorded; it is high-risk and now needs a senior's approval")
            case .certified(let id):
                let ssn = try store.caseRecord(id: caseID)?.recipientSSN ?? "?"
                let r = try store.certificationHistory(ssn: ssn).first { $0.id == id }
                var line = "case \(caseID) approved: certification record \(id) for \(ssn), valid until \(r?.validUntil.description ?? "?")"
                if r?.restoresPayment == true { line += "; payments restored, back pay due by \(r?.backPayDue?.description ?? "?")" }
                if r?.aliveOnly == true { line += "; alive status only (eligibility lost)" }
                print(line)
            }
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a case with a reason code and a sentence for the letter to the recipient.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64
        @Option(help: "Reason code.") var code: String
        @Option(help: "A sentence that can go into a letter to the recipient.") var message: String
        func run() throws {
            let store = try options.openStore()
            try workflow { try store.decline(caseID: caseID, by: Store.currentLogin(), returning: false, reasonCode: code, sentence: message) }
            print("case \(caseID) rejected (\(code))")
        }
    }

    struct Return: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a case back (something missing) with a reason code and a sentence.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64
        @Option(help: "Reason code.") var code: String
        @Option(help: "A sentence that can go into a letter to the recipient.") var message: String
        func run() throws {
            let store = try options.openStore()
            try workflow { try store.decline(caseID: caseID, by: Store.currentLogin(), returning: true, reasonCode: code, sentence: message) }
            print("case \(caseID) returned (\(code))")
        }
    }
}

/// Columns on a terminal: CJK and full-width characters take two cells.
func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
        let v = u.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        return w + (u.properties.generalCategory == .nonspacingMark ? 0 : wide ? 2 : 1)
    }
}

/// `s` cut or padded with spaces to exactly `width` terminal cells.
func padded(_ s: String, _ width: Int) -> String {
    var out = "", w = 0
    for c in s {
        let cw = displayWidth(String(c))
        if w + cw > width { break }
        out.append(c)
        w += cw
    }
    return out + String(repeating: " ", count: width - w)
}
