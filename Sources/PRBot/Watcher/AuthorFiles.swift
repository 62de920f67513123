import FicheSync
import Providers

/// Which members a pull request's files concern: the `content/_authors/<id>.md` files it
/// adds or changes (a removal is not an arrival). Each id comes from a path someone else
/// wrote, so it is read with `FicheLocation(path:)` and must be a valid member id before it
/// goes anywhere (SQL parameters, reconcile scopes, messages).
public enum AuthorFiles {
    public static func members(of files: [GitHubClient.PullRequestFile]) -> [String] {
        var ids = Set<String>()
        for file in files where file.status != "removed" {
            guard let location = FicheLocation(path: file.filename), location.kind == .author,
                  Validator.isValidAuthorID(location.id) else { continue }
            ids.insert(location.id)
        }
        return ids.sorted()
    }
}
