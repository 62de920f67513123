import FicheSync
import Logging
import PostgresNIO

/// The `account_operations` journal: what a reconcile run is about to do, is doing, did, and
/// failed to do. Several runs (or instances) can share it: an operation is taken by one
/// conditional update (`start`), so each is executed by one of them.
public struct OperationJournal: Sendable {
    public struct Entry: Hashable, Sendable {
        public var id: Int64
        public var operation: AccountOperation
        public var attempts: Int
        public var lastError: String?
    }

    let connection: PostgresConnection
    let logger: Logger
    /// After this many failed attempts an operation waits for a human (it stays listed).
    public var maxAttempts = 5

    /// Lock id of a reconcile run ("fichrcnc").
    static let runLockKey: Int64 = 0x6669_6368_7263_6e63

    public init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// What a plan covers: a run narrowed by `--only`/`--member` says nothing of the rest,
    /// so it must neither supersede nor retry operations outside it.
    public struct Scope: Sendable, Equatable {
        public var providers: Set<AccountOperation.Provider>
        public var member: String?

        public init(providers: Set<AccountOperation.Provider> = Set(AccountOperation.Provider.allCases), member: String? = nil) {
            self.providers = providers
            self.member = member
        }

        public static let everything = Scope()
        var providerNames: [String] { providers.map(\.rawValue).sorted() }

        /// Whether the scope covers something of `provider` about `member` (`nil`: no member).
        public func covers(_ provider: AccountOperation.Provider, member: String?) -> Bool {
            providers.contains(provider) && (self.member == nil || member == self.member)
        }
    }

    /// Records a plan: new operations become pending, those already open keep their row
    /// (and attempts), and open operations of the plan's scope it no longer wants are
    /// superseded — the world changed (a fiche was fixed, someone did it by hand), so they
    /// must not run. Returns how many operations were new.
    @discardableResult
    public func record(_ plan: AccountPlan, scope: Scope = .everything) async throws -> Int {
        let keys = plan.operations.map(\.idempotencyKey)
        try await connection.query("""
            UPDATE account_operations SET status = 'superseded', updated_at = now(), finished_at = now()
            WHERE status IN ('pending', 'failed') AND NOT (idempotency_key = ANY(\(keys)))
              AND provider = ANY(\(scope.providerNames)) AND (\(scope.member)::text IS NULL OR member = \(scope.member))
            """, logger: logger)
        var inserted = 0
        for op in plan.operations {
            let rows = try await connection.query("""
                INSERT INTO account_operations (idempotency_key, provider, action, target, grp, member, reason, status)
                VALUES (\(op.idempotencyKey), \(op.provider.rawValue), \(op.action.rawValue), \(op.target), \(op.group),
                        \(op.member), \(op.reason), 'pending')
                ON CONFLICT (idempotency_key) WHERE status IN ('pending', 'running', 'failed')
                DO UPDATE SET reason = excluded.reason, updated_at = now()
                RETURNING (xmax = 0)
                """, logger: logger)
            for try await wasInserted in rows.decode(Bool.self) where wasInserted { inserted += 1 }
        }
        return inserted
    }

