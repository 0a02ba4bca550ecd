
/// The blocking keys a registry name is indexed by, and those a certificate looks up.
///
/// Contract: a certificate's keys (``certificateKeys(name:nameLatin:)``, from ``NameKeys``) share
/// at least one key with the recipient's (``registryKeys(name:nameLatin:)``) when
/// - both have Chinese names equal after folding, or (three characters or more) one character off;
/// - the certificate spells the registry's Chinese name in Hanyu Pinyin (surname and the first
///   given syllable or its initial), the usual passport spelling of mainland emigrants;
/// - the certificate's Latin name has the registry's Latin spelling's surname (first or last
///   token) and the initial of another of its names.
/// A Hong Kong or Macao spelling alone finds the recipient only through the birth-date block
/// (or the registry's Latin spelling): the registry would need about fifteen keys a name to
/// index every scheme, which a million-row registry does not repay.
public enum NameBlocking {
    /// Keys stored for a recipient: character keys (`H:`), pinyin keys (`R:`) of the Chinese name,
    /// and keys of the registered Latin spelling. Usually three to six.
    public static func registryKeys(name: String, nameLatin: String?) -> [String] {
        var keys = Set<String>()
        if HanCharacters.containsHan(name) {
            let chars = Array(HanCharacters.simplified(name).filter { HanCharacters.isHan($0) })
            // The character keys of NameKeys.blockingKeys(han:), computed alone (the romanised ones
            // of every scheme are not stored: see above).
            if chars.count >= 2 { keys.insert("H:" + String(chars[0]) + String(chars[1])) }
            if chars.count >= 3 {
                keys.insert("H:" + String(chars[0]) + String(chars[chars.count - 1]))
                keys.insert("H:" + String(chars[1]) + String(chars[2]))
            }
            if let first = chars.first {
                let initial = chars.count > 1 ? HanCharacters.readings(of: chars[1], scheme: .pinyin).first?.first.map(String.init) ?? "" : ""
                for s in HanCharacters.readings(of: first, scheme: .pinyin).prefix(2) {
                    keys.insert("R:\(s.uppercased())|\(initial.uppercased())")
                }
            }
        } else {
            keys.formUnion(latinKeys(name))
        }
        if let latin = nameLatin, !latin.isEmpty { keys.formUnion(latinKeys(latin)) }
        return keys.sorted()
    }

    /// Keys a certificate looks up: every key ``NameKeys`` gives for its Chinese and Latin names.
    public static func certificateKeys(name: String?, nameLatin: String?) -> [String] {
        var keys = Set<String>()
        if let n = name, !n.isEmpty {
            keys.formUnion(HanCharacters.containsHan(n) ? NameKeys.blockingKeys(han: n) : NameKeys.blockingKeys(latin: n))
            if !HanCharacters.containsHan(n) { keys.formUnion(latinKeys(n)) }
        }
        if let l = nameLatin, !l.isEmpty {
            keys.formUnion(NameKeys.blockingKeys(latin: l))
            keys.formUnion(latinKeys(l))
        }
        return keys.sorted()
    }

    /// Surname first (`CHAN Tai Man`) and surname last (`Tai Man CHAN`): the surname with the initial
    /// of the other end's name.
    static func latinKeys(_ latin: String) -> Set<String> {
        let t = LatinName.normalize(latin)
        guard let first = t.first, let last = t.last else { return [] }
        guard t.count >= 2 else { return ["R:\(first)|"] }
        return ["R:\(first)|\(t[1].prefix(1))", "R:\(last)|\(first.prefix(1))"]
    }
}
