// The table model's best marking and its Markdown, CSV and LaTeX renderings, as exact strings.
#include "framework/report/table.h"

#include <gtest/gtest.h>

#include <cmath>

#include "framework/core/error.h"

using motlab::report::Better;
using motlab::report::Cell;
using motlab::report::Row;
using motlab::report::Table;

namespace {

Cell value(double v) { return Cell{v, std::nullopt}; }
Cell value(double v, double s) { return Cell{v, s}; }

// Two sections; section (a) has two own runs, one with a std, and a paper row that would win
// every column if it competed.
Table small_table() {
  Table table;
  table.title = "Demo: >=15 words & more";
  table.label = "tab:demo";
  table.groups = {{"t2m", {{"R@1", Better::kHigher}, {"MedR", Better::kLower}}},
                  {"m2t", {{"R@1", Better::kHigher}}}};
  table.sections.push_back({"(a) all",
                            {Row{"TMR", {value(4.494), value(35.0), value(7.96)}, false},
                             Row{"Ours", {value(6.391, 0.5), value(24.75), Cell{}}, false},
                             Row{"TMR", {value(90.0), value(1.0), value(99.0)}, true}}});
  table.sections.push_back({"(b) one run", {Row{"Ours", {value(1.0), value(2.0), value(3.0)}}}});
  return table;
}

}  // namespace

TEST(Table, BestIsPerSectionPerColumnInTheColumnsDirectionIgnoringReferenceRows) {
  const auto best = motlab::report::best_cells(small_table());
  ASSERT_EQ(best.size(), 2u);
  // R@1: Ours (6.39) > TMR; MedR: Ours (24.75) < TMR; m2t R@1: only TMR has a value -> no mark.
  EXPECT_EQ(best[0][0], (std::vector<bool>{false, false, false}));
  EXPECT_EQ(best[0][1], (std::vector<bool>{true, true, false}));
  EXPECT_EQ(best[0][2], (std::vector<bool>{false, false, false}));
  // A single own row is not "best" of anything.
  EXPECT_EQ(best[1][0], (std::vector<bool>{false, false, false}));
}

TEST(Table, TiesAsDisplayedAreAllMarked) {
  Table table;
  table.groups = {{"", {{"R@1", Better::kHigher}, {"loss", Better::kNone}}}};
  table.sections = {{"",
                     {Row{"a", {value(1.004), value(1)}}, Row{"b", {value(0.996), value(2)}},
                      Row{"c", {value(0.5), value(3)}}}}};
  const auto best = motlab::report::best_cells(table);
  EXPECT_EQ(best[0][0], (std::vector<bool>{true, false}));
  EXPECT_EQ(best[0][1], (std::vector<bool>{true, false}));
  EXPECT_EQ(best[0][2], (std::vector<bool>{false, false}));
}

TEST(Table, Markdown) {
  const std::string expected =
      "**Demo: >=15 words & more**\n"
      "\n"
      "| Method | t2m R@1 | t2m MedR | m2t R@1 |\n"
      "|:--|--:|--:|--:|\n"
      "| **(a) all** | | | |\n"
      "| TMR | 4.49 | 35.00 | 7.96 |\n"
      "| Ours | **6.39** ± 0.50 | **24.75** | - |\n"
      "| _paper (their data): TMR_ | _90.00_ | _1.00_ | _99.00_ |\n"
      "| **(b) one run** | | | |\n"
      "| Ours | 1.00 | 2.00 | 3.00 |\n";
  EXPECT_EQ(motlab::report::to_markdown(small_table()), expected);
}

TEST(Table, Csv) {
  const std::string expected =
      "section,Method,source,t2m R@1,t2m R@1 std,t2m MedR,t2m MedR std,m2t R@1,m2t R@1 std\n"
      "(a) all,TMR,ours,4.49,,35.00,,7.96,\n"
      "(a) all,Ours,ours,6.39,0.50,24.75,,,\n"
      "(a) all,TMR,paper (their data),90.00,,1.00,,99.00,\n"
      "(b) one run,Ours,ours,1.00,,2.00,,3.00,\n";
  EXPECT_EQ(motlab::report::to_csv(small_table()), expected);
}

