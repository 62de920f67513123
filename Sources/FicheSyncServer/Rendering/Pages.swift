import FicheSync
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The HTML templates in the module's resources (`Templates/*.mustache`), parsed once at
/// start. `{{name}}` escapes HTML, so whatever a person typed is shown as text, never markup;
/// only the layout's `{{{content}}}` is unescaped, and it is itself a rendered template.
public struct Pages: Sendable {
    let library: MustacheLibrary

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public enum Code: String, Sendable { case missing, invalid }
        public var code: Code
        public var description: String
    }

    static let names = ["layout", "onboarding", "onboarded", "status", "prs", "member", "message", "extension", "extended", "confirm"]

    /// Reads and parses the templates (file reads off the concurrency pool).
    public static func load() async throws -> Pages {
        try await BlockingWork.run {
            guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
                throw Problem(code: .missing, description: "the page templates are missing from fichesync's resources")
            }
            var library = MustacheLibrary()
            for name in names {
                let text = try String(contentsOf: folder.appendingPathComponent(name + ".mustache"), encoding: .utf8)
                do {
                    try library.register(text, named: name)
                } catch {
                    throw Problem(code: .invalid, description: "template \(name): \(error)")
                }
            }
            return Pages(library: library)
        }
    }

    /// `template` inside the layout.
    func html(_ template: String, title: String, sandbox: Bool, _ values: [String: Any]) -> String {
        let content = library.render(values, withTemplate: template) ?? ""
        return library.render(["title": title, "sandbox": sandbox, "content": content], withTemplate: "layout") ?? content
    }

    /// `template` inside the layout, as an HTML response.
    func page(_ template: String, title: String, sandbox: Bool, status: HTTPResponse.Status = .ok,
              _ values: [String: Any]) -> Response {
        let html = html(template, title: title, sandbox: sandbox, values)
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
