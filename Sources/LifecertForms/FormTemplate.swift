import Foundation
import LifecertDomain

/// The fields a template can read off a certificate (the keys of `fields:` in a template, and of
/// `"fields"` in the JSON contract).
public enum FieldName: String, Codable, Sendable, CaseIterable {
    case name
    case nameLatin = "name_latin"
    case sex
    case birthDate = "birth_date"
    case appearedOn = "appeared_on"
    case issuedOn = "issued_on"
    case issuer
    case certificateNo = "certificate_no"
    /// Identity document numbers: a list of entries, each with its ``IdentityType``.
    case ids

    /// The type a field has when the template does not say.
    public var defaultType: FieldType {
        switch self {
        case .name: return .name
        case .nameLatin: return .latinName
        case .sex: return .sex
        case .birthDate, .appearedOn, .issuedOn: return .date
        case .issuer: return .text
        case .certificateNo: return .certificateNo
        case .ids: return .id
        }
    }

    /// The types a template may give the field (a date field must stay a date, and so on, so that
    /// the JSON contract holds).
    public var allowedTypes: Set<FieldType> {
        switch self {
        case .name: return [.name, .text, .latinName]
        case .nameLatin: return [.latinName, .name, .text]
        case .sex: return [.sex]
        case .birthDate, .appearedOn, .issuedOn: return [.date]
        case .issuer: return [.text, .name]
        case .certificateNo: return [.certificateNo, .text]
        case .ids: return [.id]
        }
    }
}

/// How a captured value is read.
public enum FieldType: String, Codable, Sendable, CaseIterable {
    /// Any text, trimmed.
    case text
    /// A person's name as printed: spaces inside CJK removed, trailing punctuation trimmed.
    case name
    /// A name in Latin letters: spaces collapsed, punctuation at the ends trimmed.
    case latinName = "latin_name"
    /// 男/女, M/F, Male/Female, Masculino/Feminino → `M` or `F`.
    case sex
    /// A date read by ``DateReader`` → `YYYY-MM-DD`.
    case date
    /// An identity number checked by `IdentityNumbers.check` → its normalised key.
    case id
    /// A certificate number: all spaces removed, otherwise as printed.
    case certificateNo = "certificate_no"
}

/// An optional clean-up step applied to a captured value before it is read by its type.
public enum NormalizeStep: String, Codable, Sendable, CaseIterable {
    case removeSpaces = "remove_spaces"
    case collapseSpaces = "collapse_spaces"
    case uppercase
    case lowercase
    /// Removes punctuation at both ends (`，`, `,`, `:`, `。`, brackets that are not balanced…).
    case trimPunctuation = "trim_punctuation"
    /// Folds traditional characters to simplified ones.
    case simplified
    /// Removes every bracket: `(`, `)`, `[`, `]`, `（`, `）`, `〔`, `〕`, `【`, `】`.
    case stripBrackets = "strip_brackets"
}

/// Which match a field takes when its pattern matches several lines.
public enum FieldPick: String, Codable, Sendable, CaseIterable {
    /// The first match in reading order (the default).
    case first
    /// The last one (an issue date printed at the foot of the page).
    case last
}

/// The calendar of years written with fewer than four digits.
public enum FormCalendar: String, Codable, Sendable, CaseIterable {
    /// Only four-digit years; `民國`/`中華民國` still mark a Minguo year.
    case gregorian
    /// Years of one to three digits are Minguo years (Taiwan documents): 113年 = 2024.
    case minguo
}

/// One compiled pattern of a field: the regular expression as written, with its macros expanded.
public struct FieldPattern: Sendable {
    /// The pattern as the template writes it.
    public let source: String
    /// After `{{macro}}` expansion and folding, as compiled.
    public let expanded: String
    /// Line of the template file it was written on.
    public let line: Int
    let regex: NSRegularExpression
}

/// How to read one field off a page.
///
/// Contract: each pattern runs on every line (or window of `lines` consecutive lines joined) of
/// every page, in the folded form ``FormText`` describes, case-insensitively; its first capture
/// group is the value. The first pattern that gives a *valid* value wins (a date that parses, an
/// identity number whose check passes); if none does, the first value found is reported as read,
/// with confidence halved and a flag.
public struct FieldSpec: Sendable {
    public var name: FieldName
    public var type: FieldType
    /// For identity numbers: the types to check the number as, in order; the first under which it
    /// is valid is taken (else the first type, reported invalid).
    public var idTypes: [IdentityType]
    public var patterns: [FieldPattern]
    public var normalize: [NormalizeStep]
    /// 1…3: how many consecutive lines a pattern sees at once (joined by a space, or nothing
    /// between CJK characters).
    public var lines: Int
    public var pick: FieldPick
    /// Line of the template file where the field is defined.
    public var definedAt: Int
}

/// One kind of certificate, as described by one YAML file in `forms/` (see `forms/README.md`).
///
/// Contract: a template is only ever built by ``FormLibrary`` from a file that passed every check
/// (``FormProblem``); `id` is the file name without `.yaml`. A document matches the template when
/// every `keywords` entry, at least `anyMinimum` of `anyKeywords` and none of `excludeKeywords`
/// are found in it; `validFrom`/`validUntil` are the dates the form was in use (a certificate dated
/// outside them is flagged `form_not_in_use`, never refused).
public struct FormTemplate: Sendable {
    public var id: String
    /// The file it was read from.
    public var file: String
    public var kind: CertificateKind
    public var title: String
    /// Tesseract language string for reading this kind of document (`chi_sim+eng`).
    public var languages: String
    /// All must be found. An entry `a|b` is found when either alternative is.
    public var keywords: [String]
    /// At least `anyMinimum` must be found.
    public var anyKeywords: [String]
    public var anyMinimum: Int
    /// None may be found.
    public var excludeKeywords: [String]
    /// Higher wins when several templates match.
    public var priority: Int
    public var validFrom: LocalDate?
    public var validUntil: LocalDate?
    /// Order of numeric dates such as 05/03/2024; nil reads only unambiguous ones.
    public var dateOrder: DateOrder?
    public var calendar: FormCalendar
    /// A fixed issuer name, used when no `issuer` field pattern finds one.
    public var issuer: String?
    public var fields: [FieldSpec]
    public var required: [FieldName]

    var compiledKeywords: [CompiledKeyword]
    var compiledAnyKeywords: [CompiledKeyword]
    var compiledExcludeKeywords: [CompiledKeyword]

    /// The spec of a field (for `ids`, the first identity entry).
    public func field(_ name: FieldName) -> FieldSpec? { fields.first { $0.name == name } }

    /// The identity-number entries.
    public var idFields: [FieldSpec] { fields.filter { $0.name == .ids } }
}
