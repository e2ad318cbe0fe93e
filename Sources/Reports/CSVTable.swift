import CSV
import Foundation

/// RFC 4180 text through the CSV library: a header row and data rows, CRLF line ends.
public struct CSVTable: Hashable, Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The table as CSV text (fields quoted where RFC 4180 needs it; every line ends in CRLF).
    public func text(file: String) throws -> String {
        let stream = OutputStream(toMemory: ())
        stream.open()
        do {
            let writer = try CSVWriter(stream: stream, newline: .crlf)
            try writer.write(row: header)
            for row in rows { try writer.write(row: row) }
        } catch {
            stream.close()
            throw ReportsError.io(file: file, message: "the CSV writer failed: \(error)")
        }
        stream.close()
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data,
              let text = String(data: data, encoding: .utf8) else {
            throw ReportsError.io(file: file, message: "the CSV writer produced no UTF-8 text")
        }
        return text + "\r\n"
    }

    /// Parses CSV `text` with a header row; `file` names it in errors. Every row must have as many
    /// fields as the header.
    public static func parse(_ text: String, file: String) throws -> CSVTable {
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch {
            throw ReportsError.csv(file: file, row: 1, column: "(header)", message: "cannot read the header row: \(error)")
        }
        guard let header = reader.headerRow, !header.isEmpty, header != [""] else {
            throw ReportsError.csv(file: file, row: 1, column: "(header)", message: "expected a header row, found none")
        }
        var rows: [[String]] = []
        while let row = reader.next() {
            if row == [""] { continue }
            guard row.count == header.count else {
                throw ReportsError.csv(file: file, row: rows.count + 2, column: "(row)",
                                       message: "expected \(header.count) fields like the header, found \(row.count)")
            }
            rows.append(row)
        }
        if let error = reader.error {
            throw ReportsError.csv(file: file, row: rows.count + 2, column: "(row)", message: "malformed CSV: \(error)")
        }
        return CSVTable(header: header, rows: rows)
    }

    /// The index of column `name`, or an error naming the file and the columns it has.
    public func column(_ name: String, file: String) throws -> Int {
        guard let index = header.firstIndex(of: name) else {
            throw ReportsError.csv(file: file, row: 1, column: name,
                                   message: "missing column (found: \(header.joined(separator: ", ")))")
        }
        return index
    }
}
