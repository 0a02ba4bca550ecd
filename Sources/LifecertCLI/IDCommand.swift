import ArgumentParser
import LifecertDomain

struct IDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "id", abstract: "Identity numbers.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tell what an identity number is, whether it is valid, and what it encodes.",
            discussion: """
                Full-width digits, spaces, brackets and a lower-case x are accepted. Exit status 0 when
                valid, 1 when not. Types: \(IdentityType.allCases.map(\.rawValue).joined(separator: ", ")).
                """)

        @Argument(help: "The number, e.g. 11010519491231002X, A123456(3), A123456789.")
        var number: String

        @Option(name: .long, help: "The type, when known (otherwise it is recognised from the shape).")
        var type: String?

        @Flag(name: .long, help: "Print JSON.")
        var json = false

        @Option(name: .long, help: ArgumentHelp("Treat this day as today (YYYY-MM-DD).", visibility: .hidden))
        var today: String?

        func run() throws {
            var stated: IdentityType?
            if let type {
                guard let t = IdentityType(rawValue: type.uppercased()) else {
                    throw fail("--type \(type) is not one of \(IdentityType.allCases.map(\.rawValue).joined(separator: ", "))", .failure)
                }
                stated = t
            }
            let check = IdentityNumbers.check(number, as: stated, today: try Clock.today(override: today))
            if json {
                var facts: [String: Any] = [:]
                facts["birth_date"] = check.facts.birthDate?.description ?? NSNullValue
                facts["sex"] = check.facts.sex?.rawValue ?? NSNullValue
                facts["issued_by"] = check.facts.issuedBy ?? NSNullValue
                facts["converted"] = check.facts.converted ?? NSNullValue
                facts["notes"] = check.facts.notes
                printJSON([
                    "input": check.input,
                    "normalized": check.normalized,
                    "display": check.display,
                    "type": check.type?.rawValue ?? NSNullValue,
                    "valid": check.isValid,
                    "check_digit_verified": check.isValid && (check.type?.hasCheckDigit ?? false) && check.facts.converted == nil,
                    "failures": check.failures.map(\.description),
                    "encodes": facts,
                ])
            } else {
                print("number:     \(check.display)")
                print("type:       \(check.type.map { "\($0.rawValue) – \($0.title)" } ?? "unknown")")
                if check.isValid {
                    let how = check.facts.converted != nil ? "old 15-digit card: no check digit; region and birth date checked"
                        : (check.type?.hasCheckDigit ?? false) ? "check digit verified" : "pattern checked (no published check digit)"
                    print("valid:      yes (\(how))")
                } else {
                    print("valid:      NO")
                    for f in check.failures { print("  - \(f.description)") }
                }
                if let d = check.facts.birthDate { print("birth date: \(d)") }
                if let s = check.facts.sex { print("sex:        \(s == .male ? "M (male)" : "F (female)")") }
                if let i = check.facts.issuedBy { print("issued:     \(i)") }
                if let c = check.facts.converted { print("18-digit:   \(c)") }
                for n in check.facts.notes where check.facts.converted == nil || !n.hasPrefix("old 15-digit") {
                    print("note:       \(n)")
                }
            }
            if !check.isValid { throw ExitCode(ExitStatus.failure.rawValue) }
        }
    }
}
