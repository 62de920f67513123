/// Mattermost's `{id, message, detailed_error?, request_id?, status_code}`.
public struct MattermostErrorBody: ProviderErrorBody, Equatable {
    public var id: String?
    public var message: String?
    public var requestID: String?
    public var statusCode: Int?

    enum CodingKeys: String, CodingKey {
        case id, message, requestID = "request_id", statusCode = "status_code"
    }

    public var text: String? { message }
    public var code: String? { id }
}
