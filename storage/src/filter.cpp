// A tokenizer and a recursive-descent parser for run filters and sort keys. Grammar
// (docs/querying.md), keywords in any case:
//
//   filter     := or
//   or         := and ("or" and)*
//   and        := not ("and" not)*
//   not        := "not" not | "(" or ")" | comparison
//   comparison := field operator literal          operator: = != <> < <= > >= like
//   field      := metrics.KEY | metrics.max(KEY) | metrics.min(KEY) | params.KEY | attribute
//   literal    := number | 'text' | "text"          (a quote inside is doubled)
//   sort       := key ("," key)*,  key := ["-"] field ["asc" | "desc"]
#include "filter.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

namespace graft::storage::filter {
namespace {

enum class Kind { Word, Number, Text, Operator, Open, Close, Comma, Minus, End };

struct Token {
  Kind kind = Kind::End;
  std::string text;  // as written (a Text token: its content, quotes removed)
  int column = 1;    // 1-based position in the filter text
};

// Run attributes a filter or sort may name, and the SQL each stands for.
struct Attribute {
  const char* name;
  const char* sql;
};
constexpr Attribute kAttributes[] = {
    {"id", "r.id"},
    {"experiment", "e.name"},
    {"trial", "r.trial"},
    {"status", "r.status"},
    {"seed", "r.seed"},
    {"started_at", "r.started_at"},
    {"ended_at", "r.ended_at"},
    {"duration", "(r.ended_at - r.started_at)"},
    {"host", "r.host"},
    {"config_hash", "r.config_hash"},
    {"error", "r.error"},
    {"kind", "r.kind"},
};

std::string attribute_names() {
  std::string names;
  for (const auto& attribute : kAttributes) names += (names.empty() ? "" : ", ") + std::string(attribute.name);
  return names;
}

bool is_word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
// Keys are dotted and may hold '-' ("val.macro-f1"); there is no arithmetic to confuse it with.
bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// What an error message calls a token: 'and', or "the end of the filter".
std::string describe(const Token& token, const char* what) {
  if (token.kind == Kind::End) return fmt::format("the end of the {}", what);
  if (token.kind == Kind::Text) return fmt::format("'{}' (quoted)", token.text);
  return fmt::format("'{}'", token.text);
}

class Parser {
 public:
  Parser(std::string_view text, const char* what) : text_(text), what_(what) { tokenize(); }

  Sql filter() {
    Sql sql = parse_or();
    if (peek().kind != Kind::End) {
      fail(peek(), fmt::format("expected 'and', 'or' or the end of the filter, got {}", describe(peek(), what_)));
    }
    return sql;
  }

  Sql sort() {
    Sql sql;
    do {
      if (!sql.text.empty()) sql.text += ", ";
      const bool minus = accept(Kind::Minus);
      const Sql field = parse_field("a field to sort by");
      bool descending = minus;
      if (!minus && peek().kind == Kind::Word && (keyword(peek(), "asc") || keyword(peek(), "desc"))) {
        descending = keyword(next(), "desc");
      }
      // NULLs (runs without the metric or param) last in either direction.
      sql.text += fmt::format("{0} IS NULL, {0}{1}", field.text, descending ? " DESC" : "");
      for (int twice = 0; twice < 2; ++twice) sql.values.insert(sql.values.end(), field.values.begin(), field.values.end());
    } while (accept(Kind::Comma));
    if (peek().kind != Kind::End) {
      fail(peek(), fmt::format("expected ',', 'asc', 'desc' or the end, got {}", describe(peek(), what_)));
    }
    return sql;
  }

 private:
  // ---- tokens --------------------------------------------------------------------------------

  void tokenize() {
    std::size_t at = 0;
    while (true) {
      while (at < text_.size() && std::isspace(static_cast<unsigned char>(text_[at]))) ++at;
      Token token;
      token.column = static_cast<int>(at) + 1;
      if (at == text_.size()) {
        tokens_.push_back(token);
        return;
      }
      const char c = text_[at];
      const auto take = [&](Kind kind, std::size_t length) {
        token.kind = kind;
        token.text = std::string(text_.substr(at, length));
        at += length;
      };
      const bool number_start = is_digit(c) || (c == '.' && at + 1 < text_.size() && is_digit(text_[at + 1]));
      const bool negative = c == '-' && at + 1 < text_.size() && (is_digit(text_[at + 1]) || text_[at + 1] == '.');
      if (is_word_start(c)) {
        std::size_t end = at;
        while (end < text_.size() && is_word_char(text_[end])) ++end;
        take(Kind::Word, end - at);
      } else if (number_start || negative) {
        take(Kind::Number, number_length(at));
      } else if (c == '\'' || c == '"') {
        token.kind = Kind::Text;
        at = read_text(at, token);
      } else if (c == '(' || c == ')' || c == ',') {
        take(c == '(' ? Kind::Open : c == ')' ? Kind::Close : Kind::Comma, 1);
      } else if (c == '-') {
        take(Kind::Minus, 1);
      } else if (const std::size_t length = operator_length(at); length > 0) {
        take(Kind::Operator, length);
      } else {
        fail(token, fmt::format("unexpected character '{}'", c));
      }
      tokens_.push_back(std::move(token));
    }
  }

