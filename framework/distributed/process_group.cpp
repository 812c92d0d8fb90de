#include "distributed/process_group.hpp"

#include <cstdlib>
#include <cstring>
#include <functional>

#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/torch.h>

#include "graft/errors.hpp"

namespace graft::distributed {

struct Rendezvous::Store {
  c10::intrusive_ptr<c10d::TCPStore> tcp;
};

Rendezvous::Rendezvous(const World& world, std::chrono::seconds timeout) : world_(world), store_(new Store) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(world.master_port);
  options.isServer = world.rank == 0;
  options.numWorkers = world.size;
  options.waitWorkers = false;  // the process groups wait for the ranks, with the timeout
  options.timeout = timeout;
  try {
    store_->tcp = c10::make_intrusive<c10d::TCPStore>(world.master_addr, options);
  } catch (const std::exception& error) {
    if (world.rank == 0) {
      throw InputError(fmt::format("rank 0 cannot serve the rendezvous on {}:{} ({}): choose a free MASTER_PORT",
                                   world.master_addr, world.master_port, error.what()));
    }
    throw InputError(fmt::format("rank {} cannot reach the rendezvous at {}:{} within {} s ({}): check MASTER_ADDR "
                                 "and MASTER_PORT, and that rank 0 has started",
                                 world.rank, world.master_addr, world.master_port, timeout.count(), error.what()));
  }
}

Rendezvous::~Rendezvous() = default;

namespace {

bool loopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

// Gloo talks over the interface GLOO_SOCKET_IFNAME names (as in PyTorch), over loopback for a
// job on this machine, or else over the address this host's name resolves to.
std::shared_ptr<gloo::transport::Device> gloo_device(const World& world) {
  if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME")) {
    return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
  }
  if (loopback(world.master_addr)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}

bool nccl_built() {
#ifdef USE_C10D_NCCL
  return true;
#else
  return false;
#endif
}

}  // namespace

// The backend behind two operations; the same calls compile against LibTorch 1.13 (where the
// backends are ProcessGroups) and 2.x (where they are c10d::Backends).
struct ProcessGroup::Impl {
  World world;
  std::string backend;
  std::chrono::seconds timeout;
  std::function<c10::intrusive_ptr<c10d::Work>(std::vector<at::Tensor>&)> all_reduce;
  std::function<c10::intrusive_ptr<c10d::Work>(std::vector<at::Tensor>&, int)> broadcast;
  c10::intrusive_ptr<c10::intrusive_ptr_target> keep_alive;

  // A collective started, its failure to start a CollectiveError.
  c10::intrusive_ptr<c10d::Work> start(const char* what,
                                       const std::function<c10::intrusive_ptr<c10d::Work>()>& collective) const {
    try {
      return collective();
    } catch (const std::exception& error) {
      throw failed(what, error);
    }
  }

  void wait(const char* what, const std::function<c10::intrusive_ptr<c10d::Work>()>& collective) const {
    wait(what, start(what, collective));
  }

  void wait(const char* what, const c10::intrusive_ptr<c10d::Work>& work) const {
    try {
      work->wait();
    } catch (const std::exception& error) {
      throw failed(what, error);
    }
  }

  CollectiveError failed(const char* what, const std::exception& error) const {
    return CollectiveError(fmt::format(
        "rank {} of {}: {} over {} failed: {} (another rank stopped, or none answered within {} s; its own error "
        "says why)",
        world.rank, world.size, what, backend, error.what(), timeout.count()));
  }
};

struct PendingCollective::Work {
  std::shared_ptr<const ProcessGroup::Impl> group;
  const char* what;
  c10::intrusive_ptr<c10d::Work> work;
};

PendingCollective::PendingCollective(std::unique_ptr<Work> work) : work_(std::move(work)) {}
PendingCollective::~PendingCollective() = default;
PendingCollective::PendingCollective(PendingCollective&&) noexcept = default;
PendingCollective& PendingCollective::operator=(PendingCollective&&) noexcept = default;

void PendingCollective::wait() {
  if (!work_) throw std::logic_error("PendingCollective::wait: nothing under way");
  auto work = std::move(work_);
  work->group->wait(work->what, work->work);
}

