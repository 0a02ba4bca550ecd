import ArgumentParser
import Foundation
import LifecertDomain
import LifecertForms
import LifecertIntake
import LifecertMatching
import LifecertQueue
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
        commandName: "users", abstract: "Who may use lifecert, and as what.", subcommands: [Add.self, List.self, SetRole.self, Deactivate.self])

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
            print("\(login) is now \(r == .admin || r == .auditor ? "an" : "a") \(r.rawValue)")
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-role", abstract: "Change a user's role (an administrator only; audited).")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The user's login.") var login: String
        @Option(help: "clerk, reviewer, senior, admin or auditor.") var role: String
        func run() throws {
            guard let r = Role(rawValue: role.lowercased()), r != .system else {
                throw fail("--role \(role) is not a role: use clerk, reviewer, senior, admin or auditor", .failure)
            }
            let store = try options.openStore()
            try workflow { try store.setRole(login, to: r, by: Store.currentLogin()) }
            print("\(login) is now \(r == .admin || r == .auditor ? "an" : "a") \(r.rawValue)")
        }
    }

    struct Deactivate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a user from using lifecert (an administrator only; audited; nothing is deleted).")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The user's login.") var login: String
        func run() throws {
            let store = try options.openStore()
            try workflow { try store.deactivateUser(login, by: Store.currentLogin()) }
            print("\(login) can no longer use lifecert; their claims are released")
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
        commandName: "case", abstract: "One case: show it, claim it, correct it, approve, reject or return it (as your login).",
        subcommands: [Show.self, Next.self, Claim.self, Release.self, Correct.self, Scan.self, Approve.self, Reject.self, Return.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A case: the certificate's fields beside the recipient's record (disagreements marked !), the flags, the match, the history.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64

        func run() throws {
            let store = try options.openStore()
            guard let lines = try CaseSheet.lines(store: store, caseID: caseID, viewer: Store.currentLogin()) else { throw fail("there is no case \(caseID)", .notFound) }
            for l in lines { print(l) }
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim the oldest open case nobody else holds (one you did not scan or already approve) and print its id.",
            discussion: "Exit status 1 when the queue has nothing for you. Two reviewers asking at once get different cases.")
        @OptionGroup var options: StoreOptions
        @Option(help: "Only cases of this kind (consular, hk, macao, taiwan, notary).") var kind: String?
        @Option(help: "Only cases carrying this flag (e.g. restores_payment).") var flag: String?
        func run() throws {
            let store = try options.openStore()
            let filter = QueueFilter(kind: kind, flag: flag)
            guard let id = try workflow({ try store.claimNext(by: Store.currentLogin(), filter: filter, today: try options.todayDate()) }) else {
                printError("nothing in the queue for you (\(filter.summary))")
                throw ExitCode(1)
            }
            print(id)
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give back a case you claimed, undecided.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64
        func run() throws {
            let store = try options.openStore()
            try workflow { try store.release(caseID: caseID, by: Store.currentLogin()) }
            print("case \(caseID) released")
        }
    }

    struct Correct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct one field as read from the certificate (audited; the case then needs a senior's approval).",
            discussion: """
                Claim the case first. Fields: \(CorrectableField.allCases.map(\.rawValue).joined(separator: ", ")).
                An identity number is given as TYPE:NUMBER and must pass its check digit. The case is
                matched again on the corrected reading, and the new match is kept on the case.
                """)
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64
        @Option(help: "The field to correct.") var field: String
        @Option(help: "Its new value.") var value: String
        @Option(help: "Why (kept in the audit log).") var reason: String
        @Option(help: ArgumentHelp("The folder of form templates, for the recognised issuers (default ./forms).", valueName: "dir"))
        var forms: String?

        func run() throws {
            guard let f = CorrectableField(rawValue: field) else {
                throw fail("--field \(field) cannot be corrected: use one of \(CorrectableField.allCases.map(\.rawValue).joined(separator: ", "))", .failure)
            }
            let store = try options.openStore()
            let actor = Store.currentLogin()
            let before = try workflow { try store.correctField(caseID: caseID, field: f, value: value, reason: reason, by: actor) }
            print("case \(caseID): \(f.rawValue) corrected (was \(f == .id ? "an identity number" : before ?? "empty")); it now needs a senior's approval")
            if let line = try relinkCase(store: store, caseID: caseID, by: actor, options: options, forms: forms) { print(line) }
        }
    }

    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print where a case's original scan is archived, or open it in a viewer.",
            discussion: "The viewer is $LIFECERT_VIEWER, else xdg-open. The archived file is never changed.")
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64
        @Flag(help: "Open it in the viewer.") var open = false
        func run() throws {
            let store = try options.openStore()
            guard let c = try store.caseRecord(id: caseID) else { throw fail("there is no case \(caseID)", .notFound) }
            guard let path = c.archivePath else { throw fail("case \(caseID) came from a batch file: it has no scan", .notFound) }
            guard open else { print(path); return }
            let status = try ScanViewer.open(path)
            if status != 0 { throw fail("the viewer (\(ScanViewer.command)) could not open \(path) (exit status \(status))", .failure) }
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

    /// What a rejection and a return both take.
    struct Decline: ParsableArguments {
        @OptionGroup var options: StoreOptions
        @Argument(help: "The case id.") var caseID: Int64
        @Option(help: "Reason code.") var code: String
        @Option(help: "A sentence that can go into a letter to the recipient.") var message: String

        func run(returning: Bool) throws {
            let store = try options.openStore()
            try workflow { try store.decline(caseID: caseID, by: Store.currentLogin(), returning: returning, reasonCode: code, sentence: message) }
            print("case \(caseID) \(returning ? "returned" : "rejected") (\(code))")
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject a case with a reason code and a sentence for the letter to the recipient.")
        @OptionGroup var decline: Decline
        func run() throws { try decline.run(returning: false) }
    }

    struct Return: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a case back (something missing) with a reason code and a sentence.")
        @OptionGroup var decline: Decline
        func run() throws { try decline.run(returning: true) }
    }
}

