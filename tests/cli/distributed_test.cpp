// Data-parallel runs end to end: several graft processes over Gloo on loopback train one run,
// launched by `--nproc-per-node`, by torchrun's variables or by a Slurm step's, and give the
// metrics of one process (within float reduction order: 1e-5 here).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "distributed/loopback_port.hpp"
#include "experiment_files.hpp"
#include "store_progress.hpp"
#include "graft/storage/store.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::run_graft;
using Catch::Contains;

namespace {

// The head trains on cached features of a frozen backbone (BatchNorm in eval mode) without dropout:
// nothing in it depends on how the batch is split, so ranks must reproduce one process.
const char* const kFrozenBackbone = "\n[strategy]\nplugin = \"freeze_backbone\"\n";
const std::vector<std::string> kNoDropout = {"--set", "model.dropout=0", "--set", "train.distributed_timeout=20"};

using MetricRows = std::map<std::string, double>;

MetricRows metric_rows(const std::filesystem::path& db, std::int64_t run) {
  const auto store = storage::Store::open(db, storage::Store::Access::ReadOnly);
  MetricRows rows;
  for (const auto& row : store.query("SELECT key, step, epoch, value FROM metrics WHERE run_id = " + std::to_string(run)).rows) {
    rows[std::get<std::string>(row[0]) + "@" + storage::to_text(row[1]) + "/" + storage::to_text(row[2])] =
        std::get<double>(row[3]);
  }
  return rows;
}

void check_same_metrics(const MetricRows& expected, const MetricRows& actual) {
  REQUIRE(actual.size() == expected.size());
  for (const auto& [key, value] : expected) {
    INFO(key);
    REQUIRE(actual.count(key) == 1);
    CHECK(std::abs(actual.at(key) - value) <= 1e-5);
  }
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// `graft ARGS...` in `folder` with `environment` added; stderr to `log`. Returns its pid.
pid_t start_graft(const std::filesystem::path& folder, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& environment, const std::string& log) {
  std::vector<std::string> argv_text{GRAFT_EXECUTABLE};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    for (const auto& [name, value] : environment) setenv(name.c_str(), value.c_str(), 1);
    unsetenv("GRAFT_DB");
    if (chdir(folder.c_str()) != 0) _exit(127);
    if (!std::freopen(log.c_str(), "w", stderr) || !std::freopen("/dev/null", "w", stdout)) _exit(127);
    execv(GRAFT_EXECUTABLE, argv.data());
    _exit(127);
  }
  return pid;
}

int exit_status_of(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}


// Two ranks started by hand with the variables `environment_of(rank)` gives; their exit statuses.
std::vector<int> run_two_ranks(const std::filesystem::path& folder, const std::vector<std::string>& args,
                               const std::function<std::map<std::string, std::string>(int)>& environment_of,
                               const std::vector<std::string>& rank1_extra = {}) {
  const pid_t first = start_graft(folder, args, environment_of(0), (folder / "rank0.log").string());
  const pid_t second = start_graft(folder, with(args, rank1_extra), environment_of(1), (folder / "rank1.log").string());
  return {exit_status_of(first), exit_status_of(second)};
}

// The metrics of one process training the tiny experiment in `folder` (a fresh store of its own).
MetricRows one_process_metrics(const std::string& name, const std::vector<std::string>& settings) {
  graft::testing::TempFolder reference(name);
  const auto file = graft::testing::write_tiny_experiment(reference.path(), kFrozenBackbone);
  const auto alone = run_graft(reference.path(), with({"run", file.string(), "--no-progress"}, settings));
  INFO(alone.err);
  REQUIRE(alone.status == 0);
  return metric_rows(reference.path() / "graft.db", 1);
}

}  // namespace

