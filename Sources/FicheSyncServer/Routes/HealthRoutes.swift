import FicheSync
import HTTPTypes
import Hummingbird

extension FicheSyncServer {
    /// `GET /healthz`: 200 `ok` when the database answers a query, 503 otherwise, so a load
    /// balancer takes an instance that lost Postgres out of rotation.
    func addHealthRoutes(to router: Router<ServerContext>) {
        let database = self.database, logger = self.logger
        router.get("/healthz") { _, _ -> Response in
            do {
                let rows = try await database.client.query("SELECT 1", logger: logger)
                for try await _ in rows {}
                return Self.text("ok\n")
            } catch {
                logger.warning("healthz: database unreachable", metadata: ["error": "\(String(describing: error).prefix(300))"])
                return Self.text("base de données injoignable\n", status: .serviceUnavailable)
            }
        }
    }
}