  // Digits, a fraction and an exponent; trailing word characters ("3e-4x") are included so the
  // value check reports the whole token.
  std::size_t number_length(std::size_t at) const {
    std::size_t end = at + 1;
    while (end < text_.size()) {
      const char c = text_[end];
      const bool exponent_sign = (c == '-' || c == '+') && (text_[end - 1] == 'e' || text_[end - 1] == 'E');
      if (!is_word_char(c) && !exponent_sign) break;
      ++end;
    }
    return end - at;
  }

  std::size_t operator_length(std::size_t at) const {
    const std::string_view rest = text_.substr(at);
    for (const char* two : {"<=", ">=", "!=", "<>", "=="}) {
      if (rest.substr(0, 2) == two) return 2;
    }
    return rest[0] == '=' || rest[0] == '<' || rest[0] == '>' ? 1 : 0;
  }

  // A quoted literal; the quote character doubled stands for itself. Returns the index after it.
  std::size_t read_text(std::size_t at, Token& token) const {
    const char quote = text_[at];
    for (std::size_t end = at + 1; end < text_.size(); ++end) {
      if (text_[end] != quote) {
        token.text += text_[end];
      } else if (end + 1 < text_.size() && text_[end + 1] == quote) {
        token.text += quote;
        ++end;
      } else {
        return end + 1;
      }
    }
    fail(token, fmt::format("the text starting with {} has no closing {}", quote, quote));
  }

  const Token& peek() const { return tokens_[position_]; }
  const Token& next() { return tokens_[position_ < tokens_.size() - 1 ? position_++ : position_]; }
  bool accept(Kind kind) {
    if (peek().kind != kind) return false;
    next();
    return true;
  }
  static bool keyword(const Token& token, const char* word) { return token.kind == Kind::Word && lower(token.text) == word; }
  bool accept_keyword(const char* word) {
    if (!keyword(peek(), word)) return false;
    next();
    return true;
  }

  [[noreturn]] void fail(const Token& token, const std::string& message) const {
    throw FilterError(fmt::format("{}: error at column {}: {}", what_, token.column, message));
  }

  // ---- grammar -------------------------------------------------------------------------------

  Sql parse_or() {
    Sql sql = parse_and();
    while (accept_keyword("or")) append(sql, " OR ", parse_and());
    return sql;
  }

  Sql parse_and() {
    Sql sql = parse_not();
    while (accept_keyword("and")) append(sql, " AND ", parse_not());
    return sql;
  }

  Sql parse_not() {
    if (accept_keyword("not")) {
      Sql inner = parse_not();
      // A run without the field matches neither `x > 1` nor `not x > 1`, as in SQL.
      return {"NOT (" + inner.text + ")", std::move(inner.values)};
    }
    if (accept(Kind::Open)) {
      Sql inner = parse_or();
      if (!accept(Kind::Close)) fail(peek(), fmt::format("expected ')', got {}", describe(peek(), what_)));
      return {"(" + inner.text + ")", std::move(inner.values)};
    }
    return parse_comparison();
  }

  Sql parse_comparison() {
    const Token field_token = peek();
    Sql sql = parse_field("a field such as metrics.test.accuracy, params.train.lr or status");
    const Token op = next();
    std::string sql_op;
    if (op.kind == Kind::Operator) {
      sql_op = op.text == "==" ? "=" : op.text == "<>" ? "!=" : op.text;
    } else if (keyword(op, "like")) {
      sql_op = "LIKE";
    } else {
      fail(op, fmt::format("expected an operator (= != < <= > >= like) after '{}', got {}", field_token.text,
                           describe(op, what_)));
    }
    const Token literal = next();
    Value value = parse_literal(literal, op);
    if (sql_op == "LIKE" && !std::holds_alternative<std::string>(value)) {
      fail(literal, fmt::format("like needs a quoted pattern such as 'small%', got {}", describe(literal, what_)));
    }
    if (field_token.text == "status") check_status(literal, value);
    if (field_token.text == "kind") check_kind(literal, value);
    sql.text = fmt::format("{} {} ?", sql.text, sql_op);
    sql.values.push_back(std::move(value));
    return sql;
  }

