#pragma once
// Run filters and sort keys (`graft runs --filter/--sort`) compiled to SQL. The grammar and the
// identifiers are documented in docs/querying.md. User text never reaches the SQL: identifiers
// map to fixed SQL expressions and every key and literal becomes a bound '?' value.
//
// The SQL refers to the runs table as `r` and experiments as `e` (kRunsFrom in reads.cpp).
#include <string>
#include <string_view>
#include <vector>

#include "graft/storage/store.hpp"

namespace graft::storage::filter {

// A piece of SQL with '?' placeholders and the values to bind to them, in order.
struct Sql {
  std::string text;
  std::vector<Value> values;
};

// A boolean SQL expression for a WHERE clause. Throws FilterError
// "filter: error at column N: ..." naming the offending token.
Sql compile_filter(std::string_view text);

// The terms of an ORDER BY clause (without the keywords): runs without a value sort last, ties
// by run id. "KEY", "-KEY", "KEY asc", "KEY desc". Throws FilterError "sort: error at column N: ...".
Sql compile_sort(std::string_view text);

}  // namespace graft::storage::filter