template <class Impl, class Backend>
void bind(Impl& impl, c10::intrusive_ptr<Backend> backend) {
  impl.all_reduce = [backend](std::vector<at::Tensor>& tensors) {
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    return backend->allreduce(tensors, options);
  };
  impl.broadcast = [backend](std::vector<at::Tensor>& tensors, int root) {
    c10d::BroadcastOptions options;
    options.rootRank = root;
    return backend->broadcast(tensors, options);
  };
  impl.keep_alive = backend;
}

ProcessGroup::ProcessGroup(Rendezvous& rendezvous, const std::string& name, const GroupOptions& options, bool cuda)
    : impl_(new Impl) {
  const World& world = rendezvous.world();
  impl_->world = world;
  impl_->timeout = options.timeout;
  std::string backend = options.backend;
  if (backend == "auto") backend = cuda && nccl_built() ? "nccl" : "gloo";
  if (backend == "nccl" && !nccl_built()) {
    throw InputError("[train] distributed_backend = \"nccl\", but this LibTorch was built without NCCL: use \"gloo\" "
                     "or a CUDA build of LibTorch");
  }
  if (backend == "nccl" && !cuda) throw InputError("[train] distributed_backend = \"nccl\" needs device = \"cuda\"");
  impl_->backend = backend;
  auto store = c10::make_intrusive<c10d::PrefixStore>(name, rendezvous.store_->tcp);
  try {
#ifdef USE_C10D_NCCL
    if (backend == "nccl") {
      auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
      nccl_options->timeout = options.timeout;
      bind(*impl_, c10::make_intrusive<c10d::ProcessGroupNCCL>(store, world.rank, world.size, nccl_options));
      return;
    }
#endif
    auto gloo_options = c10d::ProcessGroupGloo::Options::create(options.timeout);
    gloo_options->devices.push_back(gloo_device(world));
    bind(*impl_, c10::make_intrusive<c10d::ProcessGroupGloo>(store, world.rank, world.size, gloo_options));
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& error) {
    throw CollectiveError(fmt::format("rank {} of {}: the {} process group did not form within {} s: {}", world.rank,
                                      world.size, backend, options.timeout.count(), error.what()));
  }
}

ProcessGroup::~ProcessGroup() = default;

const World& ProcessGroup::world() const { return impl_->world; }
const std::string& ProcessGroup::backend() const { return impl_->backend; }

void ProcessGroup::all_reduce_sum(std::vector<at::Tensor>& tensors) { all_reduce_sum_async(tensors).wait(); }

PendingCollective ProcessGroup::all_reduce_sum_async(std::vector<at::Tensor>& tensors) {
  const char* what = "an all-reduce";
  auto work = impl_->start(what, [&] { return impl_->all_reduce(tensors); });
  return PendingCollective(std::unique_ptr<PendingCollective::Work>(new PendingCollective::Work{impl_, what, work}));
}

void ProcessGroup::broadcast(std::vector<at::Tensor>& tensors, int root) {
  impl_->wait("a broadcast", [&] { return impl_->broadcast(tensors, root); });
}

void ProcessGroup::check_same(const std::string& what, const std::string& value) {
  // Rank 0's value, padded to the longest, then one flag per rank that differs from it.
  std::vector<at::Tensor> length = {torch::tensor({static_cast<std::int64_t>(value.size())}, torch::kLong)};
  impl_->wait("a config check", [&] { return impl_->broadcast(length, 0); });
  const auto length_of_reference = static_cast<std::size_t>(length[0].item<std::int64_t>());
  at::Tensor bytes =
      torch::zeros({static_cast<std::int64_t>(std::max<std::size_t>(length_of_reference, 1))}, torch::kUInt8);
  if (rank() == 0) std::memcpy(bytes.data_ptr(), value.data(), value.size());
  std::vector<at::Tensor> payload = {bytes};
  broadcast(payload, 0);
  const std::string reference(static_cast<const char*>(payload[0].data_ptr()), length_of_reference);
  std::vector<at::Tensor> differs = {torch::zeros({static_cast<std::int64_t>(size())}, torch::kLong)};
  if (reference != value) differs[0][rank()] = 1;
  all_reduce_sum(differs);
  std::string ranks;
  for (int r = 0; r < size(); ++r)
    if (differs[0][r].item<std::int64_t>() != 0) ranks += (ranks.empty() ? "" : ", ") + std::to_string(r);
  if (ranks.empty()) return;
  throw InputError(fmt::format("rank(s) {} have another {} than rank 0 ({} there, {} here): start every rank with "
                               "the same experiment file and --set options",
                               ranks, what, reference, value));
}

}  // namespace graft::distributed
