extension ReportDocument {
    /// The report as one self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched):
    /// per section, the plots given in `plots` (SVG documents, keyed by section), the tables, and the
    /// tables of `details` folded under a disclosure (`<details>`).
    public func html(plots: [LeaderboardSection: [String]], sources: [String],
                     details: [LeaderboardSection: [TextTable]] = [:],
                     crossTrack: [(title: String, svgs: [String])] = []) -> String {
        var out = ["<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
                   "<title>\(escape(title))</title>", "<style>", ReportDocument.css, "</style>", "</head>", "<body>",
                   "<h1>\(escape(title))</h1>"]
        out += notes.map { "<p class=\"note\">\(escape($0))</p>" }
        if !sources.isEmpty {
            out.append("<p class=\"note\">Results read from: " + sources.map { "<code>\(escape($0))</code>" }
                .joined(separator: ", ") + ".</p>")
        }
        if sections.count > 1 {
            out.append("<nav><ul>" + sections.map { section in
                "<li><a href=\"#\(escape(Leaderboard.fileStem(section.section)))\">"
                    + "\(escape(section.section.title))</a></li>"
            }.joined() + "</ul></nav>")
        }
        if sections.isEmpty { out.append("<p>No runs matched.</p>") }
        for section in sections {
            out.append("<section id=\"\(escape(Leaderboard.fileStem(section.section)))\">")
            out.append("<h2>\(escape(section.section.title))</h2>")
            out.append("<p>\(escape(section.summary))</p>")
            if let svgs = plots[section.section], !svgs.isEmpty { out += ReportDocument.plotsBlock(svgs) }
            out.append("<div class=\"tables\">")
            for table in section.tables { out += ReportDocument.html(table) }
            out.append("</div>")
            for table in details[section.section] ?? [] {
                out.append("<details><summary>\(escape(table.title))</summary>")
                out += ReportDocument.html(table)
                out.append("</details>")
            }
            if !section.failures.isEmpty {
                out.append("<h3>Failed runs</h3><ul class=\"failures\">")
                out += section.failures.map { "<li>\(escape($0))</li>" }
                out.append("</ul>")
            }
            out.append("</section>")
        }
        for view in crossTrack where !view.svgs.isEmpty {
            out.append("<section>")
            out.append("<h2>\(escape(view.title))</h2>")
            out.append("<p>Every method of every track at one target: test top-1 against the optimizer steps from "
                       + "initialisation to the final model (a post-training run counts its checkpoint's training).</p>")
            out += ReportDocument.plotsBlock(view.svgs)
            out.append("</section>")
        }
        out += ["</body>", "</html>"]
        return out.joined(separator: "\n") + "\n"
    }

    /// `table` as a captioned HTML table; best cells in bold.
    static func html(_ table: TextTable) -> [String] {
        var out = ["<table>", "<caption>\(escape(table.title))</caption>", "<thead><tr>"
                   + zip(table.header, table.alignments).map { "<th class=\"\($1 == .left ? "l" : "r")\">\(escape($0))</th>" }.joined()
                   + "</tr></thead>", "<tbody>"]
        for row in table.rows {
            out.append("<tr>" + zip(row, table.alignments).map { cell, alignment in
                let text = escape(cell.text)
                return "<td class=\"\(alignment == .left ? "l" : "r")\">" + (cell.best ? "<strong>\(text)</strong>" : text) + "</td>"
            }.joined() + "</tr>")
        }
        out += ["</tbody>", "</table>"]
        return out
    }

    /// `svgs` as a block of figures.
    static func plotsBlock(_ svgs: [String]) -> [String] {
        ["<div class=\"plots\">"] + svgs.map { "<figure>\n\(inlineSVG($0))</figure>" } + ["</div>"]
    }

    /// An SVG document without its trailing newline, ready to sit inside HTML.
    static func inlineSVG(_ svg: String) -> String {
        svg.hasSuffix("\n") ? String(svg.dropLast()) : svg
    }

    /// The page's stylesheet.
    static let css = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1560px;
               padding: 0 16px; color: #222; line-height: 1.4; }
        h1 { font-size: 26px; margin-bottom: 8px; }
        h2 { font-size: 20px; border-bottom: 1px solid #ccc; padding-bottom: 4px; margin-top: 36px; }
        p.note { color: #555; font-size: 14px; margin: 4px 0; max-width: 1000px; }
        nav ul { padding-left: 20px; }
        .plots { display: flex; flex-wrap: wrap; gap: 12px; }
        figure { margin: 0; flex: 1 1 560px; max-width: 780px; }
        figure svg { width: 100%; height: auto; border: 1px solid #ddd; }
        .tables { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
        table { border-collapse: collapse; font-size: 13px; margin: 12px 0; }
        caption { text-align: left; font-weight: bold; padding-bottom: 4px; }
        th, td { padding: 3px 10px; border-bottom: 1px solid #e4e4e4; white-space: nowrap; }
        thead th { border-bottom: 2px solid #444; }
        td.r, th.r { text-align: right; font-variant-numeric: tabular-nums; }
        td.l, th.l { text-align: left; }
        h3 { font-size: 15px; margin: 16px 0 4px; }
        details { margin: 8px 0; font-size: 13px; }
        summary { cursor: pointer; font-weight: bold; }
        ul.failures { color: #a00; font-size: 13px; }
        """
}