TEST_CASE("graft run --nproc-per-node 2 records one run with the metrics of one process", "[distributed]") {
  const auto expected = one_process_metrics("dp-reference", kNoDropout);
  graft::testing::TempFolder folder("dp-launch");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kFrozenBackbone);
  const auto ranks = run_graft(folder.path(), with({"run", file.string(), "--no-progress", "--nproc-per-node", "2"},
                                                  kNoDropout));
  INFO(ranks.err);
  REQUIRE(ranks.status == 0);
  CHECK_THAT(ranks.err, Contains("2 rank(s) on 127.0.0.1:"));
  CHECK_THAT(ranks.out, Contains("completed"));  // the outcome table, printed once by the launcher

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto runs = store.list_runs();
  REQUIRE(runs.size() == 1);  // rank 0 alone writes
  const auto run = store.get_run(runs[0].id);
  std::map<std::string, std::string> params;
  for (const auto& param : run->params) params[param.key] = storage::to_text(param.value);
  CHECK(params["distributed.world_size"] == "2");
  CHECK(params["distributed.backend"] == "gloo");
  check_same_metrics(expected, metric_rows(folder / "graft.db", runs[0].id));
}

TEST_CASE("processes started with torchrun's variables join one job", "[distributed]") {
  const auto expected = one_process_metrics("dp-torchrun-reference", kNoDropout);
  graft::testing::TempFolder folder("dp-torchrun");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kFrozenBackbone);
  const std::string port = std::to_string(graft::distributed::free_loopback_port());
  const auto statuses = run_two_ranks(folder.path(), with({"run", file.string(), "--no-progress"}, kNoDropout),
                                      [&](int rank) -> std::map<std::string, std::string> {
                                        return {{"RANK", std::to_string(rank)},    {"LOCAL_RANK", std::to_string(rank)},
                                                {"WORLD_SIZE", "2"},              {"LOCAL_WORLD_SIZE", "2"},
                                                {"MASTER_ADDR", "127.0.0.1"},     {"MASTER_PORT", port},
                                                {"OMP_NUM_THREADS", "1"}};
                                      });
  INFO(graft::testing::read_text(folder / "rank0.log") + graft::testing::read_text(folder / "rank1.log"));
  REQUIRE(statuses == std::vector<int>{0, 0});
  check_same_metrics(expected, metric_rows(folder / "graft.db", 1));
  // Rank 1 trains quietly: rank 0 reports.
  CHECK_THAT(graft::testing::read_text(folder / "rank1.log"), !Contains("completed"));
}

TEST_CASE("the tasks of a Slurm step join one job as Lightning maps them", "[distributed]") {
  const auto expected = one_process_metrics("dp-slurm-reference", kNoDropout);
  graft::testing::TempFolder folder("dp-slurm");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kFrozenBackbone);
  const std::string port = std::to_string(graft::distributed::free_loopback_port());
  const auto statuses = run_two_ranks(folder.path(), with({"run", file.string(), "--no-progress"}, kNoDropout),
                                      [&](int rank) -> std::map<std::string, std::string> {
                                        return {{"SLURM_PROCID", std::to_string(rank)},
                                                {"SLURM_LOCALID", std::to_string(rank)},
                                                {"SLURM_NTASKS", "2"},
                                                {"SLURM_TASKS_PER_NODE", "2"},
                                                {"SLURM_NODELIST", "127.0.0.1"},
                                                {"SLURM_JOB_ID", "4242"},
                                                {"MASTER_PORT", port}};
                                      });
  INFO(graft::testing::read_text(folder / "rank0.log") + graft::testing::read_text(folder / "rank1.log"));
  REQUIRE(statuses == std::vector<int>{0, 0});
  check_same_metrics(expected, metric_rows(folder / "graft.db", 1));
}

TEST_CASE("ranks that resolved different trials stop with exit 2 and write nothing", "[distributed]") {
  graft::testing::TempFolder folder("dp-mismatch");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kFrozenBackbone);
  const std::string port = std::to_string(graft::distributed::free_loopback_port());
  const auto statuses = run_two_ranks(
      folder.path(), {"run", file.string(), "--no-progress"},
      [&](int rank) -> std::map<std::string, std::string> {
        return {{"RANK", std::to_string(rank)}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", port}};
      },
      {"--set", "train.lr=0.02"});
  const std::string rank0 = graft::testing::read_text(folder / "rank0.log");
  INFO(rank0);
  CHECK(statuses == std::vector<int>{2, 2});
  CHECK_THAT(rank0, Contains("rank(s) 1 have another trial config hash than rank 0"));
  CHECK_FALSE(std::filesystem::exists(folder / "graft.db"));
}

