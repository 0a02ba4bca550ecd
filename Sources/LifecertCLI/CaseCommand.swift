import ArgumentParser
import Foundation
import LifecertDomain
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
            print("\(login) is now \(r == .admin || r == .auditor ? "an" : "a") \(r.rawValue)")
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
            guard let lines = try CaseSheet.lines(store: store, caseID: caseID) else { throw fail("there is no case \(caseID)", .notFound) }
            for l in lines { print(l) }
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

struct QueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "The reviewer's full-screen queue (keyboard driven; ? shows every key).")
    @OptionGroup var options: StoreOptions

    func run() throws {
        let store = try options.openStore()
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw fail("lifecert queue needs a terminal; in scripts use lifecert cases and lifecert case show|approve|reject|return", .failure)
        }
        try TerminalQueue(store: store, actor: Store.currentLogin(), today: try options.todayDate()).run()
    }
}
