// The benchmark workloads as minimal hand-written LibTorch training loops (bench/run.py runs them).
//
//   graft_bench_libtorch train CONFIG_JSON    one workload, as bench/pytorch/loops.py runs it
//   graft_bench_libtorch matmul CONFIG_JSON   the machine's float32 matmul FLOP/s ({"threads", "size", "repeats"})
//
// The networks are graft's own (resnet_network.cpp and bert_network.cpp of the plugins, compiled
// in; small_cnn's few lines are copied from its plugin), so that graft and this loop differ only
// in what is around the model: the loop is zero_grad, forward, cross-entropy, backward, AdamW step
// on batches cut from tensors in memory, nothing else. Timing, data and output as loops.py.
#include <algorithm>
#include <chrono>
#include <functional>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>
#include <zlib.h>

#include "bert_config.hpp"
#include "bert_network.hpp"
#include "resnet_network.hpp"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
const Clock::time_point kProcessStart = Clock::now();

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }
double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// --- data --------------------------------------------------------------------------------------

std::vector<unsigned char> read_gz(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<unsigned char> data;
  unsigned char buffer[1 << 16];
  int got = 0;
  while ((got = gzread(file, buffer, sizeof buffer)) > 0) data.insert(data.end(), buffer, buffer + got);
  gzclose(file);
  return data;
}

// An IDX file (gzipped) as a uint8 tensor of its shape.
torch::Tensor read_idx(const std::string& path) {
  const auto data = read_gz(path);
  const int dims = data.at(3);
  std::vector<std::int64_t> shape;
  std::int64_t count = 1;
  for (int d = 0; d < dims; ++d) {
    const auto* p = &data.at(4 + 4 * d);
    shape.push_back((std::int64_t{p[0]} << 24) | (p[1] << 16) | (p[2] << 8) | p[3]);
    count *= shape.back();
  }
  const std::size_t offset = 4 + 4 * static_cast<std::size_t>(dims);
  if (data.size() < offset + static_cast<std::size_t>(count)) throw std::runtime_error(path + ": truncated");
  return torch::from_blob(const_cast<unsigned char*>(data.data() + offset), shape, torch::kUInt8).clone();
}

// The first per_class examples of each class, in file order (all when 0): as loops.py.
torch::Tensor first_per_class(const torch::Tensor& labels, std::int64_t per_class, std::int64_t classes) {
  if (per_class <= 0) return torch::arange(labels.numel());
  std::vector<torch::Tensor> keep;
  for (std::int64_t c = 0; c < classes; ++c) keep.push_back(torch::nonzero(labels == c).flatten().slice(0, 0, per_class));
  return std::get<0>(torch::sort(torch::cat(keep)));
}

struct Images {
  torch::Tensor images;  // uint8 [N, H, W]
  torch::Tensor labels;  // int64 [N]
};

Images load_images(const json& data) {
  const std::string path = data.at("path");
  auto images = read_idx(path + "/train-images-idx3-ubyte.gz");
  auto labels = read_idx(path + "/train-labels-idx1-ubyte.gz").to(torch::kLong);
  const auto keep = first_per_class(labels, data.value("per_class", 0), data.at("classes"));
  return {images.index_select(0, keep).contiguous(), labels.index_select(0, keep).contiguous()};
}

// graft's image preprocessing, batched: [0, 1] floats, antialiased bilinear resize of the shorter
// side to resize_size, centre crop image_size, (x - mean) / std.
torch::Tensor image_batch(const torch::Tensor& images, const torch::Tensor& index, const json& data) {
  namespace F = torch::nn::functional;
  auto x = images.index_select(0, index).unsqueeze(1).to(torch::kFloat32).div_(255.0);
  const std::int64_t size = data.at("image_size");
  const std::int64_t resize = data.value("resize_size", size);
  if (x.size(-1) != resize) {
    x = F::interpolate(x, F::InterpolateFuncOptions()
                              .size(std::vector<std::int64_t>{resize, resize})
                              .mode(torch::kBilinear)
                              .align_corners(false)
                              .antialias(true));
  }
  if (resize != size) {
    const auto top = static_cast<std::int64_t>(std::nearbyint((resize - size) / 2.0));
    x = x.narrow(-2, top, size).narrow(-1, top, size);
  }
  const auto mean = torch::tensor(data.at("mean").get<std::vector<double>>(), torch::kDouble).to(torch::kFloat32);
  const auto std = torch::tensor(data.at("std").get<std::vector<double>>(), torch::kDouble).to(torch::kFloat32);
  return (x - mean.view({1, -1, 1, 1})) / std.view({1, -1, 1, 1});
}

