#include "core/device.h"

#include <cctype>

namespace ember {

std::string Device::str() const {
  std::string s = type == DeviceType::CPU ? "cpu" : type == DeviceType::CUDA ? "cuda" : "meta";
  if (index >= 0) s += ":" + std::to_string(index);
  return s;
}

Device Device::parse(const std::string& spec) {
  Device d;
  std::string kind = spec;
  auto colon = spec.find(':');
  if (colon != std::string::npos) {
    kind = spec.substr(0, colon);
    std::string idx = spec.substr(colon + 1);
    bool digits = !idx.empty();
    for (char c : idx) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    EMBER_CHECK(digits && idx.size() < 6, Runtime, "Invalid device string: '", spec, "'");
    d.index = std::stoi(idx);
  }
  if (kind == "cpu") {
    d.type = DeviceType::CPU;
  } else if (kind == "cuda") {
    d.type = DeviceType::CUDA;
  } else if (kind == "meta") {
    d.type = DeviceType::Meta;
  } else {
    EMBER_FAIL(Runtime, "Expected one of cpu, cuda, meta device type at start of device string: ", spec);
  }
  return d;
}

void check_device_available(const Device& d, const char* op) {
  EMBER_CHECK(d.type != DeviceType::CUDA, Runtime, op, ": ember was built without CUDA support, so device '",
              d.str(), "' is not available (ember.cuda.is_available() is False)");
}

namespace {
thread_local Device t_default_device{};
}

Device default_device() { return t_default_device; }
void set_default_device(const Device& d) { t_default_device = d; }

}  // namespace ember