TEST_CASE("a rendezvous port in use and a batch the ranks cannot split are errors with exit 2", "[distributed]") {
  graft::testing::TempFolder folder("dp-port");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kFrozenBackbone);
  // Someone else's server listens on the port, on every interface.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  socklen_t length = sizeof address;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(listen(fd, 1) == 0);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const std::string port = std::to_string(ntohs(address.sin_port));
  const pid_t rank0 = start_graft(folder.path(), {"run", file.string(), "--no-progress"},
                                  {{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", port}},
                                  (folder / "rank0.log").string());
  CHECK(exit_status_of(rank0) == 2);
  close(fd);
  CHECK_THAT(graft::testing::read_text(folder / "rank0.log"), Contains("choose a free MASTER_PORT"));

  // Rank 1 of a job whose rank 0 never starts: it gives up after the timeout.
  const pid_t lonely = start_graft(folder.path(),
                                   {"run", file.string(), "--no-progress", "--set", "train.distributed_timeout=2"},
                                   {{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"},
                                    {"MASTER_PORT", std::to_string(graft::distributed::free_loopback_port())}},
                                   (folder / "rank1.log").string());
  CHECK(exit_status_of(lonely) == 2);
  CHECK_THAT(graft::testing::read_text(folder / "rank1.log"),
             Contains("rank 1 cannot reach the rendezvous at 127.0.0.1:") && Contains("check MASTER_ADDR"));

  const auto odd = run_graft(folder.path(), {"run", file.string(), "--nproc-per-node", "3"});
  CHECK(odd.status == 2);
  CHECK_THAT(odd.err, Contains("batch_size 8 does not split evenly over 3 ranks"));
  CHECK_FALSE(std::filesystem::exists(folder / "graft.db"));
}

namespace {

// The child of `parent` whose environment says RANK=`rank` (a rank --nproc-per-node started).
pid_t rank_child(pid_t parent, int rank) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string pid, command, state;
    pid_t ppid = 0;
    if (!(stat >> pid >> command >> state >> ppid) || ppid != parent) continue;
    const std::string environment = graft::testing::read_text(entry.path() / "environ");
    if (environment.find(std::string("RANK=") + std::to_string(rank) + '\0') != std::string::npos &&
        environment.find("WORLD_SIZE=") != std::string::npos)
      return static_cast<pid_t>(std::stoi(name));
  }
  return 0;
}


}  // namespace

TEST_CASE("a rank killed mid-run stops the others with an error naming the rank, and the run resumes",
          "[distributed][fault]") {
  // Long enough that the kill lands mid-run; resumed here over one process instead of two.
  const std::vector<std::string> settings = with(kNoDropout, {"--set", "train.epochs=150"});
  const auto expected = one_process_metrics("dp-fault-reference", settings);
  graft::testing::TempFolder folder("dp-fault");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kFrozenBackbone);
  const pid_t launcher = start_graft(folder.path(),
                                     with({"run", file.string(), "--no-progress", "--nproc-per-node", "2"}, settings),
                                     {}, (folder / "launcher.log").string());
  REQUIRE(graft::testing::wait_for_an_epoch(folder / "graft.db"));
  const pid_t victim = rank_child(launcher, 1);
  REQUIRE(victim > 0);
  const auto killed_at = std::chrono::steady_clock::now();
  kill(victim, SIGKILL);
  const int status = exit_status_of(launcher);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  const std::string log = graft::testing::read_text(folder / "launcher.log");
  INFO(log);
  CHECK(status == 1);
  CHECK(seconds < 20 + 10);  // within the collective timeout (and its slack), never a hang
  CHECK_THAT(log, Contains("rank 0 of 2: ") && Contains("failed"));

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto run = store.get_run(1);
  REQUIRE(run);
  CHECK(run->summary.status == storage::RunStatus::Failed);

  const auto resumed = run_graft(folder.path(), {"resume", "1", "--no-progress"});
  INFO(resumed.err);
  REQUIRE(resumed.status == 0);
  check_same_metrics(expected, metric_rows(folder / "graft.db", 1));
}

