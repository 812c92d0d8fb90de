#pragma once
// The engine's own tables of an experiment file ([experiment], [train]) and the keys it adds to
// [scheduler] (warmup). One declaration drives validation, defaults and docs/experiments.md.
#include "experiment/experiment.hpp"
#include "graft/params.hpp"

namespace graft::host {
class Registry;
}

namespace graft::engine {

ParamSchema experiment_table_schema();
ParamSchema train_table_schema();
ParamSchema scheduler_extras_schema();

// Everything the experiment validator needs: engine tables, plugin tables and their defaults,
// and lookups into the registry's plugins.
experiment::SchemaCatalog make_catalog(const host::Registry& registry);

}  // namespace graft::engine
