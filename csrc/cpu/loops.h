// Inner loops handed to TensorIterator. Each has a dense path (every stride equals the item
// size) that the compiler vectorizes, a path for a broadcast scalar input, and a strided path.
#pragma once
#include <cstdint>

namespace ember::cpu {

// out = f(a)
template <typename Out, typename In, typename F>
inline void unary_loop(char** d, const int64_t* s, int64_t n, const F& f) {
  Out* out = reinterpret_cast<Out*>(d[0]);
  const In* in = reinterpret_cast<const In*>(d[1]);
  if (s[0] == sizeof(Out) && s[1] == sizeof(In)) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
  } else if (s[0] == sizeof(Out) && s[1] == 0) {
    Out v = f(in[0]);
    for (int64_t i = 0; i < n; ++i) out[i] = v;
  } else {
    for (int64_t i = 0; i < n; ++i) {
      *reinterpret_cast<Out*>(d[0] + i * s[0]) = f(*reinterpret_cast<const In*>(d[1] + i * s[1]));
    }
  }
}

// out = f(a, b)
template <typename Out, typename In, typename F>
inline void binary_loop(char** d, const int64_t* s, int64_t n, const F& f) {
  Out* out = reinterpret_cast<Out*>(d[0]);
  const In* a = reinterpret_cast<const In*>(d[1]);
  const In* b = reinterpret_cast<const In*>(d[2]);
  if (s[0] == sizeof(Out)) {
    if (s[1] == sizeof(In) && s[2] == sizeof(In)) {
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
      return;
    }
    if (s[1] == sizeof(In) && s[2] == 0) {
      const In bv = b[0];
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
      return;
    }
    if (s[1] == 0 && s[2] == sizeof(In)) {
      const In av = a[0];
      for (int64_t i = 0; i < n; ++i) out[i] = f(av, b[i]);
      return;
    }
  }
  for (int64_t i = 0; i < n; ++i) {
    *reinterpret_cast<Out*>(d[0] + i * s[0]) =
        f(*reinterpret_cast<const In*>(d[1] + i * s[1]), *reinterpret_cast<const In*>(d[2] + i * s[2]));
  }
}

// out = f(a, b, c)
template <typename Out, typename In0, typename In1, typename In2, typename F>
inline void ternary_loop(char** d, const int64_t* s, int64_t n, const F& f) {
  if (s[0] == sizeof(Out) && s[1] == sizeof(In0) && s[2] == sizeof(In1) && s[3] == sizeof(In2)) {
    Out* out = reinterpret_cast<Out*>(d[0]);
    const In0* a = reinterpret_cast<const In0*>(d[1]);
    const In1* b = reinterpret_cast<const In1*>(d[2]);
    const In2* c = reinterpret_cast<const In2*>(d[3]);
    for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i], c[i]);
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    *reinterpret_cast<Out*>(d[0] + i * s[0]) = f(*reinterpret_cast<const In0*>(d[1] + i * s[1]),
                                                 *reinterpret_cast<const In1*>(d[2] + i * s[2]),
                                                 *reinterpret_cast<const In2*>(d[3] + i * s[3]));
  }
}

}  // namespace ember::cpu
