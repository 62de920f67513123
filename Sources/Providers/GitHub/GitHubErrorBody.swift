/// GitHub's `{message, documentation_url, errors?: [{resource, field, code, message?}]}`.
public struct GitHubErrorBody: ProviderErrorBody, Equatable {
    /// One of `errors`: an object, or on some endpoints a bare string (its message).
    public struct Detail: Decodable, Sendable, Equatable {
        public var resource: String?
        public var field: String?
        public var code: String?
        public var message: String?

        enum CodingKeys: String, CodingKey {
            case resource, field, code, message
        }

        public init(from decoder: any Decoder) throws {
            if let message = try? decoder.singleValueContainer().decode(String.self) {
                self.message = message
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resource = try container.decodeIfPresent(String.self, forKey: .resource)
            field = try container.decodeIfPresent(String.self, forKey: .field)
            code = try container.decodeIfPresent(String.self, forKey: .code)
            message = try container.decodeIfPresent(String.self, forKey: .message)
        }
    }

    public var message: String?
    public var documentationURL: String?
    public var errors: [Detail]?

    enum CodingKeys: String, CodingKey {
        case message, documentationURL = "documentation_url", errors
    }

    public var text: String? {
        let details = (errors ?? []).compactMap { detail in
            detail.message ?? [detail.resource, detail.field, detail.code].compactMap { $0 }.joined(separator: " ")
        }
        guard let message else { return details.isEmpty ? nil : details.joined(separator: "; ") }
        return details.isEmpty ? message : "\(message): \(details.joined(separator: "; "))"
    }

    public var code: String? { errors?.first?.code }
}
