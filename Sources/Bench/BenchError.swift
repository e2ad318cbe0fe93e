/// Why a benchmark step failed: names the file and the object (suite key, run, record) involved.
public enum BenchError: Error, CustomStringConvertible, Equatable {
    /// Reading or writing a file failed.
    case io(file: String, message: String)
    /// A suite file is malformed: `key` is the dotted path inside it (`methods[2].configuration`).
    case suite(file: String, key: String, message: String)
    /// A run could not be carried out as described (infeasible target, divergence, bad configuration).
    case run(String)
    /// The environment failed a run (a file could not be read or written): nothing was stored for it.
    case environment(run: String, message: String)

    /// The message, naming the file and object involved.
    public var description: String {
        switch self {
        case .io(let file, let message): "\(file): \(message)"
        case .suite(let file, let key, let message): "\(file): key '\(key)': \(message)"
        case .run(let message): message
        case .environment(let run, let message):
            "run \(run.prefix(12)) stopped by its environment, not stored (the next run retries it): \(message)"
        }
    }
}
