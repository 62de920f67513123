import Testing
@testable import FicheSync

@Suite struct ScalarResolverTests {
    /// Parses `key: <yaml>` and returns the resolved value of `key`.
    private func value(_ yaml: String) throws -> ScalarValue? {
        let root = try Array("key: \(yaml)\n".utf8).withUnsafeBytes { try YAMLParser.parse($0)?.root }
        guard case .mapping(let pairs)? = root?.content else { return nil }
        return pairs.first?.value.scalar?.value
    }

    @Test(arguments: [
        ("2023-01-15", ScalarValue.date(FicheDate(year: 2023, month: 1, day: 15)!)),
        ("\"2023-01-15\"", .string("2023-01-15")),
        ("2023-02-30", .string("2023-02-30")),
        ("2023-01-15 10:00:00", .timestamp("2023-01-15 10:00:00")),
        ("no", .bool(false)), ("No", .bool(false)), ("off", .bool(false)), ("false", .bool(false)),
        ("yes", .bool(true)), ("on", .bool(true)), ("ON", .bool(true)), ("True", .bool(true)),
        ("'no'", .string("no")), ("y", .string("y")), ("n", .string("n")),
        ("1234", .int(1234)), ("\"1234\"", .string("1234")), ("-12", .int(-12)), ("1_000", .int(1000)),
        ("0x1F", .int(31)), ("010", .int(8)), ("1:30", .int(90)),
        ("1.5", .float(1.5)), ("1.0e+3", .float(1000)), (".inf", .float(.infinity)),
        ("~", .null), ("null", .null), ("", .null), ("''", .string("")),
        ("jean-dupont", .string("jean-dupont")), ("1.2.3", .string("1.2.3")), ("2023-01", .string("2023-01")),
        ("+33 1 23", .string("+33 1 23")), ("nothing", .string("nothing")),
    ])
    func resolvesLikeYAML11(_ yaml: String, _ expected: ScalarValue) throws {
        #expect(try value(yaml) == expected)
    }

    @Test func nanIsAFloat() throws {
        guard case .float(let d)? = try value(".nan") else { Issue.record("not a float"); return }
        #expect(d.isNaN)
    }

    @Test func blockAndTaggedScalarsAreText() throws {
        #expect(try value("!!str 2023-01-15") == .string("2023-01-15"))
        let root = try Array("key: |\n  yes\n".utf8).withUnsafeBytes { try YAMLParser.parse($0)?.root }
        guard case .mapping(let pairs)? = root?.content else { Issue.record("no mapping"); return }
        #expect(pairs[0].value.scalar?.value == .string("yes\n"))
    }

    @Test func aliasesCopyTheAnchoredNode() throws {
        let root = try Array("a: &x [1, 2]\nb: *x\n".utf8).withUnsafeBytes { try YAMLParser.parse($0)?.root }
        guard case .mapping(let pairs)? = root?.content else { Issue.record("no mapping"); return }
        #expect(pairs[1].value.value == .list([.int(1), .int(2)]))
        #expect(pairs[1].value.position == SourcePosition(line: 2, column: 4))
    }
}
