#include "engine/engine_schema.hpp"

#include "host/registry.hpp"

namespace graft::engine {

ParamSchema experiment_table_schema() {
  return {
      required_param("name", ParamType::String, "experiment name; runs are grouped under it in the store"),
      string_param("description", "", "one line saying what the experiment is for"),
      int_param("seed", 1, "seed of the first repeat; repeat i uses seed + i").at_least(0),
      int_param("repeats", 1, "trials per sweep combination, one per seed").between(1, 1000),
  };
}

ParamSchema train_table_schema() {
  return {
      int_param("epochs", 10, "passes over the training split").between(1, 100000),
      int_param("batch_size", 64, "examples per optimizer step").between(1, 1 << 20),
      int_param("eval_batch_size", 256, "examples per batch when evaluating").between(1, 1 << 20),
      bool_param("drop_last", true, "skip the last, incomplete training batch of each epoch"),
      string_param("optimizer", "adamw", "optimizer").one_of({"sgd", "adam", "adamw"}),
      float_param("lr", 1e-3, "base learning rate; schedule factor and group scales multiply it").at_least(0),
      float_param("momentum", 0.9, "SGD momentum").between(0, 1),
      bool_param("nesterov", false, "SGD Nesterov momentum"),
      float_list_param("betas", {0.9, 0.999}, "Adam/AdamW betas (two values)").between(0, 1),
      float_param("eps", 1e-8, "Adam/AdamW epsilon").at_least(0),
      float_param("weight_decay", 0.0, "L2 penalty (SGD, Adam) or decoupled weight decay (AdamW)").at_least(0),
      bool_param("decay_biases_and_norms", false,
                 "apply weight_decay to one-dimensional parameters (biases, LayerNorm and BatchNorm weights) "
                 "too; by default they are exempt, as in Hugging Face's Trainer"),
      int_param("accumulate", 1,
                "gradient accumulation: batches per optimizer step (the effective batch is batch_size x "
                "accumulate; the loss is averaged over them)")
          .between(1, 1 << 16),
      bool_param("bucket_by_length", false,
                 "text: form training batches of similar length (shuffled groups of 50 batches sorted by text "
                 "length, as Hugging Face's group_by_length), so that dynamic padding pads less"),
      float_param("grad_clip_norm", 0.0, "clip the global gradient norm to this value; 0 = off").at_least(0),
      int_param("threads", 0, "intra-op threads for LibTorch; 0 = every core of the machine").between(0, 1024),
      int_param("loader_threads", 2, "threads preparing batches ahead of the trainer; 0 = on the training thread")
          .between(0, 64),
      int_param("prefetch_batches", 4, "batches prepared ahead per loader").between(1, 256),
      string_param("device", "auto", "where to train: auto picks CUDA when available").one_of({"auto", "cpu", "cuda"}),
      string_param("distributed_backend", "auto",
                   "c10d backend of a run over several processes (docs/distributed.md): auto is NCCL on CUDA "
                   "where LibTorch has it, Gloo otherwise")
          .one_of({"auto", "gloo", "nccl"}),
      bool_param("sync_batchnorm", false,
                 "over several ranks: BatchNorm layers normalise by the statistics of every rank's examples "
                 "together, as one process over the global batch would (graft::BatchNorm2d layers)"),
      int_param("distributed_timeout", 300,
                "seconds a rank waits in a collective (or for the others to arrive) before the run fails")
          .between(1, 86400),
      float_param("gradient_bucket_mb", 25.0,
                  "over several ranks: megabytes of gradients per all-reduce (DDP's bucket_cap_mb; the first "
                  "bucket, the last layers, holds at most 1 MB so that communication starts early)")
          .between(0.001, 4096),
      bool_param("overlap_gradient_sync", true,
                 "over several ranks: start each bucket's all-reduce as soon as the backward pass has finished "
                 "its gradients, during the rest of the pass; false: all after it"),
      string_param("monitor", "val.accuracy", "metric that picks the best checkpoint")
          .one_of({"val.accuracy", "val.macro_f1", "val.loss", "train.loss", "train.accuracy"}),
      int_param("early_stopping_patience", 0,
                "stop after this many epochs in a row without improvement of early_stopping_monitor; 0 = off")
          .at_least(0),
      float_param("early_stopping_min_delta", 0.0, "an improvement must exceed this (absolute) to count").at_least(0),
      string_param("early_stopping_monitor", "", "metric early stopping watches; \"\" = train.monitor")
          .one_of({"", "val.accuracy", "val.macro_f1", "val.loss", "train.loss", "train.accuracy"}),
      string_param("early_stopping_mode", "auto", "whether higher or lower is better; auto: lower for losses")
          .one_of({"auto", "min", "max"}),
      bool_param("test_every_epoch", false,
                 "evaluate the test split after every epoch; by default only once, at the end, with the best "
                 "checkpoint (the monitored metric picks the model, the test split only measures it)"),
      bool_param("feature_cache", true,
                 "while the strategy keeps the whole backbone frozen and the model's preprocessing is "
                 "deterministic, compute backbone features once per split and train the head on them"),
      int_param("log_every_steps", 50, "record train.loss and lr every N optimizer steps").between(1, 1000000),
      string_param("checkpoints", "best+last",
                   "model checkpoints a run keeps: best (the monitored metric's epoch), best+last, or all (also "
                   "epoch-N.safetensors for every epoch N, counted from 1); a frozen backbone is written once, "
                   "beside them")
          .one_of({"best", "best+last", "all"}),
      bool_param("keep_state", false,
                 "keep state.pt (model, optimizer and random state: what `graft resume` needs) once the run has "
                 "completed; it is written after every epoch and always kept by a run that failed or was "
                 "interrupted"),
      string_param("on_nonfinite_loss", "stop",
                   "a NaN or infinite training loss: stop fails the run (\"diverged at step N\"), skip drops the "
                   "batch and counts it in train.skipped_batches")
          .one_of({"stop", "skip"}),
  };
}

ParamSchema scheduler_extras_schema() {
  return {
      int_param("warmup_steps", 0, "linear warmup over this many optimizer steps, then the schedule").at_least(0),
      float_param("warmup_ratio", 0.0,
                  "linear warmup over this share of the run's optimizer steps, rounded up (Hugging Face's "
                  "warmup_ratio); set warmup_steps or warmup_ratio, not both")
          .between(0, 1),
      float_param("warmup_start_factor", 0.0, "LR factor at step 0 of the warmup").between(0, 1),
  };
}

experiment::SchemaCatalog make_catalog(const host::Registry& registry) {
  experiment::SchemaCatalog catalog;
  catalog.engine_tables["experiment"] = experiment_table_schema();
  catalog.engine_tables["train"] = train_table_schema();
  catalog.plugin_tables = {{"model", PluginKind::Model},
                           {"dataset", PluginKind::Dataset},
                           {"strategy", PluginKind::Strategy},
                           {"scheduler", PluginKind::Scheduler},
                           {"teacher", PluginKind::Model}};
  // A second model whose logits the engine puts in every training batch (knowledge distillation).
  catalog.optional_tables = {"teacher"};
  // Multi-task: [tasks.NAME] dataset tables, each a further task on the model's backbone.
  catalog.plugin_table_families = {{std::string(experiment::kTaskFamily), PluginKind::Dataset}};
  catalog.plugin_table_extras[std::string(experiment::kTaskFamily)] = {
      float_param("weight", 1.0,
                  "the task's weight: how its loss or its share of the batches counts (see the strategy)")
          .at_least(0),
  };
  catalog.default_plugins = {{"strategy", "full"}, {"scheduler", "constant"}};
  catalog.plugin_table_extras["scheduler"] = scheduler_extras_schema();
  catalog.find_plugin = [&registry](PluginKind kind, const std::string& name) -> const ParamSchema* {
    const auto* plugin = registry.find(kind, name);
    return plugin ? &plugin->schema : nullptr;
  };
  catalog.plugin_names = [&registry](PluginKind kind) { return registry.names(kind); };
  catalog.tables_needed = [&registry](PluginKind kind, const std::string& name) {
    std::vector<std::pair<std::string, std::string>> tables;
    const auto* plugin = registry.find(kind, name);
    if (plugin && plugin->descriptor && has_need(plugin->descriptor->needs, PluginNeeds::Teacher))
      tables.emplace_back("teacher", "the trained model whose logits it learns from, e.g. pretrained = \"run:NAME\"");
    return tables;
  };
  return catalog;
}

}  // namespace graft::engine
