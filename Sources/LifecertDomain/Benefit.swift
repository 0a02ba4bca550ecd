/// The kind of monthly periodic benefit a recipient draws (SPEC.md rule 1), as coded in the
/// registry extract's `benefit_type` column.
public enum BenefitType: String, CaseIterable, Codable, Sendable {
    /// 企业退休人员 – enterprise retirees.
    case enterprisePension = "ENTERPRISE_PENSION"
    /// 领取病残津贴人员 – disability-allowance recipients.
    case disabilityAllowance = "DISABILITY_ALLOWANCE"
    /// 一级至四级工伤职工 – work-injury grade 1–4 workers.
    case workInjury = "WORK_INJURY"
    /// 工亡职工供养亲属 – dependants of workers killed at work.
    case workDeathDependant = "WORK_DEATH_DEPENDANT"
    /// 机关事业单位退休人员 – institution retirees.
    case institutionPension = "INSTITUTION_PENSION"
    /// 城乡居民养老待遇 – monthly urban-rural resident pensioners.
    case residentPension = "RESIDENT_PENSION"
}

/// Whether payments run (registry `benefit_status`).
public enum BenefitStatus: String, CaseIterable, Codable, Sendable {
    case normal = "NORMAL"
    case suspended = "SUSPENDED"
    /// Payments ended (death, emigration…): a certification cannot restore them
    /// ("benefit status abnormal", SPEC.md rule 7).
    case terminated = "TERMINATED"
}

/// The person's sex as registered or as printed on a certificate.
public enum Sex: String, CaseIterable, Codable, Sendable {
    case male = "M"
    case female = "F"
}