/// Matches a case again on its (corrected) reading and keeps the new match on the case; returns a
/// line saying what the match is now (nil for a case that is no certificate).
func relinkCase(store: Store, caseID: Int64, by actor: String, options: StoreOptions, forms: String?) throws -> String? {
    guard let c = try store.caseRecord(id: caseID), let json = c.fields, c.form != nil,
          let reading = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
          let fields = reading["fields"] as? [String: Any] else { return nil }
    let today = try options.todayDate()
    let policy = try options.loadPolicy()
    let issuers = try? RecognisedIssuers.load(folder: forms ?? ProcessInfo.processInfo.environment["LIFECERT_FORMS"] ?? "forms")
    let matcher = try Matcher(directory: StoreDirectory(store: store), thresholds: MatchThresholds(policy: policy))
    let linked = try CaseLinker(matcher: matcher, policy: policy, today: today, issuers: issuers)
        .link(CaseLinker.evidence(fields: fields, today: today))
    try workflow { try store.relink(caseID: caseID, link: caseLink(linked, certificateNo: fields["certificate_no"] as? String), by: actor) }
    return "matched again: \(linked.match.decision.rawValue)\(linked.match.ssn.map { " → \($0)" } ?? "") — \(linked.match.reason)"
}

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "The reviewer's full-screen queue (keyboard driven; ? shows every key).")
    @OptionGroup var options: StoreOptions
    @Option(help: ArgumentHelp("The folder of form templates, for the recognised issuers when a correction is matched again (default ./forms).", valueName: "dir"))
    var forms: String?

    func run() throws {
        let store = try options.openStore(sayWhenWaiting: false)
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw fail("lifecert queue needs a terminal; in scripts use lifecert cases and lifecert case show|approve|reject|return", .failure)
        }
        let actor = Store.currentLogin()
        let options = self.options, forms = self.forms
        try TerminalQueue(store: store, actor: actor, today: try options.todayDate(),
                          relink: { id in try relinkCase(store: store, caseID: id, by: actor, options: options, forms: forms) }).run()
    }
}
