// The report in a real browser: headless Chromium loads the page from disk (offline), runs its
// script and prints the resulting DOM; the charts must have drawn and no error may be reported.
#include <catch2/catch.hpp>

#include <cstdlib>
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
  // Every per-epoch metric and the LR schedule: one chart each, each drawn with lines.
  const std::size_t charts = count(page_dom, "class=\"chart\"");
  CHECK(charts >= 6);
  CHECK(count(page_dom, "data-drawn=\"true\"") == charts);
  CHECK(count(page_dom, "<polyline") >= charts * 4);  // a line per run
  std::smatch drawn;
  REQUIRE(std::regex_search(page_dom, drawn, std::regex("data-charts=\"(\\d+)\"")));
  CHECK(std::stoul(drawn[1]) == charts);

  const std::filesystem::path screenshot = GRAFT_REPORT_SCREENSHOT;
  std::filesystem::remove(screenshot);
  const Browser shot = chromium(folder.path(), "--screenshot=" + shell_quote(screenshot.string()), page);
  INFO("chromium stderr:\n" << shot.err);
  CHECK(shot.status == 0);
  CHECK(std::filesystem::exists(screenshot));
  CHECK(std::filesystem::file_size(screenshot) > 10000);
}