    /// Failed operations under the attempt limit become pending again: a run retries what
    /// earlier runs could not do (once per run: failures of this run wait for the next),
    /// within the run's scope.
    @discardableResult
    public func requeueFailed(scope: Scope = .everything) async throws -> Int {
        let rows = try await connection.query("""
            UPDATE account_operations SET status = 'pending', updated_at = now()
            WHERE status = 'failed' AND attempts < \(maxAttempts)
              AND provider = ANY(\(scope.providerNames)) AND (\(scope.member)::text IS NULL OR member = \(scope.member))
            RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int64.self) { count += 1 }
        return count
    }

    /// The next pending operations, oldest first, without taking them: a run looks ahead
    /// to know which can run side by side, and takes each only as it starts it (`start`).
    public func pending(limit: Int) async throws -> [Entry] {
        try await entries(status: "pending", limit: limit)
    }

    /// How many operations wait to be taken: what a run sets out to apply once it has
    /// recorded its plan and requeued earlier failures.
    public func pendingCount() async throws -> Int {
        let rows = try await connection.query("SELECT count(*)::int FROM account_operations WHERE status = 'pending'", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Takes one operation to execute now: marked running, its attempt counted. `nil` when
    /// another run took it first. Only what is really under way is "running", so a run
    /// killed mid-apply leaves behind exactly the calls it had in flight.
    public func start(_ entry: Entry) async throws -> Entry? {
        let rows = try await connection.query("""
            UPDATE account_operations SET status = 'running', attempts = attempts + 1, updated_at = now()
            WHERE id = \(entry.id) AND status = 'pending'
            RETURNING id, provider, action, target, grp, member, reason, attempts, last_error
            """, logger: logger)
        return try await Self.entries(rows).first
    }

    /// Marks a running operation done. One already settled while it ran (an invitation
    /// remembered with its journal entry) keeps what that wrote.
    public func succeed(_ entry: Entry) async throws {
        try await connection.query("""
            UPDATE account_operations SET status = 'done', last_error = NULL, updated_at = now(), finished_at = now()
            WHERE id = \(entry.id) AND status = 'running'
            """, logger: logger)
    }

    public func fail(_ entry: Entry, error: String) async throws {
        try await connection.query("""
            UPDATE account_operations SET status = 'failed', last_error = \(error), updated_at = now() WHERE id = \(entry.id)
            """, logger: logger)
    }

    /// Operations left running by a run that died (call only while holding the run lock):
    /// the provider may or may not have done them.
    public func interrupted() async throws -> [Entry] { try await entries(status: "running") }

    /// Operations left running by a run that died: back to pending, to be taken again
    /// (provider calls are idempotent: "already exists" counts as done; the reconciler settles
    /// first those whose effect no provider shows). Call only while
    /// holding the run lock, so no live run's operations are taken from it.
    @discardableResult
    public func resumeInterrupted() async throws -> Int {
        let rows = try await connection.query("""
            UPDATE account_operations SET status = 'pending', updated_at = now() WHERE status = 'running' RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int64.self) { count += 1 }
        return count
    }

    /// Failed operations, for the end-of-run report and for humans.
    public func failures() async throws -> [Entry] { try await entries(status: "failed") }

    private func entries(status: String, limit: Int = Int(Int32.max)) async throws -> [Entry] {
        let rows = try await connection.query("""
            SELECT id, provider, action, target, grp, member, reason, attempts, last_error
            FROM account_operations WHERE status = \(status) ORDER BY id LIMIT \(limit)
            """, logger: logger)
        return try await Self.entries(rows)
    }

    /// Rows of `id, provider, action, target, grp, member, reason, attempts, last_error`.
    private static func entries(_ rows: PostgresRowSequence) async throws -> [Entry] {
        var entries: [Entry] = []
        for try await (id, provider, action, target, group, member, reason, attempts, lastError)
            in rows.decode((Int64, String, String, String, String?, String?, String, Int, String?).self) {
            guard let provider = AccountOperation.Provider(rawValue: provider),
                  let action = AccountOperation.Action(rawValue: action) else { continue }
            entries.append(Entry(id: id, operation: AccountOperation(provider, action, target: target, group: group, member: member, reason: reason),
                                 attempts: attempts, lastError: lastError))
        }
        return entries
    }

    /// Mailboxes fichesync suspended and did not bring back since: OVH cannot say it.
    public func suspendedMailboxes() async throws -> Set<String> {
        let rows = try await connection.query("""
            SELECT target, action FROM (
                SELECT DISTINCT ON (target) target, action FROM account_operations
                WHERE provider = 'ovh' AND action IN ('create', 'reactivate', 'suspend', 'delete') AND status = 'done'
                ORDER BY target, finished_at DESC, id DESC) last
            WHERE action = 'suspend'
            """, logger: logger)
        var names = Set<String>()
        for try await (target, _) in rows.decode((String, String).self) { names.insert(String(target.prefix { $0 != "@" })) }
        return names
    }

    /// Takes the run lock (one reconcile at a time), or returns `false` if a run holds it.
    public func tryLockRun() async throws -> Bool {
        let rows = try await connection.query("SELECT pg_try_advisory_lock(\(Self.runLockKey))", logger: logger)
        for try await locked in rows.decode(Bool.self) { return locked }
        return false
    }

    public func unlockRun() async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(Self.runLockKey))", logger: logger)
    }
}
