/// A name that goes into a URL path (a login, a team, a mailbox): only when made of safe
/// characters, so no name from a fiche can reach another path (`..`, `/`, `?`).
enum PathSegment {
    static let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

    /// `text` itself, or a `ProviderError` saying it `cannot be <what>`; `extra` are characters
    /// the provider also allows (`@+` in OVH addresses).
    static func validated(_ text: String, extra: Set<Character> = [], provider: String, what: String) throws -> String {
        guard !text.isEmpty, text != ".", text != "..", text.allSatisfy({ safe.contains($0) || extra.contains($0) }) else {
            throw ProviderError(.invalidRequest, provider: provider, method: "-", path: "-", status: nil, message: "\"\(text)\" cannot be \(what)")
        }
        return text
    }
}