TEST(Table, CsvWithoutSpreadsHasNoStdColumnsAndQuotesFields) {
  Table table;
  table.groups = {{"", {{"R@1", Better::kHigher}}}};
  table.sections = {{"", {Row{"lr=1e-3, \"warm\"", {value(2.5)}}}}};
  EXPECT_EQ(motlab::report::to_csv(table),
            "section,Method,source,R@1\n,\"lr=1e-3, \"\"warm\"\"\",ours,2.50\n");
}

TEST(Table, Latex) {
  const std::string expected =
      "% motlab table; needs \\usepackage{booktabs}\n"
      "\\begin{table}[t]\n"
      "\\centering\n"
      "\\caption{Demo: $\\geq$15 words \\& more}\n"
      "\\label{tab:demo}\n"
      "\\begin{tabular}{lrrr}\n"
      "\\toprule\n"
      " & \\multicolumn{2}{c}{t2m} & \\multicolumn{1}{c}{m2t} \\\\\n"
      "\\cmidrule(lr){2-3} \\cmidrule(lr){4-4}\n"
      "Method & R@1$\\uparrow$ & MedR$\\downarrow$ & R@1$\\uparrow$ \\\\\n"
      "\\midrule\n"
      "\\multicolumn{4}{l}{\\textit{(a) all}} \\\\\n"
      "TMR & 4.49 & 35.00 & 7.96 \\\\\n"
      "Ours & \\textbf{6.39} {\\scriptsize $\\pm$0.50} & \\textbf{24.75} & - \\\\\n"
      "\\addlinespace\n"
      "\\textit{paper (their data): TMR} & \\textit{90.00} & \\textit{1.00} & \\textit{99.00} "
      "\\\\\n"
      "\\midrule\n"
      "\\multicolumn{4}{l}{\\textit{(b) one run}} \\\\\n"
      "Ours & 1.00 & 2.00 & 3.00 \\\\\n"
      "\\bottomrule\n"
      "\\end{tabular}\n"
      "\\end{table}\n";
  EXPECT_EQ(motlab::report::to_latex(small_table()), expected);
}

TEST(Table, LatexEscapesSpecialCharacters) {
  Table table;
  table.row_header = "run_name";
  table.groups = {{"", {{"a%", Better::kNone}}}};
  table.sections = {{"", {Row{"x_{1}#$~^\\", {value(NAN)}}}}};
  const std::string tex = motlab::report::to_latex(table);
  EXPECT_NE(tex.find("run\\_name & a\\% \\\\\n"), std::string::npos) << tex;
  EXPECT_NE(tex.find("x\\_\\{1\\}\\#\\$\\textasciitilde{}\\textasciicircum{}\\textbackslash{} & - "
                     "\\\\\n"),
            std::string::npos)
      << tex;
}

TEST(Table, RowsWithTheWrongNumberOfCellsAreAnError) {
  Table table = small_table();
  table.sections[0].rows[0].cells.pop_back();
  try {
    motlab::report::to_markdown(table);
    FAIL() << "expected an error";
  } catch (const motlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 'TMR' has 2 cells for 3 columns"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(motlab::report::render(small_table(), "html"), motlab::Error);
  EXPECT_THROW(motlab::report::parse_better("up", "x"), motlab::Error);
}

TEST(Table, FormatNumberHasNoNegativeZero) {
  EXPECT_EQ(motlab::report::format_number(-0.001, 2), "0.00");
  EXPECT_EQ(motlab::report::format_number(-1.005, 1), "-1.0");
  EXPECT_EQ(motlab::report::format_number(1.04, 2), "1.04");
}
