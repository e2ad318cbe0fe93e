/// A table of plain-text cells that the Markdown, HTML and LaTeX writers each render.
public struct TextTable: Hashable, Sendable {
    /// How a column's cells are aligned.
    public enum Alignment: Hashable, Sendable { case left, right }

    /// One cell: plain text (writers escape it) and whether it is marked as its column's best.
    public struct Cell: Hashable, Sendable, ExpressibleByStringLiteral {
        public var text: String
        public var best: Bool

        public init(_ text: String, best: Bool = false) {
            self.text = text
            self.best = best
        }

        public init(stringLiteral value: String) { self.init(value) }
    }

    /// The table's heading (e.g. "Top-1 after fine-tuning (%)").
    public var title: String
    public var header: [String]
    public var alignments: [Alignment]
    public var rows: [[Cell]]

    public init(title: String, header: [String], alignments: [Alignment], rows: [[Cell]]) {
        self.title = title
        self.header = header
        self.alignments = alignments
        self.rows = rows
    }
}

/// The text of a report: a title, an explanation, and per dataset × model a few tables.
public struct ReportDocument: Hashable, Sendable {
    /// One dataset × model part of the report.
    public struct Section: Hashable, Sendable {
        public var section: LeaderboardSection
        /// One sentence about the dense control (or its absence).
        public var summary: String
        public var tables: [TextTable]
        /// One line per failed run: method, target, seed and reason.
        public var failures: [String]
    }

    public var title: String
    /// Paragraphs explaining how to read the tables.
    public var notes: [String]
    public var sections: [Section]
}
