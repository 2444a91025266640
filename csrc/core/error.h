// Typed errors. Every check in the core throws one of these; the Python binding maps each kind
// to the Python exception torch raises in the same situation.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace ember {

enum class ErrorKind { Runtime, Index, Type, Value, NotImplemented };

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& msg) : std::runtime_error(msg), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

namespace detail {
inline void append(std::ostringstream&) {}
template <typename T, typename... Rest>
void append(std::ostringstream& os, const T& v, const Rest&... rest) {
  os << v;
  append(os, rest...);
}
template <typename... Args>
[[noreturn]] void fail(ErrorKind kind, const Args&... args) {
  std::ostringstream os;
  append(os, args...);
  throw Error(kind, os.str());
}
}  // namespace detail

}  // namespace ember

// EMBER_CHECK(cond, Kind, "op: message ", value, ...) throws ember::Error of that kind.
#define EMBER_CHECK(cond, kind, ...)                                      \
  do {                                                                    \
    if (__builtin_expect(!(cond), 0)) {                                   \
      ::ember::detail::fail(::ember::ErrorKind::kind, __VA_ARGS__);       \
    }                                                                     \
  } while (0)

#define EMBER_FAIL(kind, ...) ::ember::detail::fail(::ember::ErrorKind::kind, __VA_ARGS__)
