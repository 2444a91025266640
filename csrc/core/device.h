// Where a tensor's memory lives.
#pragma once
#include <string>

#include "core/error.h"

namespace ember {

enum class DeviceType : int8_t { CPU, CUDA };

struct Device {
  DeviceType type = DeviceType::CPU;
  int index = -1;  // -1: the current device of that type
  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  bool is_cpu() const { return type == DeviceType::CPU; }
  std::string str() const;
  static Device parse(const std::string& spec);  // "cpu", "cuda", "cuda:1"
};

// Raises the error for a device that this build cannot compute on (CUDA until its backend exists).
void check_device_available(const Device& d, const char* op);

}  // namespace ember
