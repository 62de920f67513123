/// Resolves plain (unquoted) scalars the YAML 1.1 way, as Ruby's Psych (Jekyll) and PyYAML
/// read the real fiches: `2023-01-15` is a date, `no`/`on` are booleans, `"1234"` (quoted)
/// stays text. Hand-written matchers rather than regular expressions: this runs for every
/// scalar of every fiche.
public enum ScalarResolver {
    public static func resolve(plain text: String) -> ScalarValue {
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"):
            return text.utf8.count == 1 ? .null : .string(text)
        case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "y"), UInt8(ascii: "Y"),
             UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"),
             UInt8(ascii: "o"), UInt8(ascii: "O"):
            // Most text starts with a letter: only the short words can be keywords.
            return text.utf8.count <= 5 ? keyword(text) ?? .string(text) : .string(text)
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            // The text's own bytes, not a copy: every date of every mission comes here.
            func numeric(_ u: UnsafeBufferPointer<UInt8>) -> ScalarValue {
                timestamp(u, text) ?? number(u, text) ?? .string(text)
            }
            return text.utf8.withContiguousStorageIfAvailable(numeric) ?? Array(text.utf8).withUnsafeBufferPointer(numeric)
        default:
            return .string(text)
        }
    }

    private static func keyword(_ text: String) -> ScalarValue? {
        switch text {
        case "null", "Null", "NULL": .null
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": .bool(true)
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": .bool(false)
        default: nil
        }
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// `YYYY-MM-DD` → date; `YYYY-M-D[Tt ]h:mm:ss…` → date-time. A date-shaped scalar that
    /// is not a calendar day (`2023-02-30`) stays text, so the decoder can say why.
    private static func timestamp(_ u: UnsafeBufferPointer<UInt8>, _ text: String) -> ScalarValue? {
        guard u.count >= 8, isDigit(u[0]), isDigit(u[1]), isDigit(u[2]), isDigit(u[3]),
              u[4] == UInt8(ascii: "-") else { return nil }
        if u.count == 10, u[7] == UInt8(ascii: "-"), isDigit(u[5]), isDigit(u[6]), isDigit(u[8]), isDigit(u[9]) {
            // `FicheDate(iso:)`, on digits already checked.
            func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(u[$1] - UInt8(ascii: "0")) } }
            return FicheDate(year: number(0..<4), month: number(5..<7), day: number(8..<10)).map(ScalarValue.date)
        }
        // Date-time: Y-M(M)-D(D) then T/t/space(s) then a time. Loose check is enough: it only
        // decides between "date-time" and "text" for a value that is never a valid date.
        var i = 5
        var digits = 0
        while i < u.count, isDigit(u[i]) { i += 1; digits += 1 }
        guard (1...2).contains(digits), i < u.count, u[i] == UInt8(ascii: "-") else { return nil }
        i += 1; digits = 0
        while i < u.count, isDigit(u[i]) { i += 1; digits += 1 }
        guard (1...2).contains(digits), i < u.count,
              u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") || u[i] == UInt8(ascii: " ") || u[i] == UInt8(ascii: "\t")
        else { return nil }
        while i < u.count, u[i] == UInt8(ascii: " ") || u[i] == UInt8(ascii: "\t") || u[i] == UInt8(ascii: "T") || u[i] == UInt8(ascii: "t") { i += 1 }
        digits = 0
        while i < u.count, isDigit(u[i]) { i += 1; digits += 1 }
        guard (1...2).contains(digits), i < u.count, u[i] == UInt8(ascii: ":") else { return nil }
        return .timestamp(text)
    }

    /// YAML 1.1 ints (decimal, `0x`, `0b`, leading-zero octal, `_` separators, base 60)
    /// and floats (`1.5`, `1e3` only with a dot, `.inf`, `.nan`).
    private static func number(_ u: UnsafeBufferPointer<UInt8>, _ text: String) -> ScalarValue? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        var i = 0
        var negative = false
        if u[0] == UInt8(ascii: "-") || u[0] == UInt8(ascii: "+") { negative = u[0] == UInt8(ascii: "-"); i = 1 }
        guard i < u.count else { return nil }
        let body = Array(u[i...].filter { $0 != UInt8(ascii: "_") })
        guard !body.isEmpty, u[i] != UInt8(ascii: "_") else { return nil }
        /// An integer in `base` from its digit values: an `Int` when it fits, else its exact
        /// decimal text (PyYAML's integers have no bound; a float would lose digits).
        func integer(_ digits: [Int], base: Int) -> ScalarValue {
            var value = 0
            var fits = true
            for digit in digits {
                let (shifted, o1) = value.multipliedReportingOverflow(by: base)
                let (sum, o2) = shifted.addingReportingOverflow(digit)
                if o1 || o2 { fits = false; break }
                value = sum
            }
            if fits { return .int(negative ? -value : value) }
            return .bigInt((negative ? "-" : "") + Self.decimalText(digits, base: base))
        }
        func digits(_ bytes: ArraySlice<UInt8>, base: Int) -> [Int]? {
            guard !bytes.isEmpty else { return nil }
            var result: [Int] = []
            result.reserveCapacity(bytes.count)
            for byte in bytes {
                let digit: Int
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
                default: return nil
                }
                guard digit < base else { return nil }
                result.append(digit)
            }
            return result
        }
        if body.count > 2, body[0] == UInt8(ascii: "0"), body[1] == UInt8(ascii: "x") {
            return digits(body[2...], base: 16).map { integer($0, base: 16) }
        }
        if body.count > 2, body[0] == UInt8(ascii: "0"), body[1] == UInt8(ascii: "b") {
            return digits(body[2...], base: 2).map { integer($0, base: 2) }
        }
        if body.allSatisfy(isDigit) {
            if body.count > 1, body[0] == UInt8(ascii: "0") { return digits(body[1...], base: 8).map { integer($0, base: 8) } }
            return digits(body[...], base: 10).map { integer($0, base: 10) }
        }
        if body.contains(UInt8(ascii: ":")) {
            // Base 60 (`1:30` is 90): YAML 1.1 only; requires a non-zero leading digit.
            guard isDigit(body[0]), body[0] != UInt8(ascii: "0") else { return nil }
            var parts: [Int] = []
            for (index, part) in body.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).enumerated() {
                guard !part.isEmpty, part.count <= 18, part.allSatisfy(isDigit),
                      let n = Int(String(decoding: part, as: UTF8.self)), n < 60 || index == 0 else { return nil }
                parts.append(n)
            }
            return integer(parts, base: 60)
        }
        // Float: digits, one dot, digits, optional exponent with a sign.
        guard let dot = body.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let intPart = body[..<dot]
        var rest = body[(dot + 1)...]
        guard intPart.allSatisfy(isDigit), !(intPart.isEmpty && rest.isEmpty) else { return nil }
        if let e = rest.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            let exponent = rest[(e + 1)...]
            guard let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
                  exponent.count > 1, exponent.dropFirst().allSatisfy(isDigit) else { return nil }
            rest = rest[..<e]
        }
        guard rest.allSatisfy(isDigit), let d = Double(String(decoding: u, as: UTF8.self).filter { $0 != "_" }) else { return nil }
        return .float(d)
    }

    /// The decimal text of a number given by its digits in `base` (any size; a first digit
    /// may exceed the base). Schoolbook arithmetic on base-10⁹ limbs: numbers this large are
    /// rare and short.
    static func decimalText(_ digits: [Int], base: Int) -> String {
        var limbs: [Int] = [0] // little-endian, base 1e9
        let limb = 1_000_000_000
        for digit in digits {
            var carry = digit
            for i in limbs.indices {
                let value = limbs[i] * base + carry
                limbs[i] = value % limb
                carry = value / limb
            }
            while carry > 0 {
                limbs.append(carry % limb)
                carry /= limb
            }
        }
        var text = String(limbs.last ?? 0)
        for value in limbs.dropLast().reversed() {
            let part = String(value)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return text
    }
}