// small_cnn's collate: (x / 255 - mean) / std with scalar mean and std.
torch::Tensor small_cnn_batch(const torch::Tensor& images, const torch::Tensor& index, const json& data) {
  const double mean = data.at("mean").at(0), std = data.at("std").at(0);
  return (images.index_select(0, index).unsqueeze(1).to(torch::kFloat32).div_(255.0) - mean) / std;
}

torch::Tensor read_int64_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot open " + path);
  const auto bytes = static_cast<std::int64_t>(in.tellg());
  in.seekg(0);
  auto values = torch::empty({bytes / 8}, torch::kLong);
  in.read(reinterpret_cast<char*>(values.data_ptr<std::int64_t>()), bytes);  // little-endian host
  return values;
}

// --- small_cnn (plugins/models/small_cnn/small_cnn.cpp, the network only) -----------------------

torch::nn::Sequential conv_block(std::int64_t in, std::int64_t out) {
  return torch::nn::Sequential(
      torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(false)), torch::nn::BatchNorm2d(out),
      torch::nn::ReLU(), torch::nn::MaxPool2d(2));
}

struct SmallCnnNet : torch::nn::Module {
  SmallCnnNet(std::int64_t in_channels, std::int64_t channels, std::int64_t image_size, std::int64_t hidden,
              double dropout, std::int64_t classes) {
    const std::int64_t pooled = image_size / 4;
    block1 = register_module("block1", conv_block(in_channels, channels));
    block2 = register_module("block2", conv_block(channels, 2 * channels));
    embedding = register_module(
        "embedding", torch::nn::Sequential(torch::nn::Flatten(), torch::nn::Dropout(dropout),
                                           torch::nn::Linear(2 * channels * pooled * pooled, hidden), torch::nn::ReLU()));
    classifier = register_module("classifier",
                                 torch::nn::Sequential(torch::nn::Dropout(dropout), torch::nn::Linear(hidden, classes)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return classifier->forward(embedding->forward(block2->forward(block1->forward(x))));
  }
  torch::nn::Sequential block1{nullptr}, block2{nullptr}, embedding{nullptr}, classifier{nullptr};
};

// --- the workload ------------------------------------------------------------------------------

// What a step needs: the module, a forward from a batch index, the backbone features (probe).
struct Workload {
  std::shared_ptr<torch::nn::Module> module;
  std::function<torch::Tensor(const torch::Tensor& index)> forward;   // logits, with autograd
  std::function<torch::Tensor(const torch::Tensor& index)> features;  // backbone output (probe)
  std::function<torch::Tensor(const torch::Tensor& features)> head;
  std::vector<torch::Tensor> head_parameters;
  torch::Tensor labels;
};

Workload build(const json& config) {
  const json& model = config.at("model");
  const json& data = config.at("data");
  const std::string kind = model.at("kind");
  const std::int64_t classes = data.at("classes");
  Workload w;
  if (kind == "small_cnn") {
    auto images = std::make_shared<Images>(load_images(data));
    auto net = std::make_shared<SmallCnnNet>(model.at("in_channels"), model.at("channels"), data.at("image_size"),
                                             model.at("hidden"), model.at("dropout"), classes);
    w.module = net;
    w.labels = images->labels;
    w.forward = [net, images, data](const torch::Tensor& index) {
      return net->forward(small_cnn_batch(images->images, index, data));
    };
  } else if (kind == "resnet") {
    auto images = std::make_shared<Images>(load_images(data));
    graft::resnet::Architecture architecture;
    architecture.depth = model.at("depth");
    architecture.in_channels = model.at("in_channels");
    auto net = std::make_shared<graft::resnet::ResNetNet>(architecture, classes);
    w.module = net;
    w.labels = images->labels;
    w.features = [net, images, data](const torch::Tensor& index) {
      return net->features(image_batch(images->images, index, data));
    };
    w.head = [net](const torch::Tensor& features) { return net->head(features); };
    w.forward = [f = w.features, h = w.head](const torch::Tensor& index) { return h(f(index)); };
    w.head_parameters = net->fc->parameters();
  } else if (kind == "bert") {
    const std::int64_t length = data.at("length");
    auto ids = std::make_shared<torch::Tensor>(read_int64_file(data.at("ids")).view({-1, length}));
    w.labels = read_int64_file(data.at("labels"));
    auto bert_config = graft::bert::preset_config(model.at("preset"));
    bert_config.vocab_size = model.at("vocab_size");
    bert_config.max_position_embeddings = model.at("max_position_embeddings");
    bert_config.pad_token_id = model.value("pad_token_id", 0);
    bert_config.hidden_dropout_prob = bert_config.attention_probs_dropout_prob = model.at("dropout");
    auto net = std::make_shared<graft::bert::SequenceClassifier>(bert_config, classes);
    graft::bert::initialise(*net, bert_config.initializer_range);
    w.module = net;
    w.features = [net, ids](const torch::Tensor& index) {
      const auto batch = ids->index_select(0, index);
      return net->bert->forward(batch, torch::zeros_like(batch), torch::ones_like(batch)).pooler_output;
    };
    w.head = [net](const torch::Tensor& features) { return net->head(features); };
    w.forward = [f = w.features, h = w.head](const torch::Tensor& index) { return h(f(index)); };
  } else {
    throw std::runtime_error("unknown model kind " + kind);
  }
  return w;
}

// graft's AdamW (framework/engine/optimizer.cpp): with weight decay, one-dimensional parameters in
// a group without it unless decay_biases_and_norms.
std::unique_ptr<torch::optim::AdamW> adamw(const std::vector<torch::Tensor>& parameters, const json& config) {
  const double wd = config.at("weight_decay");
  const auto betas = config.at("betas").get<std::vector<double>>();
  const auto options =
      torch::optim::AdamWOptions(config.at("lr")).betas({betas.at(0), betas.at(1)}).eps(config.at("eps")).weight_decay(wd);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  if (wd > 0 && !config.at("decay_biases_and_norms").get<bool>()) {
    std::vector<torch::Tensor> decayed, exempt;
    for (const auto& p : parameters) (p.dim() <= 1 ? exempt : decayed).push_back(p);
    if (!decayed.empty()) groups.emplace_back(decayed, std::make_unique<torch::optim::AdamWOptions>(options));
    if (!exempt.empty()) {
      auto no_decay = std::make_unique<torch::optim::AdamWOptions>(options);
      no_decay->weight_decay(0.0);
      groups.emplace_back(exempt, std::move(no_decay));
    }
  } else {
    groups.emplace_back(parameters, std::make_unique<torch::optim::AdamWOptions>(options));
  }
  return std::make_unique<torch::optim::AdamW>(groups, options);
}

json train(const json& config) {
  at::set_num_threads(config.at("threads"));
  torch::manual_seed(config.at("seed").get<std::uint64_t>());
  Workload w = build(config);
  const std::int64_t batch = config.at("batch_size"), epochs = config.at("epochs");
  const std::int64_t steps = config.at("steps_per_epoch"), warmup = config.at("warmup_steps");
  const json probe = config.value("probe", json());
  json result = {{"impl", "libtorch"}, {"workload", config.at("name")}};

  std::vector<torch::Tensor> parameters;
  if (!probe.is_null()) {
    // Linear probe: the backbone frozen and in eval mode, only the head trains.
    for (auto& p : w.module->parameters()) p.set_requires_grad(false);
    for (auto& p : w.head_parameters) p.set_requires_grad(true);
    w.module->eval();
    parameters = w.head_parameters;
  } else {
    w.module->train();
    parameters = w.module->parameters();
  }
  auto optimizer = adamw(parameters, config);

  const std::int64_t n = w.labels.numel();
  if (steps > n / batch) throw std::runtime_error("not enough examples for the steps");
  torch::Tensor cached;
  if (!probe.is_null() && probe.at("cached").get<bool>()) {
    const auto start = Clock::now();
    const std::int64_t chunk = probe.at("feature_batch_size");
    std::vector<torch::Tensor> parts;
    {
      torch::NoGradGuard no_grad;
      for (std::int64_t i = 0; i < n; i += chunk) parts.push_back(w.features(torch::arange(i, std::min(i + chunk, n))));
    }
    cached = torch::cat(parts);
    result["feature_seconds"] = seconds_since(start);
  }
  result["setup_seconds"] = seconds_since(kProcessStart);

  auto generator = at::make_generator<at::CPUGeneratorImpl>(config.at("seed").get<std::uint64_t>());
  double timed = 0;
  torch::Tensor loss;
  json spans = json::array();  // unix times of each epoch's timed span, to match a profile with
  for (std::int64_t epoch = 0; epoch < epochs; ++epoch) {
    const auto order = torch::randperm(n, generator, torch::kLong);
    auto clock = Clock::now();
    double span_start = unix_now();
    for (std::int64_t step = 0; step < steps; ++step) {
      const auto index = order.slice(0, step * batch, (step + 1) * batch);
      const auto target = w.labels.index_select(0, index);
      optimizer->zero_grad();
      torch::Tensor logits;
      if (cached.defined()) {
        logits = w.head(cached.index_select(0, index));
      } else if (!probe.is_null()) {
        torch::Tensor features;
        {
          torch::NoGradGuard no_grad;
          features = w.features(index);
        }
        logits = w.head(features);
      } else {
        logits = w.forward(index);
      }
      loss = torch::nn::functional::cross_entropy(logits, target);
      loss.backward();
      optimizer->step();
      if (step + 1 == warmup) {
        clock = Clock::now();
        span_start = unix_now();
      }
    }
    timed += seconds_since(clock);
    spans.push_back({span_start, unix_now()});
  }
  const std::int64_t timed_steps = epochs * (steps - warmup);
  result["timed_steps"] = timed_steps;
  result["timed_samples"] = timed_steps * batch;
  result["train_seconds"] = timed;
  result["samples_per_s"] = static_cast<double>(timed_steps * batch) / timed;
  result["final_loss"] = loss.item<double>();
  result["threads"] = at::get_num_threads();
  result["spans"] = spans;
  return result;
}

// The FLOP/s of a large float32 matmul (2 n^3 per product): best and median of `repeats`.
json matmul(const json& config) {
  at::set_num_threads(config.value("threads", 1));
  const std::int64_t size = config.value("size", 4096);
  const int repeats = config.value("repeats", 10);
  const auto a = torch::randn({size, size}), b = torch::randn({size, size});
  auto c = torch::mm(a, b);  // warm-up
  std::vector<double> rates;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    torch::mm_out(c, a, b);
    rates.push_back(2.0 * std::pow(static_cast<double>(size), 3) / seconds_since(start));
  }
  std::sort(rates.begin(), rates.end());
  return {{"size", size}, {"threads", at::get_num_threads()}, {"best_flops", rates.back()},
          {"median_flops", rates[rates.size() / 2]}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "train" && std::string(argv[1]) != "matmul")) {
    std::cerr << "usage: graft_bench_libtorch train|matmul CONFIG_JSON\n";
    return 2;
  }
  try {
    const json config = json::parse(argv[2]);
    const json result = std::string(argv[1]) == "train" ? train(config) : matmul(config);
    std::cout << result.dump() << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "graft_bench_libtorch: " << error.what() << "\n";
    return 1;
  }
}
