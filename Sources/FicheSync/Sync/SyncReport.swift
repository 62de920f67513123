/// What a sync did, for the command's output and for tests.
public struct SyncReport: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        /// Every fiche loaded (first sync, `--full`, or the last commit is unknown here).
        case full
        /// Only what changed since `from`.
        case incremental(from: String)
        /// The database already holds this commit: nothing was written.
        case unchanged
    }

    public var commit: String
    public var mode: Mode
    public var added = 0
    public var updated = 0
    public var renamed = 0
    public var removed = 0
    /// The members whose fiche this sync added, changed, renamed or removed (both ids of a
    /// rename): what a reconcile narrowed to this commit covers. `nil` after a full sync
    /// (everything was reloaded: a full reconcile is the one that fits).
    public var changedMembers: [String]? = nil
    /// Rows of each catalog table after the sync.
    public var counts: [String: Int] = [:]
    /// Warnings of the fiches read (errors abort the sync instead).
    public var diagnostics: [Diagnostic] = []
    public var seconds: Double = 0

    public var summary: String {
        let short = String(commit.prefix(12))
        let time = String(format: "%.3f s", seconds)
        switch mode {
        case .unchanged:
            return "commit \(short): already synced, nothing to do (\(time))"
        case .full, .incremental:
            let how = if case .incremental(let from) = mode { "incremental from \(from.prefix(12))" } else { "full" }
            return "commit \(short) (\(how)): \(added) added, \(updated) updated, \(renamed) renamed, \(removed) removed; "
                + "\(counts["authors"] ?? 0) authors, \(counts["startups"] ?? 0) startups in the database (\(time))"
        }
    }
}

/// The commit's fiches break rules the content repository enforces: nothing was synced.
public struct SyncRefused: Error, Sendable, CustomStringConvertible {
    public var commit: String
    public var diagnostics: [Diagnostic]

    public init(commit: String, diagnostics: [Diagnostic]) {
        self.commit = commit
        self.diagnostics = diagnostics
    }

    public var description: String {
        let errors = diagnostics.count { $0.severity == .error }
        return "commit \(commit.prefix(12)) not synced: \(errors) errors in its fiches; the database keeps its last good commit"
    }
}

import Foundation