  Value parse_literal(const Token& token, const Token& op) const {
    if (token.kind == Kind::Text) return token.text;
    if (token.kind != Kind::Number) {
      // A bare word is most often unquoted text; a keyword means the value was left out.
      const bool bare_text = token.kind == Kind::Word && !keyword(token, "and") && !keyword(token, "or");
      fail(token, fmt::format("expected a value after '{}', got {}{}", op.text, describe(token, what_),
                              bare_text ? " (quote text: 'completed')" : ""));
    }
    const std::string& text = token.text;
    const bool integral = text.find_first_of(".eE") == std::string::npos;
    char* end = nullptr;
    errno = 0;
    if (integral) {
      const long long integer = std::strtoll(text.c_str(), &end, 10);
      if (*end == '\0' && errno == 0) return static_cast<std::int64_t>(integer);
    } else {
      const double real = std::strtod(text.c_str(), &end);
      if (*end == '\0' && errno == 0) return real;
    }
    fail(token, fmt::format("'{}' is not a number", text));
  }

  // `status = 'complete'` would silently match nothing: name the statuses instead.
  void check_status(const Token& token, const Value& value) const {
    const auto* name = std::get_if<std::string>(&value);
    if (!name || parse_status(*name) || name->find_first_of("%_") != std::string::npos) return;
    std::string names;
    for (RunStatus status : all_statuses()) names += (names.empty() ? "" : ", ") + std::string(status_name(status));
    fail(token, fmt::format("unknown status '{}'; statuses: {}", *name, names));
  }

  // Likewise `kind = 'lrfind'`.
  void check_kind(const Token& token, const Value& value) const {
    const auto* name = std::get_if<std::string>(&value);
    if (!name || parse_kind(*name) || name->find_first_of("%_") != std::string::npos) return;
    std::string names;
    for (RunKind kind : all_kinds()) names += (names.empty() ? "" : ", ") + std::string(kind_name(kind));
    fail(token, fmt::format("unknown kind '{}'; kinds: {}", *name, names));
  }

  Sql parse_field(const char* expected) {
    const Token token = next();
    if (token.kind != Kind::Word) fail(token, fmt::format("expected {}, got {}", expected, describe(token, what_)));
    const std::string& name = token.text;
    if (name.rfind("metrics.", 0) == 0) return metric_field(token, name.substr(8));
    if (name.rfind("params.", 0) == 0) {
      const std::string key = name.substr(7);
      if (key.empty()) fail(token, "expected a param key after 'params.', e.g. params.train.lr");
      return {"(SELECT value FROM params WHERE run_id = r.id AND key = ?)", {key}};
    }
    for (const auto& attribute : kAttributes) {
      if (name == attribute.name) return {attribute.sql, {}};
    }
    fail(token, fmt::format("unknown field '{}'; use metrics.KEY, metrics.max(KEY), metrics.min(KEY), params.KEY "
                            "or one of {}",
                            name, attribute_names()));
  }

  // metrics.KEY is the final value (highest step); metrics.max(KEY) / metrics.min(KEY) the best
  // over every logged value.
  Sql metric_field(const Token& token, const std::string& rest) {
    if ((rest == "max" || rest == "min") && accept(Kind::Open)) {
      const Token key = next();
      if (key.kind != Kind::Word) fail(key, fmt::format("expected a metric key inside metrics.{}( ), got {}", rest, describe(key, what_)));
      if (!accept(Kind::Close)) fail(peek(), fmt::format("expected ')' after '{}', got {}", key.text, describe(peek(), what_)));
      return {fmt::format("(SELECT {}(value) FROM metrics WHERE run_id = r.id AND key = ?)", rest), {key.text}};
    }
    if (rest.empty()) fail(token, "expected a metric key after 'metrics.', e.g. metrics.test.accuracy");
    return {"(SELECT value FROM final_metrics WHERE run_id = r.id AND key = ?)", {rest}};
  }

  static void append(Sql& sql, const char* joiner, Sql right) {
    sql.text += joiner + right.text;
    sql.values.insert(sql.values.end(), std::make_move_iterator(right.values.begin()),
                      std::make_move_iterator(right.values.end()));
  }

  std::string_view text_;
  const char* what_;
  std::vector<Token> tokens_;
  std::size_t position_ = 0;
};

}  // namespace

Sql compile_filter(std::string_view text) { return Parser(text, "filter").filter(); }

Sql compile_sort(std::string_view text) { return Parser(text, "sort").sort(); }

}  // namespace graft::storage::filter
