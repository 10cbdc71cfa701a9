// Result tables (framework/report/table.h) and SVG plots (svg_plot.h): exact Markdown/CSV for a
// small table with a best-per-column mark and a reference row, LaTeX booktabs structure, and a
// well-formed SVG with one polyline per series and one circle per point.
#include <gtest/gtest.h>

#include "framework/core/error.h"
#include "framework/report/svg_plot.h"
#include "framework/report/table.h"

namespace {
using namespace motlab::report;

Table small_table() {
  Table t;
  t.title = "T";
  t.columns = {{"R@1", "t2m", true, 2}, {"MedR", "t2m", false, 1}};
  RowGroup g;
  g.title = "(a)";
  g.rows.push_back({"A", {{10.0, std::nullopt}, {4.0, std::nullopt}}, false});
  g.rows.push_back({"B", {{12.5, 0.25}, {5.0, std::nullopt}}, false});
  g.rows.push_back({"paper: A", {{40.0, std::nullopt}, {2.0, std::nullopt}}, true});
  t.groups.push_back(g);
  return t;
}

TEST(Table, MarksTheBestOfOurRowsPerColumn) {
  const Table t = small_table();
  EXPECT_EQ(t.best_row(0, 0), 1);  // higher R@1 is better; the paper row never counts
  EXPECT_EQ(t.best_row(0, 1), 0);  // lower MedR is better
}

TEST(Table, MarkdownAndCsvAreExact) {
  const Table t = small_table();
  EXPECT_EQ(to_markdown(t),
            "**T**\n\n| | t2m R@1 | t2m MedR |\n|---|---:|---:|\n| **(a)** | | |\n"
            "| A | 10.00 | **4.0** |\n| B | **12.50 ± 0.25** | 5.0 |\n"
            "| *paper: A* | *40.00* | *2.0* |\n");
  EXPECT_EQ(to_csv(t),
            "group,row,reference,t2m R@1,t2m MedR\n(a),A,0,10.0000,4.000\n"
            "(a),B,0,12.5000 +- 0.2500,5.000\n(a),paper: A,1,40.0000,2.000\n");
}

TEST(Table, LatexIsABooktabsTableWithBoldBest) {
  const std::string tex = to_latex(small_table());
  for (const char* part : {"\\toprule", "\\midrule", "\\bottomrule", "\\textbf{12.50 $\\pm$ 0.25}",
                           "\\textbf{4.0}", "\\textit{paper: A}", "\\cmidrule(lr){2-3}"})
    EXPECT_NE(tex.find(part), std::string::npos) << part << "\n" << tex;
}

TEST(SvgPlot, OnePolylinePerSeriesAndOneCirclePerPoint) {
  LinePlot plot;
  plot.title = "R@k <test>";
  plot.series.push_back({"a", {1, 2, 3}, {10, 20, 30}, {}, false});
  plot.series.push_back({"b", {1, 2, 3}, {5, 15, 25}, {1, 1, 1}, true});
  const std::string svg = to_svg(plot);
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = svg.find(needle); at != std::string::npos; at = svg.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<polyline"), 2u);
  EXPECT_EQ(count("class=\"point\""), 6u);
  EXPECT_NE(svg.find("R@k &lt;test&gt;"), std::string::npos);
  EXPECT_EQ(count("<svg"), count("</svg>"));
  plot.series[1].y.pop_back();
  EXPECT_THROW(to_svg(plot), motlab::Error);
}

TEST(SvgPlot, NiceTicksCoverTheRange) {
  const auto ticks = nice_ticks(0, 37);
  EXPECT_EQ(ticks.front(), 0);
  EXPECT_GE(ticks.back(), 37);
  EXPECT_LE(ticks.size(), 8u);
}

}  // namespace
