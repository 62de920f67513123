/// The shape of a provider's error answers, decoded once by the transport into a
/// `ProviderError`: what to show people, and an id to switch on.
public protocol ProviderErrorBody: Decodable, Sendable {
    /// What the provider says went wrong, for people.
    var text: String? { get }
    /// The provider's own error id, if it has one.
    var code: String? { get }
}
