extension String {
    /// Without leading and trailing whitespace (Unicode's, as `Character.isWhitespace` says),
    /// without pulling Foundation's CharacterSet into hot paths.
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
