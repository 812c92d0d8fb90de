// The report in a real browser: headless Chromium loads the page from disk (offline), runs its
// script and prints the resulting DOM; the charts must have drawn and no error may be reported.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "cli/experiment_files.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using graft::testing::run_graft;
using graft::testing::shell_quote;

namespace {

struct Browser {
  int status = -1;
  std::string out;
  std::string err;
};

// Chromium with everything that could reach the network or need a display turned off.
Browser chromium(const std::filesystem::path& folder, const std::string& mode, const std::filesystem::path& page) {
  const auto profile = folder / ("chromium-profile-" + std::to_string(std::rand()));
  const auto out = folder / "chromium.out", err = folder / "chromium.err";
  const std::string command =
      "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync --hide-scrollbars "
      "--user-data-dir=" + shell_quote(profile.string()) + " --enable-logging=stderr --v=0 "
      "--window-size=1400,2800 --virtual-time-budget=5000 " + mode + " " +
      shell_quote("file://" + page.string()) + " > " + shell_quote(out.string()) + " 2> " + shell_quote(err.string());
  const int raw = std::system(command.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, graft::testing::read_text(out), graft::testing::read_text(err)};
}

// The DOM without its <script> elements, whose text mentions the attributes counted below.
std::string without_scripts(std::string html) {
  for (std::size_t start = html.find("<script"); start != std::string::npos; start = html.find("<script", start)) {
    const std::size_t end = html.find("</script>", start);
    html.erase(start, end == std::string::npos ? std::string::npos : end + 9 - start);
  }
  return html;
}

bool have_chromium() { return std::system("command -v chromium > /dev/null 2>&1") == 0; }

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A copy of `page` whose last script writes the layout's widths into <body> once the report's
// own script has drawn (it runs first): --dump-dom shows attributes, not what scripts compute.
std::filesystem::path with_width_probe(const std::filesystem::path& page) {
  std::string html = graft::testing::read_text(page);
  html.insert(html.rfind("</body>"),
              "<script>document.body.setAttribute('data-probe-scroll-width', "
              "String(document.documentElement.scrollWidth));document.body.setAttribute('data-probe-window-width', "
              "String(window.innerWidth));</script>\n");
  const auto probe = page.parent_path() / ("probe-" + page.filename().string());
  std::ofstream(probe) << html;
  return probe;
}

long body_number(const std::string& dom, const std::string& attribute) {
  std::smatch found;
  if (!std::regex_search(dom, found, std::regex(attribute + "=\"(\\d+)\""))) return -1;
  return std::stol(found[1]);
}

}  // namespace

TEST_CASE("the report loads in headless Chromium without errors and draws every chart") {
  // Not a skip: scripts/install-deps installs chromium, and a report nobody opened is untested.
  if (!have_chromium()) FAIL("chromium is not installed: run scripts/install-deps (Debian package 'chromium')");

  graft::testing::TempFolder folder("report-browser");
  const auto file = graft::testing::write_tiny_experiment(
      folder.path(), "\n[scheduler]\nplugin = \"cosine\"\nwarmup_steps = 5\n[sweep]\n\"train.lr\" = [0.01, 0.03]\n");
  const auto trained = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--jobs", "2", "--set",
                                                 "experiment.repeats=2"});
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  const auto page = folder / "report.html";
  const auto made = run_graft(folder.path(), {"report", "--experiment", "tiny", "--out", page.string()});
  INFO(made.err);
  REQUIRE(made.status == 0);

  const Browser dom = chromium(folder.path(), "--dump-dom", page);
  INFO("chromium stderr:\n" << dom.err);
  REQUIRE(dom.status == 0);
  const std::string page_dom = without_scripts(dom.out);
  // The page's script reports its errors in the page; the console's go to stderr.
  CHECK(page_dom.find("data-errors=") == std::string::npos);
  CHECK(page_dom.find("<pre id=\"errors\" hidden=\"\"></pre>") != std::string::npos);
  CHECK(dom.err.find("Uncaught") == std::string::npos);
  CHECK(dom.err.find(":CONSOLE(") == std::string::npos);
  // Every metric recorded per epoch and the LR schedule: one chart each, each drawn with lines.
  const std::size_t charts = count(page_dom, "class=\"chart\"");
  CHECK(charts >= 5);
  CHECK(count(page_dom, "data-drawn=\"true\"") == charts);
  // A line per run in each curve; the LR chart has one per distinct schedule, 2 here (the
  // repeats of each train.lr share theirs), the second dashed.
  const auto lr_from = page_dom.find("data-metric=\"lr\"");
  REQUIRE(lr_from != std::string::npos);
  const std::string lr_chart = page_dom.substr(lr_from, page_dom.find("</svg>", lr_from) - lr_from);
  CHECK(count(lr_chart, "<polyline") == 2);
  CHECK(count(lr_chart, "stroke-dasharray=\"8 4\"") == 1);
  CHECK(count(page_dom, "<polyline") >= (charts - 1) * 4 + 2);
  // The first chart is a learning curve; the test split, measured once, is a table.
  std::smatch first_chart;
  REQUIRE(std::regex_search(page_dom, first_chart, std::regex("class=\"chart\" data-metric=\"([^\"]+)\"")));
  CHECK(std::regex_match(first_chart[1].str(), std::regex("(train|val)\\..*")));
  CHECK(page_dom.find("<table id=\"once\">") != std::string::npos);
  CHECK(page_dom.find("data-metric=\"test.") == std::string::npos);
  std::smatch drawn;
  REQUIRE(std::regex_search(page_dom, drawn, std::regex("data-charts=\"(\\d+)\"")));
  CHECK(std::stoul(drawn[1]) == charts);

  // Grouped by many keys, the comparison's group labels are long: its table scrolls in its box
  // and the page stays within a 1400 px window.
  const auto wide = folder / "wide.html";
  const auto made_wide = run_graft(folder.path(), {"report", "--experiment", "tiny", "--out", wide.string(), "--group-by",
      "train.lr,model.plugin,model.channels,model.hidden,dataset.plugin,dataset.validation_fraction,scheduler.plugin,"
      "scheduler.warmup_steps,train.batch_size"});
  INFO(made_wide.err);
  REQUIRE(made_wide.status == 0);
  const Browser widths = chromium(folder.path(), "--dump-dom", with_width_probe(wide));
  INFO("chromium stderr:\n" << widths.err);
  REQUIRE(widths.status == 0);
  CHECK(body_number(widths.out, "data-probe-window-width") == 1400);
  const long scroll_width = body_number(widths.out, "data-probe-scroll-width");
  CHECK(scroll_width > 0);
  CHECK(scroll_width <= 1400);

  const std::filesystem::path screenshot = GRAFT_REPORT_SCREENSHOT;
  std::filesystem::remove(screenshot);
  const Browser shot = chromium(folder.path(), "--screenshot=" + shell_quote(screenshot.string()), page);
  INFO("chromium stderr:\n" << shot.err);
  CHECK(shot.status == 0);
  CHECK(std::filesystem::exists(screenshot));
  CHECK(std::filesystem::file_size(screenshot) > 10000);
}
