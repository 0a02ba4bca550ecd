import ArgumentParser
import Foundation
import LifecertDomain
import LifecertStore
import Yams

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "The store itself.", subcommands: [Info.self])

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the store's path, schema version, table sizes, and check the audit chain.")

        @OptionGroup var options: StoreOptions

        func run() throws {
            let store = try options.openStore()
            print("store:      \(store.path)")
            print("schema:     \(try store.appliedMigrations().joined(separator: ", "))")
            for (table, n) in try store.counts().sorted(by: { $0.key < $1.key }) {
                print("  \(table.padding(toLength: 26, withPad: " ", startingAt: 0)) \(formatCount(n))")
            }
            if let broken = try store.verifyAuditChain() {
                throw fail("the audit chain is broken at event \(broken): the log was altered", .storeProblem)
            }
            print("audit chain: intact")
        }
    }
}

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "The certification policy.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the policy in force as YAML (a starting point for lifecert-policy.yaml).")

        @OptionGroup var options: StoreOptions

        func run() throws {
            let policy = try options.loadPolicy()
            print(try YAMLEncoder().encode(policy), terminator: "")
        }
    }
}