TEST_CASE("with sync_batchnorm, BatchNorm layers that train give the metrics of one process", "[distributed]") {
  // The whole small CNN trains: its BatchNorm layers normalise by batch statistics.
  const std::vector<std::string> full = with(kNoDropout, {"--set", "strategy.plugin=full"});
  const auto expected = one_process_metrics("dp-bn-reference", full);
  const auto ranks = [&](const std::string& name, bool sync) {
    graft::testing::TempFolder folder(name);
    const auto file = graft::testing::write_tiny_experiment(folder.path(), kFrozenBackbone);
    const auto run = run_graft(folder.path(),
                               with({"run", file.string(), "--no-progress", "--nproc-per-node", "2", "--set",
                                     std::string("train.sync_batchnorm=") + (sync ? "true" : "false")},
                                    full));
    INFO(run.err);
    REQUIRE(run.status == 0);
    return metric_rows(folder / "graft.db", 1);
  };
  check_same_metrics(expected, ranks("dp-bn-sync", true));
  // Without it each rank normalises by its half of the batch: the first epoch already differs.
  const auto local = ranks("dp-bn-local", false);
  const auto first_val_loss = std::find_if(expected.begin(), expected.end(),
                                           [](const auto& row) { return row.first.rfind("val.loss@", 0) == 0; });
  REQUIRE(first_val_loss != expected.end());
  CHECK(std::abs(local.at(first_val_loss->first) - first_val_loss->second) > 1e-4);
}

TEST_CASE("random augmentation is drawn per example, so 2 ranks augment as one process", "[distributed]") {
  // A frozen resnet backbone (BatchNorm in eval mode, no dropout) under random crops and flips:
  // the features change every epoch, so only the same crop of each example on whichever rank
  // holds it gives one process's metrics.
  std::string model = graft::testing::kTinyResnet;
  model.replace(model.find("augment = false"), 15, "augment = true");
  const std::vector<std::string> settings = {"--set", "train.epochs=2", "--set", "train.distributed_timeout=20"};
  const auto trained = [&](const std::string& name, const std::vector<std::string>& launch) {
    graft::testing::TempFolder folder(name);
    const auto file = graft::testing::write_experiment(folder.path(), "augmented.toml", "augmented", model, kFrozenBackbone);
    const auto run = run_graft(folder.path(), with(with({"run", file.string(), "--no-progress"}, launch), settings));
    INFO(run.err);
    REQUIRE(run.status == 0);
    return metric_rows(folder / "graft.db", 1);
  };
  check_same_metrics(trained("dp-augment-alone", {}), trained("dp-augment-ranks", {"--nproc-per-node", "2"}));
}

TEST_CASE("all-reducing gradient buckets during the backward pass changes no number", "[distributed]") {
  // The whole small CNN trains, with sync_batchnorm: its BatchNorm all-reduces run in the same
  // backward pass as the gradient buckets (on another process group). Small buckets, so that
  // most of them start while the pass goes on.
  const std::vector<std::string> settings =
      with(kNoDropout, {"--set", "strategy.plugin=full", "--set", "train.sync_batchnorm=true", "--set",
                        "train.gradient_bucket_mb=0.02", "--nproc-per-node", "2"});
  const auto trained = [&](const std::string& name, bool overlap) {
    graft::testing::TempFolder folder(name);
    const auto file = graft::testing::write_tiny_experiment(folder.path(), kFrozenBackbone);
    const auto run = run_graft(folder.path(), with({"run", file.string(), "--no-progress", "--set",
                                                    std::string("train.overlap_gradient_sync=") + (overlap ? "true" : "false")},
                                                   settings));
    INFO(run.err);
    REQUIRE(run.status == 0);
    std::smatch buckets;
    REQUIRE(std::regex_search(run.err, buckets, std::regex(R"(in (\d+) bucket all-reduce\(s\) \((\d+) started during)")));
    const auto started_during = std::stoll(buckets[2]);
    CHECK(std::stoll(buckets[1]) > 0);
    if (overlap) {
      CHECK(started_during > 0);
    } else {
      CHECK(started_during == 0);
    }
    return metric_rows(folder / "graft.db", 1);
  };
  const auto overlapped = trained("dp-overlap", true);
  const auto after = trained("dp-overlap-after", false);
  REQUIRE(overlapped.size() == after.size());
  for (const auto& [key, value] : after) {
    INFO(key);
    CHECK(overlapped.at(key) == value);  // the same buckets and sums: bit for bit
  }
}
