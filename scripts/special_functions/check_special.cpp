// Standalone driver for csrc/kernels/special_math.h (no other project code):
//   g++ -O2 -std=c++17 -I csrc scripts/special_functions/check_special.cpp -o /tmp/check_special
// Reads lines "func arg1 [arg2]" on stdin and prints one line per input:
//   floating functions: "<float64 result> <float32 result>"   (args rounded to float for the 2nd)
//   gcd / lcm:          "<int64> <int32> <int16> <int8>"      (args converted with wrap-around)
// Functions: digamma x | polygamma n x | zeta x q | i0 x | i0e x | i1 x | i1e x | ndtr x |
//            log_ndtr x | erfcx x | ndtri p | entr x | xlog1py x y | gcd a b | lcm a b
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "kernels/special_math.h"

namespace {

template <typename A>
double eval(const std::string& f, double a, double b, bool* ok) {
  using namespace ember;
  A x = static_cast<A>(a), y = static_cast<A>(b);
  *ok = true;
  if (f == "digamma") return digamma_value(x);
  if (f == "polygamma") return polygamma_value(static_cast<int>(a), y);
  if (f == "zeta") return zeta_value(x, y);
  if (f == "i0") return i0_value(x);
  if (f == "i0e") return i0e_value(x);
  if (f == "i1") return i1_value(x);
  if (f == "i1e") return i1e_value(x);
  if (f == "ndtr") return ndtr_value(x);
  if (f == "log_ndtr") return log_ndtr_value(x);
  if (f == "erfcx") return erfcx_value(x);
  if (f == "ndtri") return ndtri_value(x);
  if (f == "entr") return entr_value(x);
  if (f == "xlog1py") return xlog1py_value(x, y);
  *ok = false;
  return 0;
}

template <typename T>
long long int_eval(bool gcd, long long a, long long b) {
  T x = static_cast<T>(a), y = static_cast<T>(b);
  return static_cast<long long>(gcd ? ember::gcd_value(x, y) : ember::lcm_value(x, y));
}

}  // namespace

int main() {
  char line[512];
  while (std::fgets(line, sizeof line, stdin)) {
    char name[64] = {0}, s1[128] = {0}, s2[128] = {0};
    int n = std::sscanf(line, "%63s %127s %127s", name, s1, s2);
    if (n < 2) continue;
    std::string f = name;
    if (f == "gcd" || f == "lcm") {
      long long a = std::strtoll(s1, nullptr, 10), b = n > 2 ? std::strtoll(s2, nullptr, 10) : 0;
      bool g = f == "gcd";
      std::printf("%lld %lld %lld %lld\n", int_eval<int64_t>(g, a, b), int_eval<int32_t>(g, a, b),
                  int_eval<int16_t>(g, a, b), int_eval<int8_t>(g, a, b));
      continue;
    }
    double a = std::strtod(s1, nullptr), b = n > 2 ? std::strtod(s2, nullptr) : 0.0;
    bool ok = false;
    double r64 = eval<double>(f, a, b, &ok);
    double r32 = static_cast<double>(eval<float>(f, a, b, &ok));
    if (!ok) {
      std::printf("unknown unknown\n");
      continue;
    }
    std::printf("%.17g %.17g\n", r64, r32);
  }
  return 0;
}
