/// OVH's `{message, errorCode?, httpCode?, class?}` (`class` for authentication errors,
/// `errorCode` for the others, such as `INVALID_SIGNATURE`).
public struct OVHErrorBody: ProviderErrorBody, Equatable {
    public var message: String?
    public var errorCode: String?
    public var errorClass: String?

    enum CodingKeys: String, CodingKey {
        case message, errorCode, errorClass = "class"
    }

    public var text: String? { message }
    public var code: String? { errorCode ?? errorClass }
}
