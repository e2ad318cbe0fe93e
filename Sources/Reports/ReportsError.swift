/// An error of reading results or baselines, or of writing reports: the file and what was wrong.
public enum ReportsError: Error, CustomStringConvertible, Equatable {
    /// A file or directory could not be read or written.
    case io(file: String, message: String)
    /// A CSV file (a baseline) is malformed: the row (1-based, header = 1), the column and what was expected.
    case csv(file: String, row: Int, column: String, message: String)
    /// The selection of runs is empty or contradictory.
    case selection(message: String)

    public var description: String {
        switch self {
        case .io(let file, let message): "\(file): \(message)"
        case .csv(let file, let row, let column, let message): "\(file): row \(row), column '\(column)': \(message)"
        case .selection(let message): message
        }
    }
}
