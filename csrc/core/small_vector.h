// A vector of int64 with inline room for a few elements: shapes and strides of up to
// kInline dims never touch the heap, which keeps per-op dispatch cheap.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <vector>

namespace ember {

class DimVector {
 public:
  static constexpr size_t kInline = 6;
  DimVector() = default;
  explicit DimVector(size_t n, int64_t v = 0) { resize(n, v); }
  DimVector(std::initializer_list<int64_t> il) { assign(il.begin(), il.end()); }
  DimVector(const std::vector<int64_t>& v) { assign(v.data(), v.data() + v.size()); }
  template <typename It>
  DimVector(It b, It e) { assign(b, e); }
  DimVector(const DimVector& o) { assign(o.begin(), o.end()); }
  DimVector(DimVector&& o) noexcept { take(std::move(o)); }
  DimVector& operator=(const DimVector& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  DimVector& operator=(DimVector&& o) noexcept {
    if (this != &o) {
      heap_.clear();
      heap_.shrink_to_fit();
      take(std::move(o));
    }
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t* data() { return size_ <= kInline && heap_.empty() ? inline_ : heap_.data(); }
  const int64_t* data() const { return size_ <= kInline && heap_.empty() ? inline_ : heap_.data(); }
  int64_t* begin() { return data(); }
  int64_t* end() { return data() + size_; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + size_; }
  int64_t& operator[](size_t i) { return data()[i]; }
  int64_t operator[](size_t i) const { return data()[i]; }
  int64_t& back() { return data()[size_ - 1]; }
  int64_t back() const { return data()[size_ - 1]; }

  void resize(size_t n, int64_t v = 0) {
    if (n <= kInline && heap_.empty()) {
      for (size_t i = size_; i < n; ++i) inline_[i] = v;
    } else {
      to_heap();
      heap_.resize(n, v);
    }
    size_ = n;
  }
  void push_back(int64_t v) { resize(size_ + 1, v); }
  void pop_back() { resize(size_ - 1); }
  void insert(size_t pos, int64_t v) {
    resize(size_ + 1);
    int64_t* d = data();
    std::memmove(d + pos + 1, d + pos, (size_ - 1 - pos) * sizeof(int64_t));
    d[pos] = v;
  }
  void erase(size_t pos) {
    int64_t* d = data();
    std::memmove(d + pos, d + pos + 1, (size_ - 1 - pos) * sizeof(int64_t));
    resize(size_ - 1);
  }
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }
  bool operator==(const DimVector& o) const {
    return size_ == o.size_ && std::equal(begin(), end(), o.begin());
  }
  bool operator!=(const DimVector& o) const { return !(*this == o); }

 private:
  template <typename It>
  void assign(It b, It e) {
    size_t n = static_cast<size_t>(std::distance(b, e));
    heap_.clear();
    if (n <= kInline) {
      std::copy(b, e, inline_);
    } else {
      heap_.assign(b, e);
    }
    size_ = n;
  }
  void to_heap() {
    if (heap_.empty()) heap_.assign(inline_, inline_ + size_);
  }
  void take(DimVector&& o) {
    size_ = o.size_;
    if (!o.heap_.empty()) {
      heap_ = std::move(o.heap_);
    } else {
      std::copy(o.inline_, o.inline_ + o.size_, inline_);
    }
    o.size_ = 0;
  }
  int64_t inline_[kInline];
  std::vector<int64_t> heap_;
  size_t size_ = 0;
};

}  // namespace ember
