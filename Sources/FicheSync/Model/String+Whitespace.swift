extension String {
    /// Without leading and trailing whitespace (Unicode's, as `Character.isWhitespace` says),
    /// without pulling Foundation's CharacterSet into hot paths.
    public func trimmingWhitespace() -> String {
        // Most text starts and ends with a visible ASCII character, and then has nothing to
        // trim: answered from two bytes, without breaking the ends into characters (the
        // `Validator` trims every member's fullname).
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return self
        }
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
