extension ReportDocument {
    /// The report as GitHub-flavoured Markdown (pipe tables; best entries in bold).
    public func markdown() -> String {
        var lines = ["# \(ReportDocument.escapeMarkdown(title))", ""]
        for note in notes { lines += [note, ""] }
        for section in sections {
            lines += ["## \(ReportDocument.escapeMarkdown(section.section.title))", "", section.summary, ""]
            for table in section.tables { lines += ReportDocument.markdown(table) + [""] }
            if !section.failures.isEmpty {
                lines += ["Failed runs:", ""] + section.failures.map { "- " + ReportDocument.escapeMarkdown($0) } + [""]
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `table` as a heading and a pipe table.
    static func markdown(_ table: TextTable) -> [String] {
        let rule = table.alignments.map { $0 == .left ? ":--" : "--:" }
        let header = "| " + table.header.map(escapeMarkdown).joined(separator: " | ") + " |"
        let rows = table.rows.map { row in
            "| " + row.map { cell in
                let text = escapeMarkdown(cell.text)
                return cell.best ? "**\(text)**" : text
            }.joined(separator: " | ") + " |"
        }
        return ["### \(escapeMarkdown(table.title))", "", header, "| " + rule.joined(separator: " | ") + " |"] + rows
    }

    /// `text` with the characters that Markdown would read as markup (or that end a table cell)
    /// escaped by a backslash, and line breaks replaced by spaces.
    static func escapeMarkdown(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\", "|", "*", "_", "`", "[", "]", "<", ">", "#": escaped += "\\\(character)"
            case "\n", "\r": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
