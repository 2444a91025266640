// Where a tensor's memory lives.
#pragma once
#include <string>

#include "core/error.h"

namespace ember {

// Meta: tensors with shape, dtype and strides but no memory (torch's device="meta").
enum class DeviceType : int8_t { CPU, CUDA, Meta };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = -1;  // -1: the current device of that type
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_meta() const { return type == DeviceType::Meta; }
  std::string str() const;
  static Device parse(const std::string& spec);  // "cpu", "cuda", "cuda:1", "meta"
};

// Raises the error for a device that this build cannot compute on (CUDA until its backend exists).
void check_device_available(const Device& d, const char* op);

// The device factory functions use when given none: cpu unless changed (ember.set_default_device,
// or `with ember.device(...)`). Per thread, as torch's device context is.
Device default_device();
void set_default_device(const Device& d);

}  // namespace ember
